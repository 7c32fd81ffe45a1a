"""print history MEMBER -o FILE: a member's attendance on A4, with counts per fiscal year."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from app import cli, events
from app.core.context import Context
from app.events.views import EventInput, OccurrenceInput
from app.roster import members
from app.roster.members import MemberInput

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


def test_print_history_lists_each_registration_and_the_fiscal_years(
    ctx: Context, db_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cafe = events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(
                OccurrenceInput(datetime(y, m, 15, 10, 0)) for y, m in ((2026, 3), (2026, 4))
            ),
        ),
    )
    march, april = cafe.occurrences
    who = members.add_member(
        ctx, MemberInput(family_name="山田", given_name="花子", family_kana="ヤマダ",
                         given_kana="ハナコ")
    ).id  # fmt: skip
    came = events.register_member(ctx, cafe.id, who, occurrence_id=march.id)
    events.check_in(ctx, came.id)
    events.register_member(ctx, cafe.id, who, occurrence_id=april.id)
    ctx.db.close()
    out = tmp_path / "history.pdf"
    assert cli.run(["--db", str(db_path), "print", "history", who[:8], "-o", str(out)]) == 0
    capfd.readouterr()
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "山田" in text and "ふれあいカフェ" in text
    # March 2026 is fiscal 2025, April fiscal 2026: one line each.
    assert "2025" in text and "2026" in text
    assert text.count("ふれあいカフェ") == 2
    # A file that is not a PDF is refused in one line, and nothing is written.
    bad = tmp_path / "history.txt"
    assert cli.run(["--db", str(db_path), "print", "history", who[:8], "-o", str(bad)]) == 1
    assert len(capfd.readouterr().err.strip().splitlines()) == 1
    assert not bad.exists()


def test_print_history_onto_the_database_is_refused(
    ctx: Context, db_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    who = members.add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ")).id
    ctx.db.close()
    (tmp_path / "db.pdf").symlink_to(db_path)
    before = db_path.read_bytes()
    argv = ["--db", str(db_path), "print", "history", who[:8], "-o", str(tmp_path / "db.pdf")]
    assert cli.run(argv) == 1
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Nothing was written" in err[0], err
    assert db_path.read_bytes() == before
