"""Opening databases: sync stamping on every write, and every bad file refused unchanged."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, update_member
from app.storage.database import backup_beside, open_database
from db.models import Member


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_writes_stamp_version_sequence_and_owner(ctx: Context) -> None:
    first = add_member(ctx, MemberInput(family_name="山田", given_name="太郎"))
    second = add_member(ctx, MemberInput(family_name="田中", given_name="花子"))
    with ctx.db.transaction() as s:
        rows = {m.id: m for m in s.scalars(select(Member))}
    a, b = rows[first.id], rows[second.id]
    assert a.version and b.version > a.version
    assert b.local_seq > a.local_seq > 0
    assert a.chapter_id == ctx.db.chapter_id is not None
    assert not a.deleted
    update_member(ctx, first.id, MemberInput(family_name="山田", given_name="次郎"))
    with ctx.db.transaction() as s:
        edited = s.get(Member, first.id)
        assert edited is not None
        assert edited.version > b.version
        assert edited.local_seq > b.local_seq


def test_clock_and_sequence_survive_reopening(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    add_member(Context(db), MemberInput(family_name="山田"))
    with db.transaction() as s:
        before = s.scalars(select(Member)).one()
    db.close()
    db = open_database(db_path)
    later = add_member(Context(db), MemberInput(family_name="川田"))
    with db.transaction() as s:
        after = s.get(Member, later.id)
        assert after is not None
        assert after.version > before.version
        assert after.local_seq > before.local_seq
    db.close()


def test_missing_file_is_not_created_without_asking(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no database"):
        open_database(tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"name,phone\n\xe5\xb1\xb1\xe7\x94\xb0,03\n", b"%PDF-1.4 not a database" * 100],
)
def test_not_a_database_is_refused_and_left_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "roster.sqlite"
    path.write_bytes(content)
    with pytest.raises(UserError, match="not a Tsunagu database"):
        open_database(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "roster.sqlite"
    ]


def test_another_programs_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(UserError, match="not one of Tsunagu's"):
        open_database(path)
    assert digest(path) == before


def test_database_from_a_newer_version_is_refused_unchanged(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(UserError, match="newer version of Tsunagu"):
        open_database(db_path)
    assert digest(db_path) == before


def test_second_open_says_who_holds_the_file(db_path: Path) -> None:
    first = open_database(db_path, create=True)
    try:
        with pytest.raises(UserError, match="already open in another Tsunagu") as info:
            open_database(db_path)
        assert f"pid {os.getpid()}" in info.value.message
    finally:
        first.close()
    open_database(db_path).close()


def test_read_only_place_is_refused_unchanged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(db_path, create=True).close()
    before = digest(db_path)
    # Tests run as root, for whom chmod does not make a folder read-only; so ask the
    # access check what a user on a read-only USB stick would get.
    monkeypatch.setattr(os, "access", lambda _p, mode: mode != os.W_OK)
    with pytest.raises(UserError, match="read-only"):
        open_database(db_path)
    assert digest(db_path) == before


def test_backup_beside_copies_the_file(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    add_member(Context(db), MemberInput(family_name="山田"))
    db.close()
    copy = backup_beside(db_path, "before-test")
    assert copy.parent == db_path.parent
    assert "before-test" in copy.name
    db = open_database(copy)
    with db.transaction() as s:
        assert s.scalars(select(Member.family_name)).one() == "山田"
    db.close()
