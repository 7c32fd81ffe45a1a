"""Encryption at rest: SQLCipher files that show nothing, probed before writing, converted whole."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import text

from app import accounts
from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, list_members
from app.storage.chapter import set_up_chapter
from app.storage.database import backup_beside, key_opens, keyring_beside, open_database
from db.engine import key_pragma

ROOT = Path(__file__).resolve().parents[3]
PASS = "correct horse battery"
NAMES = ["髙橋", "﨑子", "タカハシ", "荒川区まちづくり", "03-5555-1234", "ZebraUnique"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def fill(ctx: Context) -> None:
    set_up_chapter(ctx, "荒川区まちづくり")
    add_member(
        ctx,
        MemberInput(
            family_name="髙橋",
            given_name="﨑子",
            family_kana="タカハシ",
            given_kana="サキコ",
            phone="03-5555-1234",
            note="ZebraUnique",
        ),
    )


def test_file_bytes_show_none_of_the_names(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    fill(ctx)
    # While open: the main file and its WAL are both encrypted.
    for needle in NAMES:
        assert needle.encode("utf-8") not in every_byte(db_path.parent), needle
    with ctx.db.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    ctx.db.close()
    data = every_byte(db_path.parent)
    for needle in NAMES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert needle.encode(encoding) not in data, (needle, encoding)
    assert not db_path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(db_path).execute("SELECT * FROM sqlite_master").fetchall()
    # The names are really there for the account that logs in.
    again = accounts.login(db_path, "hana", PASS)
    assert [m.family_name for m in list_members(again)] == ["髙橋"]
    again.db.close()


def test_wrong_key_is_refused_before_anything_is_written(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    fill(ctx)
    ctx.db.close()
    before = digest(db_path)
    files = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(UserError, match="cannot be read with this key"):
        open_database(db_path, key=bytes(32))
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == files
    with pytest.raises(UserError, match="is encrypted. Log in"):
        open_database(db_path)
    assert digest(db_path) == before


def test_probe_reads_encrypted_files_without_writing(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    key = ctx.db.key
    assert key is not None
    ctx.db.close()
    conn = sqlcipher3.connect(str(db_path))
    conn.execute(key_pragma(key))
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(UserError, match="newer version of Tsunagu"):
        accounts.login(db_path, "hana", PASS)
    assert digest(db_path) == before
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_plain_file_given_a_key_is_refused(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    before = digest(db_path)
    with pytest.raises(UserError, match="not an encrypted Tsunagu database"):
        open_database(db_path, key=bytes(32))
    assert digest(db_path) == before


def _rows(path: Path, key: bytes | None) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlcipher3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    if key is not None:
        conn.execute(key_pragma(key))
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    out = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    conn.close()
    return out


def test_converting_a_plain_database_keeps_every_row(demo_ctx: Context) -> None:
    path = demo_ctx.db.path
    assert path is not None
    add_member(demo_ctx, MemberInput(family_name="変換", given_name="ZebraUnique"))
    with demo_ctx.db.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    before = _rows(path, None)
    assert sum(len(rows) for rows in before.values()) > 200
    encrypted, recovery = accounts.set_up_accounts(demo_ctx, "hana", PASS)
    assert recovery and encrypted.db.encrypted and encrypted.actor.name == "hana"
    assert demo_ctx.actor.name == "system"  # a new Context; the old one is left as it was
    key = encrypted.db.key
    assert key is not None
    # Usable at once through the new context.
    assert any(m.given_name == "ZebraUnique" for m in list_members(encrypted, "変換"))
    encrypted.db.close()
    after = _rows(path, key)
    added = {"users", "audit_log"}
    assert {t: r for t, r in after.items() if t not in added} == {
        t: r for t, r in before.items() if t not in added
    }
    assert [u[1] for u in after["users"]] == ["hana"]
    # The plain original is gone: no readable copy, no leftover to wipe.
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert b"ZebraUnique" not in every_byte(path.parent)
    again = accounts.login(path, "hana", PASS)
    again.db.close()
    # Set-up happens once per database.
    with pytest.raises(UserError, match="already has accounts"):
        accounts.set_up_accounts(again, "jiro", PASS)


def test_conversion_can_keep_a_plain_copy_on_request(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    ctx = Context(db)
    fill(ctx)
    encrypted, _recovery = accounts.set_up_accounts(ctx, "hana", PASS, keep_plain_copy=True)
    encrypted.db.close()
    copies = accounts.plain_leftovers(db_path)
    assert len(copies) == 1 and ".plain-" in copies[0].name
    conn = sqlite3.connect(copies[0])
    assert conn.execute("SELECT family_name FROM members").fetchall() == [("髙橋",)]
    conn.close()


def test_interrupted_conversion_is_finished_at_the_next_login(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    fill(Context(db))
    db.close()
    # A power cut right after the key file was written: the process dies mid-conversion.
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from app import accounts
from app.storage import database
from app.core.context import Context
def die(*args, **kwargs):
    os._exit(3)
database._export_encrypted = die
accounts.encrypt_in_place = lambda db, key, **kw: database.encrypt_in_place(db, key, **kw)
ctx = Context(database.open_database({str(db_path)!r}))
accounts.set_up_accounts(ctx, "hana", {PASS!r})
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert keyring_beside(db_path).exists()
    assert db_path.read_bytes().startswith(b"SQLite format 3")
    ctx = accounts.login(db_path, "hana", PASS)
    assert ctx.db.encrypted
    ctx.db.close()
    assert not db_path.read_bytes().startswith(b"SQLite format 3")
    assert "髙橋".encode() not in every_byte(db_path.parent)


def test_set_up_cut_short_before_the_users_row_still_logs_in(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    fill(Context(db))
    db.close()
    from app.storage import keyring as keys

    ring = keys.Keyring.new()
    key = keys.new_database_key()
    ring.put_account("hana", PASS, key, "coordinator", None)
    keys.save(keyring_beside(db_path), ring, key)
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        accounts.login(db_path, "someone", PASS)
    ctx = accounts.login(db_path, "hana", PASS)
    assert (ctx.actor.name, ctx.actor.role) == ("hana", "coordinator")
    ctx.db.close()
    assert key_opens(db_path, key)


def test_a_removed_account_stays_out_even_with_an_old_key_file(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "coordinator")
    old_keys = keyring_beside(db_path).read_bytes()
    accounts.remove_account(ctx, "kumi")
    ctx.db.close()
    keyring_beside(db_path).write_bytes(old_keys)
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        accounts.login(db_path, "kumi", "kumi-passphrase")
    accounts.login(db_path, "hana", PASS).db.close()


def test_accounts_newer_than_a_restored_database_still_log_in(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    ctx.db.close()
    older = db_path.read_bytes()
    ctx = accounts.login(db_path, "hana", PASS)
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    ctx.db.close()
    db_path.write_bytes(older)
    kumi = accounts.login(db_path, "kumi", "kumi-passphrase")
    assert (kumi.actor.name, kumi.actor.role) == ("kumi", "viewer")
    kumi.db.close()


def test_backup_beside_takes_the_key_file_along(db_path: Path) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    fill(ctx)
    ctx.db.close()
    copy = backup_beside(db_path, "before-test")
    assert keyring_beside(copy).exists()
    other = accounts.login(copy, "hana", PASS)
    assert [m.family_name for m in list_members(other)] == ["髙橋"]
    other.db.close()


def test_a_key_file_for_another_database_is_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    accounts.create_database(first, "hana", PASS)[0].db.close()
    accounts.create_database(second, "hana", PASS)[0].db.close()
    shutil.copy2(keyring_beside(first), keyring_beside(second))
    before = digest(second)
    with pytest.raises(UserError, match="cannot be read with this key"):
        accounts.login(second, "hana", PASS)
    assert digest(second) == before
