"""Backups: consistent, checked, encrypted like the database, rotated, restored safely."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from app import backups as backup
from app.core.clock import HybridClock
from app.core.context import VISITOR, Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.roster.members import MemberInput, add_member, count_members
from app.storage.chapter import set_up_chapter
from app.storage.database import Database, _ensure_meta, open_database
from db import migrate
from db.engine import key_pragma, sqlite_engine
from db.models import Member, TakeOutLog


def members_in(path: Path, key: bytes | None = None) -> int:
    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if key is not None:
            conn.execute(key_pragma(key))
        return int(conn.execute("SELECT count(*) FROM members").fetchone()[0])
    finally:
        conn.close()


def stray_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or "journal" in p.name]


def take_outs(ctx: Context) -> list[TakeOutLog]:
    with ctx.db.transaction() as s:
        return list(s.scalars(select(TakeOutLog).where(TakeOutLog.action == "backup")))


@pytest.fixture
def keyed_ctx(tmp_path: Path) -> Iterator[tuple[Context, bytes]]:
    """An encrypted (SQLCipher) chapter database, opened with its raw key."""
    key = os.urandom(32)
    path = tmp_path / "secret.sqlite"
    engine = sqlite_engine(path, key=key)
    migrate.upgrade(engine)
    node, last, chapter_id, mode = _ensure_meta(engine)
    db = Database(engine, str(path), path, HybridClock(node, last), chapter_id, mode)
    ctx = Context(db)
    set_up_chapter(ctx, "暗号町")
    add_member(ctx, MemberInput(family_name="髙橋", given_name="一郎", family_kana="タカハシ"))
    yield ctx, key
    db.close()


def test_backup_now_writes_a_checked_self_contained_copy(demo_ctx: Context) -> None:
    path = backup.backup_now(demo_ctx, "before import")
    folder = demo_ctx.db.path.parent / "backups"  # type: ignore[union-attr]
    assert path.parent == folder
    assert path.name.endswith("-manual-before-import.sqlite")
    assert members_in(path) == count_members(demo_ctx, include_retired=True)
    # One file: rollback journal mode, no WAL beside it, nothing temporary left.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert stray_files(folder) == []
    assert not path.with_name(path.name + "-wal").exists()
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    [listed] = backup.list_backups(demo_ctx)
    assert (listed.path, listed.kind, listed.reason, listed.verified) == (
        path,
        "manual",
        "before-import",
        True,
    )
    assert listed.size == path.stat().st_size
    # Inside the data folder: not a take-out.
    assert take_outs(demo_ctx) == []


def test_backup_is_one_moment_while_the_window_writes(ctx: Context) -> None:
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    # An uncommitted write on another connection is not in the copy; the committed one is.
    with ctx.db.session() as s, s.begin():
        s.add(Member(family_name="未確定", family_kana="ミカクテイ", status="active"))
        s.flush()
        path = backup.backup_now(ctx)
        assert members_in(path) == 1
        s.rollback()
    assert count_members(ctx) == 1


def test_encrypted_database_gives_an_encrypted_backup(keyed_ctx: tuple[Context, bytes]) -> None:
    ctx, key = keyed_ctx
    path = backup.backup_now(ctx)
    assert backup.is_encrypted(path)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert members_in(path, key) == 1
    with pytest.raises(sqlcipher3.DatabaseError):
        members_in(path)
    with pytest.raises(sqlcipher3.DatabaseError):
        members_in(path, os.urandom(32))
    assert backup.verify_backup(key, path) == migrate.HEAD_REVISION
    assert backup.verify_backup(ctx, path) == migrate.HEAD_REVISION
    with pytest.raises(UserError, match="is encrypted"):
        backup.verify_backup(None, path)
    assert backup.list_backups(ctx)[0].verified


def test_restore_an_encrypted_backup_through_the_open_database(
    keyed_ctx: tuple[Context, bytes],
) -> None:
    ctx, key = keyed_ctx
    path = backup.backup_now(ctx)
    add_member(ctx, MemberInput(family_name="後藤", family_kana="ゴトウ"))
    db_file = ctx.db.path
    assert db_file is not None
    result = backup.restore(ctx, path)
    assert ctx.db.lock is None  # closed: the window asks for a restart
    assert members_in(db_file, key) == 1
    assert members_in(result.kept_aside, key) == 2
    assert backup.is_encrypted(db_file)


def test_backup_to_a_file_outside_the_data_folder_is_a_take_out(
    demo_ctx: Context, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    stick = tmp_path_factory.mktemp("usb")
    out = backup.backup_to(demo_ctx, stick / "copy.sqlite")
    assert members_in(out) == count_members(demo_ctx, include_retired=True)
    [entry] = take_outs(demo_ctx)
    assert entry.destination == str(out)
    assert entry.encrypted is False
    assert entry.people_count >= count_members(demo_ctx, include_retired=True)
    with pytest.raises(UserError, match="cannot replace the database"):
        backup.backup_to(demo_ctx, Path(demo_ctx.db.location))
    with pytest.raises(UserError, match="cannot be reached"):
        backup.backup_to(demo_ctx, tmp_path / "gone" / "copy.sqlite")


def test_encrypted_backup_on_a_stick_is_logged_as_encrypted(
    keyed_ctx: tuple[Context, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ctx, _key = keyed_ctx
    stick = tmp_path_factory.mktemp("usb")
    backup.set_backup_folder(ctx, stick)
    path = backup.backup_now(ctx)
    assert path.parent == stick
    [entry] = take_outs(ctx)
    assert entry.encrypted is True and entry.people_count == 1


def test_backup_needs_coordinator_for_a_file_and_restore(ctx: Context, tmp_path: Path) -> None:
    visitor = Context(ctx.db, Actor("v", VISITOR))
    with pytest.raises(PermissionDenied):
        backup.backup_to(visitor, tmp_path / "x.sqlite")
    with pytest.raises(PermissionDenied):
        backup.set_backup_folder(visitor, tmp_path)
    # The protective copy before an import is never refused.
    assert backup.backup_now(visitor, "before import").exists()
    with pytest.raises(PermissionDenied):
        backup.restore(visitor, backup.list_backups(ctx)[0].path)


def test_chosen_folder_must_exist_and_a_pulled_stick_is_a_clear_message(
    ctx: Context, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="not a folder"):
        backup.set_backup_folder(ctx, tmp_path / "nowhere")
    stick = tmp_path / "stick"
    stick.mkdir()
    assert backup.set_backup_folder(ctx, stick) == stick
    stick.rmdir()  # the stick is pulled out
    with pytest.raises(UserError, match="plug the stick in"):
        backup.backup_now(ctx)
    # The day's automatic copy still happens, beside the database.
    daily = backup.daily_backup(ctx)
    assert daily is not None and daily.parent == tmp_path / "backups"
    assert backup.set_backup_folder(ctx, "") == tmp_path / "backups"


def test_daily_backup_once_a_day_unless_the_data_changed(ctx: Context) -> None:
    first = backup.daily_backup(ctx)
    assert first is not None and first.name.endswith("-auto.sqlite")
    assert backup.daily_backup(ctx) is None
    # A later change makes the next close write a fresh copy.
    stamp = first.stat().st_mtime - 5
    os.utime(first, (stamp, stamp))
    add_member(ctx, MemberInput(family_name="新井", family_kana="アライ"))
    second = backup.daily_backup(ctx)
    assert second is not None and second != first
    kinds = [b.kind for b in backup.list_backups(ctx)]
    assert kinds == ["daily"]  # rotation keeps the newest of the day only


def test_rotation_on_a_year_of_daily_copies(ctx: Context) -> None:
    start = datetime(2024, 1, 1, 18, 0)
    # Every third day for the first 11 months, then every day (fewer copies to write).
    for day in [*range(0, 340, 3), *range(340, 400)]:
        backup.daily_backup(ctx, now=start + timedelta(days=day))
        for path in backup.backup_folder(ctx).glob("*-auto.sqlite"):
            os.utime(path, (0, 0))  # so that the next day is never "fresh already"
    listed = backup.list_backups(ctx)
    kinds = [b.kind for b in listed]
    assert kinds.count("daily") == 7
    newest = start + timedelta(days=399)
    # The newest copy of each of the last 4 weeks and 12 months is kept (some as "daily").
    weeks = {b.taken_at.isocalendar()[:2] for b in listed}
    assert {(newest - timedelta(weeks=w)).isocalendar()[:2] for w in range(4)} <= weeks
    months = {(b.taken_at.year, b.taken_at.month) for b in listed}
    assert len(months) == 12
    assert kinds.count("weekly") >= 2 and kinds.count("monthly") >= 10
    assert len(listed) <= 23
    assert listed[0].taken_at == newest
    assert listed[-1].taken_at >= newest - timedelta(days=366)


def test_rotation_leaves_other_files_alone(ctx: Context, tmp_path: Path) -> None:
    folder = backup.backup_folder(ctx)
    folder.mkdir()
    stranger = folder / "other.backup-20200101-000000-auto.sqlite"
    notes = folder / "notes.txt"
    for p in (stranger, notes):
        p.write_text("x")
    for day in range(30):
        backup.daily_backup(ctx, now=datetime(2024, 3, 1) + timedelta(days=day))
        for path in folder.glob("chapter.backup-*"):
            os.utime(path, (0, 0))
    assert stranger.exists() and notes.exists()


stamps = st.lists(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 31)),
    max_size=120,
    unique=True,
)


@settings(max_examples=150, deadline=None)
@given(auto=stamps, manual=stamps)
def test_rotation_plan_properties(auto: list[datetime], manual: list[datetime]) -> None:
    autos = [(t, f"a{i}") for i, t in enumerate(auto)]
    manuals = [(t, f"m{i}") for i, t in enumerate(manual)]
    plan = backup.plan_rotation(autos, manuals)
    kept_auto = [(t, n) for t, n in autos if n in plan]
    # Bounded, newest always kept, one per kept day, and stable when run again.
    assert len(kept_auto) <= backup.KEEP_DAILY + backup.KEEP_WEEKLY + backup.KEEP_MONTHLY
    assert sum(1 for n in plan.values() if n == "manual") == min(len(manual), backup.KEEP_MANUAL)
    if autos:
        assert max(autos)[1] in plan
        assert plan[max(autos)[1]] == "daily"
    days = sorted({t.date() for t, _n in autos}, reverse=True)[: backup.KEEP_DAILY]
    assert {t.date() for t, n in kept_auto if plan[n] == "daily"} == set(days)
    months = sorted({(t.year, t.month) for t, _n in autos}, reverse=True)[: backup.KEEP_MONTHLY]
    assert {(t.year, t.month) for t, _n in kept_auto} >= set(months)
    again = backup.plan_rotation(kept_auto, [(t, n) for t, n in manuals if n in plan])
    assert again == plan


# --- restore ------------------------------------------------------------------------------------


def test_restore_by_path_keeps_the_current_file_aside(ctx: Context, db_path: Path) -> None:
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    saved = backup.backup_now(ctx)
    add_member(ctx, MemberInput(family_name="鈴木", family_kana="スズキ"))
    with pytest.raises(UserError, match="open in another Tsunagu") as held:
        backup.restore(db_path, saved)
    assert f"pid {os.getpid()}" in held.value.message
    ctx.db.close()
    result = backup.restore(db_path, saved)
    assert result.database == db_path and result.revision == migrate.HEAD_REVISION
    assert result.kept_aside.name.startswith("chapter.before-restore-")
    reopened = open_database(db_path)
    try:
        assert count_members(Context(reopened)) == 1
        with reopened.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        reopened.close()
    aside = open_database(result.kept_aside)
    try:
        assert count_members(Context(aside)) == 2
    finally:
        aside.close()


def test_restore_keeps_an_unclean_wal_with_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "crashed.sqlite"
    wal = path.with_name(path.name + "-wal")
    db = open_database(path, create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "x")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    saved = backup.backup_now(ctx)
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    # What a power cut leaves: the file plus a WAL holding the last commit.
    image, wal_image = path.read_bytes(), wal.read_bytes()
    db.close()
    path.write_bytes(image)
    wal.write_bytes(wal_image)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    result = backup.restore(path, saved)
    assert not wal.exists()
    assert members_in(path) == 0
    assert result.kept_aside.with_name(result.kept_aside.name + "-wal").exists()
    aside = open_database(result.kept_aside)
    try:
        assert count_members(Context(aside)) == 1
    finally:
        aside.close()


@pytest.mark.parametrize("problem", ["damaged", "stranger", "newer", "text"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    ctx: Context, db_path: Path, tmp_path: Path, problem: str
) -> None:
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    good = backup.backup_now(ctx)
    bad = tmp_path / f"{problem}.sqlite"
    if problem == "damaged":
        data = bytearray(good.read_bytes())
        page = 4096
        for offset in range(page * 2, len(data) - page, page):
            data[offset + 100 : offset + 400] = os.urandom(300)
        bad.write_bytes(bytes(data))
    elif problem == "stranger":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t(x)")
        conn.commit()
        conn.close()
    elif problem == "newer":
        bad.write_bytes(good.read_bytes())
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.commit()
        conn.close()
    else:
        bad.write_text("not a database at all")
    ctx.db.close()
    before = db_path.read_bytes()
    with pytest.raises(UserError) as refused:
        backup.restore(db_path, bad)
    assert refused.value.message
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.before-restore-*"))
    assert not list(db_path.parent.glob(".*.tmp"))


def test_a_backup_changed_after_writing_is_refused(ctx: Context) -> None:
    saved = backup.backup_now(ctx)
    conn = sqlite3.connect(saved)
    conn.execute("UPDATE settings SET value = value")
    conn.execute("INSERT INTO settings(key, value) VALUES ('tampered', '1')")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="has changed since it was written"):
        backup.verify_backup(ctx, saved)


def test_backups_of_a_server_database_are_refused(ctx: Context) -> None:
    server = Database(ctx.db.engine, "postgresql://x", None, ctx.db.clock, None, "chapter")
    with pytest.raises(UserError, match="server"):
        backup.backup_now(Context(server))
    assert backup.daily_backup(Context(server)) is None


def test_count_helper_agrees_with_sql(ctx: Context) -> None:
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    path = backup.backup_now(ctx)
    with ctx.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == members_in(path)
