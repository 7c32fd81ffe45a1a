"""Setup and sync hygiene: a refused join leaves nothing behind, one setup file is one
database, an export and its take-out entry stand or fall together, and after a round trip
nothing waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app import events
from app.core.context import Context
from app.printing import events as event_print
from app.roster import members
from app.roster.members import MemberInput
from app.storage.database import open_database
from app.sync.exchange import PackageRefused, join, sync_export, sync_status
from app.sync.hq import add_chapter, release_chapter
from db.models import Member, TakeOutLog
from tests.app.sync.conftest import World
from tests.helpers.cli import run_captured as _cli


def _take_outs(ctx: Context) -> int:
    with ctx.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(TakeOutLog)) or 0)


def _members(ctx: Context) -> int:
    with ctx.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(Member)) or 0)


# --- nothing waits after a round trip ---------------------------------------------------------


def test_after_a_round_trip_nothing_waits(world: World) -> None:
    arakawa = world.chapters["荒川"]
    members.add_member(arakawa, MemberInput(family_name="往復", given_name="一"))
    assert sync_status(arakawa).waiting_total > 0
    for _round in range(3):
        world.sync("荒川")
        status = sync_status(arakawa)
        assert status.waiting == {} and status.waiting_total == 0
    # The take-out entries of those exports reached headquarters with their packages.
    assert _take_outs(world.hq) >= 3
    chapter = next(c for c in sync_status(world.hq).chapters if c.name == "荒川")
    assert chapter.waiting == 0


# --- one setup file, one database -------------------------------------------------------------


def test_a_second_database_joined_with_the_same_setup_file_is_refused_at_headquarters(
    tmp_path: Path, world: World
) -> None:
    new = add_chapter(world.hq, "葛飾", tmp_path / "葛飾.setup")
    first = Context(open_database(tmp_path / "first.sqlite", create=True))
    second = Context(open_database(tmp_path / "second.sqlite", create=True))
    try:
        join(first, new.setup_path, new.code)
        join(second, new.setup_path, new.code)
        members.add_member(first, MemberInput(family_name="一台目"))
        members.add_member(second, MemberInput(family_name="二台目"))
        sync_export(first, tmp_path / "first.tsync")
        sync_export(second, tmp_path / "second.tsync")
        world.hq_import(tmp_path / "first.tsync")
        before = _members(world.hq)
        with pytest.raises(PackageRefused, match="hq release 葛飾"):
            world.hq_import(tmp_path / "second.tsync")
        assert _members(world.hq) == before
        # The first database goes on as the chapter; repeats from it are fine.
        members.add_member(first, MemberInput(family_name="一台目", given_name="続き"))
        sync_export(first, tmp_path / "first-2.tsync")
        world.hq_import(tmp_path / "first-2.tsync")
        # The way out when the first computer is gone for good.
        assert release_chapter(world.hq, "葛飾") is True
        world.hq_import(tmp_path / "second.tsync")
        assert _members(world.hq) > before
        with pytest.raises(PackageRefused):
            sync_export(first, tmp_path / "first-3.tsync")
            world.hq_import(tmp_path / "first-3.tsync")
    finally:
        first.db.close()
        second.db.close()


@pytest.mark.parametrize("fault", ["wrong code", "not a setup file", "missing file"])
def test_a_refused_join_leaves_no_database_key_file_or_recovery_key(
    tmp_path: Path, world: World, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    new = add_chapter(world.hq, "江戸川", tmp_path / "江戸川.setup")
    setup, code = new.setup_path, new.code
    if fault == "wrong code":
        code = "AAAA-BBBB-CCCC-DDDD"
    elif fault == "not a setup file":
        setup = tmp_path / "notes.txt"
        setup.write_text("not a setup file", encoding="utf-8")
    else:
        setup = tmp_path / "gone.setup"
    db = tmp_path / "new.sqlite"
    status, out, err = _cli(capsys, "--db", str(db), "join", str(setup), "--code", code)
    assert status == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "Recovery key" not in out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new.")) == []
    # The same join with the right file and code then works.
    status, out, err = _cli(
        capsys, "--db", str(db), "join", str(new.setup_path), "--code", new.code
    )
    assert status == 0, err
    assert db.exists() and db.with_name("new.sqlite.keys").exists()


# --- an export and its take-out entry ---------------------------------------------------------


def _refuse_take_outs(ctx: Context) -> None:
    """A log that cannot take the entry (the disk full, say) at the moment of the export."""
    with ctx.db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER no_take_out BEFORE INSERT ON take_out_log "
                "BEGIN SELECT RAISE(ABORT, 'the log is full'); END"
            )
        )


def test_a_sync_export_whose_log_entry_fails_leaves_no_file(world: World, tmp_path: Path) -> None:
    arakawa = world.chapters["荒川"]
    _refuse_take_outs(arakawa)
    out = tmp_path / "package.tsync"
    with pytest.raises(DBAPIError):
        sync_export(arakawa, out)
    assert not out.exists()
    assert sorted(tmp_path.glob("*.tmp")) == [] and sorted(tmp_path.glob(".package*")) == []


def test_a_roster_export_whose_log_entry_fails_leaves_no_file(ctx: Context, tmp_path: Path) -> None:
    members.add_member(ctx, MemberInput(family_name="名簿", phone="03-1234-5678"))
    _refuse_take_outs(ctx)
    out = tmp_path / "roster.csv"
    with pytest.raises(DBAPIError):
        members.export_members(ctx, out)
    assert not out.exists()


def test_a_print_whose_log_entry_fails_leaves_no_file(demo_ctx: Context, tmp_path: Path) -> None:
    event_id = events.resolve_event(demo_ctx, "まちづくり講座 第18講")
    before = _take_outs(demo_ctx)
    _refuse_take_outs(demo_ctx)
    out = tmp_path / "attendance.pdf"
    with pytest.raises(DBAPIError):
        event_print.render(demo_ctx, event_print.PrintJob(event_print.ATTENDANCE, event_id), out)
    assert not out.exists()
    assert _take_outs(demo_ctx) == before
    # A flyer lists nobody: no entry, and it is written as before.
    flyer = tmp_path / "flyer.pdf"
    event_print.render(demo_ctx, event_print.PrintJob(event_print.FLYER, event_id), flyer)
    assert flyer.exists()
