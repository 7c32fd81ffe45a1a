"""Prints of events: the demo's まちづくり講座 第18講 made by the command line and read back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app import cli, events
from app.core.context import Context
from app.core.errors import UserError
from app.core.text.kana import reading_sort_key
from app.printing import events as event_print
from app.printing.events import PrintJob
from app.storage.database import open_database
from db.models import TakeOutLog

EIGHTEEN = "まちづくり講座 第18講"
TITLE = "「私もやりたい!」共感からつながる仲間づくりとまちづくり"


@contextmanager
def opened(path: Path) -> Iterator[Context]:
    """The database at `path` as a Context, closed again (one program at a time holds it)."""
    db = open_database(path)
    try:
        yield Context(db)
    finally:
        db.close()


def _text(path_or_bytes: Path | bytes) -> tuple[PdfReader, str]:
    source = path_or_bytes if isinstance(path_or_bytes, Path) else io.BytesIO(path_or_bytes)
    reader = PdfReader(source)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _take_outs(ctx: Context) -> list[TakeOutLog]:
    with ctx.db.transaction() as s:
        rows = list(s.scalars(select(TakeOutLog).order_by(TakeOutLog.local_seq)))
        s.expunge_all()
        return rows


def _in_order(text: str, names: list[str]) -> bool:
    """True when every name appears in `text`, each after the one before."""
    at = 0
    for name in names:
        found = text.find(name, at)
        if found < 0:
            return False
        at = found + len(name)
    return True


def test_print_flyer_of_the_eighteenth_lecture(
    demo_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = demo_path
    out = tmp_path / "flyer.pdf"
    code = cli.run(["--db", str(db), "print", "flyer", EIGHTEEN, "-o", str(out)])
    captured = capfd.readouterr()
    assert code == 0, captured.err
    reader, text = _text(out)
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4
    assert "まちづくり講座 第18講" in text
    assert "共感からつながる" in text and "小原 宗一" in text
    assert "令和4年" in text
    assert reader.metadata is not None and reader.metadata.title == TITLE
    # A flyer names nobody: nothing in the take-out log.
    with opened(db) as ctx:
        assert _take_outs(ctx) == []
    poster = tmp_path / "poster-b5.pdf"
    assert (
        cli.run(
            [
                "--db",
                str(db),
                "print",
                "flyer",
                EIGHTEEN,
                "-o",
                str(poster),
                "--template",
                "poster",
                "--paper",
                "B5",
            ]
        )
        == 0
    )
    assert round(float(PdfReader(poster).pages[0].mediabox[2])) == 516  # JIS B5


def test_print_attendance_lists_registrants_in_gojuon_order_and_is_logged(
    demo_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = demo_path
    with opened(db) as ctx:
        event_id = events.resolve_event(ctx, EIGHTEEN)
        regs = events.list_registrations(ctx, event_id, include_cancelled=False)
    assert 25 <= len(regs) <= 30
    out = tmp_path / "attendance.pdf"
    code = cli.run(["--db", str(db), "print", "attendance", event_id[:8], "-o", str(out)])
    captured = capfd.readouterr()
    assert code == 0, captured.err
    assert f"{len(regs)} names" in captured.out
    reader, text = _text(out)
    assert "Attendance sheet" in text and TITLE in text
    expected = sorted(regs, key=lambda r: reading_sort_key(r.reading))
    assert _in_order(text, [r.name for r in expected])
    assert _in_order(text, [r.reading.replace(" ", "\u3000") for r in expected])
    assert f"1 / {len(reader.pages)}" in text
    with opened(db) as ctx:
        logged = _take_outs(ctx)
    assert [(e.action, e.people_count, e.destination) for e in logged] == [
        ("print", len(regs), str(out))
    ]
    assert TITLE in logged[0].what and not logged[0].special_care


def test_a_cancelled_registration_is_left_off_and_a_new_guest_is_on(
    demo_ctx: Context, tmp_path: Path
) -> None:
    event_id = events.resolve_event(demo_ctx, EIGHTEEN)
    first = events.list_registrations(demo_ctx, event_id)[0]
    events.cancel_registration(demo_ctx, first.id)
    events.register_guest(
        demo_ctx, event_id, events.GuestInput("𠮷田 花子", family_kana="よしだ はなこ")
    )
    outcome = event_print.render(demo_ctx, PrintJob(event_print.SIGN_IN, event_id))
    assert outcome.data is not None and outcome.path is None
    _reader, text = _text(outcome.data)
    assert first.name not in text
    assert "ヨシダ\u3000ハナコ" in text
    # Rendering for a preview writes nothing and logs nothing; saving it logs it.
    assert _take_outs(demo_ctx) == []
    event_print.record_output(demo_ctx, outcome, "printer: Office")
    assert [e.destination for e in _take_outs(demo_ctx)] == ["printer: Office"]


def test_missing_glyphs_are_warned_on_stderr_with_exit_0(
    demo_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = demo_path
    with opened(db) as ctx:
        event = events.create_event(
            ctx,
            events.EventInput(
                title="おにぎり🍙の会", kind="workshop", starts_at=datetime(2022, 9, 1, 10, 0)
            ),
        )
    out = tmp_path / "onigiri.pdf"
    code = cli.run(["--db", str(db), "print", "flyer", event.id, "-o", str(out)])
    captured = capfd.readouterr()
    assert code == 0 and out.exists()
    assert "Warning" in captured.err and "🍙" in captured.err


def test_name_tags_count_names_and_monthly_prints_take_a_date(
    demo_ctx: Context, tmp_path: Path
) -> None:
    cafe_id = events.resolve_event(demo_ctx, "荒川コープカフェ")
    cafe = events.get_event(demo_ctx, cafe_id)
    june = events.occurrence_on(cafe, datetime(2022, 6, 15).date())
    june_regs = events.list_registrations(demo_ctx, cafe_id, june, include_cancelled=False)
    tags = event_print.render(
        demo_ctx, PrintJob(event_print.NAME_TAGS, cafe_id, "12", occurrence_id=june)
    )
    assert tags.people == len(june_regs) > 0
    per_sheet = 12
    assert tags.pages == -(-len(june_regs) // per_sheet)
    grid = event_print.render(
        demo_ctx, PrintJob(event_print.CAFE_GRID, cafe_id, fiscal_year=2022), tmp_path / "g.pdf"
    )
    everyone = {
        (r.member_id or r.name)
        for r in events.list_registrations(demo_ctx, cafe_id, all_dates=True)
    }
    assert grid.people == len(everyone)
    assert grid.path == tmp_path / "g.pdf"


def test_refusals(demo_ctx: Context) -> None:
    event_id = events.resolve_event(demo_ctx, EIGHTEEN)
    with pytest.raises(UserError, match="template"):
        event_print.render(demo_ctx, PrintJob(event_print.FLYER, event_id, "fancy"))
    with pytest.raises(UserError, match="kind of print"):
        event_print.render(demo_ctx, PrintJob("poster", event_id))
    undated = events.create_event(demo_ctx, events.EventInput(title="日付未定の会"))
    with pytest.raises(UserError, match="no date"):
        event_print.render(demo_ctx, PrintJob(event_print.FLYER, undated.id))
    assert set(event_print.templates_for(event_print.FLYER)) == {"clean", "poster", "slip"}
    assert set(event_print.templates_for(event_print.NAME_TAGS)) >= {"10", "12"}
    assert set(event_print.templates_for(event_print.ATTENDANCE)) == {"A4", "B5"}
