"""`events duty…`, `members duties` and `print duty` keep DESIGN.md's contract (issue 16.4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.storage.database import open_database
from db.models import TakeOutLog
from tests.helpers.cli import run_captured as run
from tests.helpers.cli import run_main_logged_out as run_logged_out

CAFE = "ふれあいカフェ"


def _roster(capfd: pytest.CaptureFixture[str], db: Path, *more: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capfd, "--db", str(db), "events", "duty", CAFE, "--json", *more)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_demo_cafe_has_a_roster_with_a_host_still_needed(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    roster = _roster(capfd, demo_path)
    assert roster["id"] == roster["event_id"] and roster["title"] == CAFE
    assert [r["name"] for r in roster["roles"]] == ["受付", "調理", "会場設営", "片付け", "司会"]
    assert len(roster["dates"]) == 12
    shorts = [w for w in roster["warnings"] if w["kind"] == "short"]
    assert shorts and all(w["role"] == "司会" for w in shorts)
    code, out, err = run(capfd, "--db", str(demo_path), "events", "duty-roles", CAFE, "--json")
    assert code == 0, err
    listing = json.loads(out)
    assert isinstance(listing, list) and all("id" in r for r in listing)


def test_assign_a_host_and_take_them_off_again(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_path)
    roster = _roster(capfd, demo_path)
    open_day = next(
        d for d in roster["dates"] for s in d["slots"] if s["role"] == "司会" and not s["people"]
    )
    day = open_day["starts_at"][:10]
    code, out, err = run(capfd, "--db", db, "members", "list", "--json")
    member = json.loads(out)[0]
    code, out, err = run(capfd, "--db", db, "events", "duty-assign", CAFE, "--date", day,
                         "--role", "司会", member["id"][:8])  # fmt: skip
    assert code == 0, err
    assert out.strip().endswith(").") and "司会" in out
    code, out, err = run(capfd, "--db", db, "members", "duties", member["id"][:8], "--json")
    assert code == 0, err
    mine = json.loads(out)
    assert any(d["role"] == "司会" and d["day"] == day and d["id"] for d in mine)
    code, out, err = run(capfd, "--db", db, "events", "duty-unassign", CAFE, "--date", day,
                         "--role", "司会", member["id"][:8])  # fmt: skip
    assert code == 0, err
    code, out, err = run(capfd, "--db", db, "members", "duties", member["id"][:8], "--json")
    assert not any(d["role"] == "司会" and d["day"] == day for d in json.loads(out))


@pytest.mark.parametrize(
    ("args", "code_wanted", "words"),
    [
        (("events", "duty-assign", CAFE, "--date", "2001-01-01", "--role", "受付", "x"), 1, ""),
        (("events", "duty", CAFE, "--month", "April"), 2, "YYYY-MM"),
        (("events", "duty-roles", CAFE, "受付=two"), 1, "NAME=N"),
        (("events", "duty-roles", CAFE, "受付=2", "--default"), 1, "--default"),
        (("events", "duty-roles", CAFE, "受付=2"), 1, "cannot be removed"),
        (("events", "duty-roles", CAFE, "受付=99999999999999999999"), 1, "between 0 and 50"),
        (("events", "duty-roles", CAFE, "\u202e受付=2", "x" * 200 + "=1"), 1, "at most 40"),
        (("events", "duty", CAFE, "--month", "99999-01"), 2, "YYYY-MM"),
        (("events", "duty-assign", CAFE, "--role", "99999999999", "x"), 1, ""),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_path: Path,
    capfd: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code_wanted: int,
    words: str,
) -> None:
    before = _roster(capfd, demo_path)
    code, _out, err = run(capfd, "--db", str(demo_path), *args)
    assert code == code_wanted
    assert len(err.strip().splitlines()) == 1 and words in err
    assert "Traceback" not in err
    assert _roster(capfd, demo_path) == before


def test_print_duty_writes_the_months_roster_and_refuses_the_database(
    demo_path: Path, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(demo_path)
    month = _roster(capfd, demo_path)["dates"][-1]["starts_at"][:7]
    out_pdf = tmp_path / "duty.pdf"
    code, out, err = run(capfd, "--db", db, "print", "duty", CAFE, "--month", month,
                         "-o", str(out_pdf))  # fmt: skip
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(out_pdf).pages)
    assert "Duty roster" in text and CAFE in text and "司会" in text
    assert "Each volunteer's duties" in text
    before = demo_path.read_bytes()
    wal = demo_path.with_name(demo_path.name + "-wal")
    for target in (demo_path, demo_path.with_name(demo_path.name + ".keys"), wal):
        code, _out, err = run(capfd, "--db", db, "print", "duty", CAFE, "-o", str(target))
        assert code == 1 and len(err.strip().splitlines()) == 1
    assert demo_path.read_bytes() == before
    database = open_database(demo_path)
    try:
        with database.transaction() as s:
            logged = [(t.what, t.destination) for t in s.scalars(select(TakeOutLog))]
    finally:
        database.close()
    assert ("duty roster", str(out_pdf)) in logged


@pytest.fixture(scope="module")
def demo_accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made by `demo`, with its visitor and viewer accounts."""
    db = tmp_path_factory.mktemp("cli-duty") / "demo.sqlite"
    made = run_logged_out("--db", str(db), "demo")
    assert made.returncode == 0, made.stderr
    return db


def test_a_visitor_reads_the_roster_and_changes_nothing_and_a_viewer_sees_no_names(
    demo_accounts: Path, tmp_path: Path
) -> None:
    db = str(demo_accounts)
    visitor = {"TSUNAGU_USER": "visitor", "TSUNAGU_PASSPHRASE": "demo-visitor"}
    viewer = {"TSUNAGU_USER": "viewer", "TSUNAGU_PASSPHRASE": "demo-viewer"}
    read = run_logged_out("--db", db, "events", "duty", CAFE, "--json", **visitor)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["roles"]
    for args in (
        ("events", "duty-roles", CAFE, "--default"),
        ("events", "duty-assign", CAFE, "--role", "司会", "x"),
        ("print", "duty", CAFE, "-o", str(tmp_path / "d.pdf")),
    ):
        refused = run_logged_out("--db", db, *args, **visitor)
        assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "d.pdf").exists()
    seen = run_logged_out("--db", db, "events", "duty", CAFE, **viewer)
    assert seen.returncode == 1 and "石井" not in seen.stdout
