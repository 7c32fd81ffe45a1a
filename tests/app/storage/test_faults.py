"""Faults: a process killed mid-import or mid-merge, a full disk, a pulled USB stick."""

from __future__ import annotations

import contextlib
import csv
import errno
import multiprocessing
import os
import random
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlcipher3

from app import backups as backup
from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, export_members, import_members
from app.storage.chapter import set_up_chapter
from app.storage.database import open_database

BASE_MEMBERS = 2000
IMPORT_ROWS = 20_000
MERGE_NEW = 18_000

# --- what the killed child processes do ---------------------------------------------------------


def write_roster(path: Path, rows: int, prefix: str = "I", family: str = "取込") -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["氏名", "フリガナ", "組合員番号", "住所", "電話番号"])
        for i in range(rows):
            out.writerow(
                [
                    f"{family} 太郎{i}",
                    "トリコミ タロウ",
                    f"{prefix}{i:07d}",
                    f"荒川区西尾久{i % 9 + 1}-{i}",
                    f"03-{i % 9000 + 1000}-{i % 10000:04d}",
                ]
            )


def child_import(db_file: str, roster: str) -> None:
    """The roster import, as the window or `members import` runs it."""
    db = open_database(db_file)
    import_members(Context(db), Path(roster))
    db.close()


def child_merge(db_file: str, new_rows: int) -> None:
    """A set-based upsert in one transaction (stand-in for the sync merge).

    Every member already there is updated (note = 'merged', new version) and `new_rows`
    members are inserted; the kill must leave all of it or none of it.
    """
    from sqlalchemy import select
    from sqlalchemy.dialects.sqlite import insert

    from db.base import new_id
    from db.models import Member

    db = open_database(db_file)
    with db.transaction(stamp=False) as s:
        ids = list(s.scalars(select(Member.id)))
        rows = [
            {
                "id": member_id,
                "family_name": "既存",
                "family_kana": "キソン",
                "version": "9" * 13 + ".000001.merge",
                "note": "merged",
            }
            for member_id in ids
        ]
        rows += [
            {
                "id": new_id(),
                "family_name": f"統合{i}",
                "family_kana": "トウゴウ",
                "version": "9" * 13 + ".000001.merge",
                "note": "merged",
            }
            for i in range(new_rows)
        ]
        stmt = insert(Member)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Member.id],
            set_={"note": stmt.excluded.note, "version": stmt.excluded.version},
        )
        s.execute(stmt, rows)
    db.close()


# --- the kill loop ------------------------------------------------------------------------------


@dataclass
class Outcome:
    before: int = 0
    after: int = 0
    kills: int = 0


def _counts(path: Path) -> tuple[str, int, int]:
    """(integrity, members, members marked merged), opened read-write so recovery runs."""
    conn = sqlcipher3.connect(str(path))
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM members").fetchone()[0]
        merged = conn.execute("SELECT count(*) FROM members WHERE note = 'merged'").fetchone()[0]
    finally:
        conn.close()
    return integrity, int(total), int(merged)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A chapter with BASE_MEMBERS members, checkpointed into one file."""
    folder = tmp_path_factory.mktemp("faults")
    path = folder / "base.sqlite"
    db = open_database(path, create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "停電町")
    roster = folder / "base.csv"
    write_roster(roster, BASE_MEMBERS, prefix="B", family="基本")
    import_members(ctx, roster)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(scope="module")
def forkserver() -> Iterator[multiprocessing.context.BaseContext]:
    """Children forked from a warm, single-threaded server: each start costs milliseconds."""
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload([__name__])
    yield mp


def kill_loop(
    mp: multiprocessing.context.BaseContext,
    base: Path,
    work: Path,
    target: Callable[..., None],
    args: Callable[[Path], tuple[object, ...]],
    kills: int,
    check: Callable[[int, int], str | None],
    seed: int,
) -> Outcome:
    """Run `target` once to time it, then kill it `kills` times at random points."""
    rng = random.Random(seed)
    outcome = Outcome()

    def fresh() -> Path:
        db_file = work / "chapter.sqlite"
        for extra in work.glob("chapter.sqlite*"):
            extra.unlink()
        shutil.copy2(base, db_file)
        return db_file

    db_file = fresh()
    started = time.perf_counter()
    p = mp.Process(target=target, args=(str(db_file), *args(work)))
    p.start()
    p.join(300)
    duration = time.perf_counter() - started
    assert p.exitcode == 0, "the uninterrupted run failed"
    integrity, total, merged = _counts(db_file)
    assert integrity == "ok" and check(total, merged) == "after"
    for _ in range(kills):
        db_file = fresh()
        p = mp.Process(target=target, args=(str(db_file), *args(work)))
        p.start()
        at = rng.uniform(0.0, duration * 1.1)
        time.sleep(at)
        p.kill()  # SIGKILL: no handler, no clean-up, as close to a power cut as a test gets
        p.join(60)
        outcome.kills += 1
        integrity, total, merged = _counts(db_file)
        assert integrity == "ok", integrity
        state = check(total, merged)
        assert state is not None, (total, merged)
        if state == "before":
            outcome.before += 1
            if at > duration:
                # Still not committed past the timed run's length: the machine got slower
                # (CI shares it); stretch the window so later kills also land after.
                duration = at * 1.2
        else:
            outcome.after += 1
    return outcome


def import_state(total: int, merged: int) -> str | None:
    if merged:
        return None
    return {BASE_MEMBERS: "before", BASE_MEMBERS + IMPORT_ROWS: "after"}.get(total)


def merge_state(total: int, merged: int) -> str | None:
    if (total, merged) == (BASE_MEMBERS, 0):
        return "before"
    if total == merged == BASE_MEMBERS + MERGE_NEW:
        return "after"
    return None


def small_import_state(rows: int) -> Callable[[int, int], str | None]:
    def state(total: int, merged: int) -> str | None:
        if merged:
            return None
        return {BASE_MEMBERS: "before", BASE_MEMBERS + rows: "after"}.get(total)

    return state


def roster_args(rows: int) -> Callable[[Path], tuple[object, ...]]:
    def args(work: Path) -> tuple[object, ...]:
        roster = work / f"roster-{rows}.csv"
        if not roster.exists():
            write_roster(roster, rows)
        return (str(roster),)

    return args


def test_killed_import_and_merge_leave_all_or_nothing(
    base_db: Path, forkserver: multiprocessing.context.BaseContext, tmp_path: Path
) -> None:
    """The default run: 10 kills of a 5,000-row import and 10 of a 20,000-row merge."""
    merge = kill_loop(
        forkserver,
        base_db,
        tmp_path,
        child_merge,
        lambda _w: (MERGE_NEW,),
        10,
        merge_state,
        seed=1,
    )
    imported = kill_loop(
        forkserver,
        base_db,
        tmp_path,
        child_import,
        roster_args(5000),
        10,
        small_import_state(5000),
        seed=2,
    )
    assert merge.kills == imported.kills == 10


@pytest.mark.slow
def test_kill_loop_100_times_on_a_20000_row_import_and_merge(
    base_db: Path, forkserver: multiprocessing.context.BaseContext, tmp_path: Path
) -> None:
    """The long loop: 40 kills of a 20,000-row import and 60 of a 20,000-row merge."""
    seed = int(os.environ.get("TSUNAGU_FAULT_SEED", "20240401"))
    merge = kill_loop(
        forkserver, base_db, tmp_path, child_merge, lambda _w: (MERGE_NEW,), 60, merge_state, seed
    )
    imported = kill_loop(
        forkserver,
        base_db,
        tmp_path,
        child_import,
        roster_args(IMPORT_ROWS),
        40,
        import_state,
        seed + 1,
    )
    assert merge.kills + imported.kills >= 100
    # The kills landed on both sides of the commit, so the loop did test something.
    assert merge.before and merge.after and imported.before and imported.after


# --- full disk and pulled USB stick -------------------------------------------------------------


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str) -> Iterator[Path]:
    """A real file system with `size` bytes, or a skip when mounting is not allowed."""
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_backup_on_a_full_disk_says_so_and_leaves_nothing(
    demo_ctx: Context, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "stick", "64k") as stick:
        with pytest.raises(UserError) as refused:
            backup.backup_to(demo_ctx, stick / "copy.sqlite")
        assert "Could not write the backup copy.sqlite" in refused.value.message
        assert "full" in refused.value.message or "space" in refused.value.message
        assert os.listdir(stick) == []
        backup.set_backup_folder(demo_ctx, stick)
        with pytest.raises(UserError, match="Could not write the backup"):
            backup.backup_now(demo_ctx)
        assert [p for p in os.listdir(stick) if p != backup.MANIFEST_NAME] == []
        backup.set_backup_folder(demo_ctx, None)


def test_export_on_a_full_disk_says_so_and_leaves_nothing(
    demo_ctx: Context, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "stick", "4k") as stick:
        (stick / "roster.csv").write_bytes(b"old")
        with pytest.raises(UserError) as refused:
            export_members(demo_ctx, stick / "roster.csv")
        assert "No space left on device" in refused.value.message
        assert os.listdir(stick) == ["roster.csv"]
        assert (stick / "roster.csv").read_bytes() == b"old"


@pytest.mark.parametrize(
    ("code", "words"), [(errno.ENOSPC, "No space left"), (errno.EIO, "Input/output error")]
)
def test_backup_write_error_injected(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    """A disk that fills, or a stick pulled out, at the moment the copy is flushed."""
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))

    def fail(_path: Path) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(backup, "_fsync_file", fail)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match=words):
        backup.backup_to(ctx, out / "copy.sqlite")
    assert os.listdir(out) == []
    with pytest.raises(UserError, match=words):
        backup.backup_now(ctx)
    assert [p.name for p in (tmp_path / "backups").iterdir()] == []


def test_export_write_error_injected(
    demo_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(UserError, match="Input/output error"):
        export_members(demo_ctx, tmp_path / "roster.xlsx")
    monkeypatch.undo()
    assert not [p for p in tmp_path.iterdir() if "roster" in p.name]


def test_restore_on_a_full_disk_keeps_the_current_data(tmp_path: Path) -> None:
    # Room for the database and its WAL (with every table of the current schema), not for
    # the backup beside it.
    with tiny_disk(tmp_path / "small", "2m") as folder:
        path = folder / "c.sqlite"
        db = open_database(path, create=True)
        ctx = Context(db)
        set_up_chapter(ctx, "x")
        add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
        db.close()
        big = tmp_path / "big.sqlite"
        src = open_database(big, create=True)
        sctx = Context(src)
        set_up_chapter(sctx, "y")
        with src.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE pad(x)")
            conn.exec_driver_sql("INSERT INTO pad VALUES (randomblob(2400000))")
            conn.commit()
        saved = backup.backup_to(sctx, tmp_path / "saved.sqlite")
        src.close()
        assert not path.with_name(path.name + "-wal").exists()  # checkpointed on close
        before = path.read_bytes()
        with pytest.raises(UserError, match="The current data was left as it was"):
            backup.restore(path, saved)
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) == [
            "c.sqlite"
        ]
