"""A damaged database is found on open, before anything writes to it (issue 11, part 4).

Before, one flipped byte in the SQLCipher file let the log-in succeed; the first write then
grew the file and ended in "Unexpected error (DatabaseError)". Now the open reads what must
be read first (every page's HMAC, and the b-trees where affordable) and refuses with one
line that points to the backups; the file, its key file and its folder stay as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import accounts
from app import backups as backup
from app.core.context import Context
from app.core.errors import UserError
from app.roster.members import MemberInput, add_member, count_members
from app.setup.demo import build_demo
from app.storage.database import DamagedDatabase, open_database
from tests.app.cli.test_cli import run

USER = os.environ["TSUNAGU_USER"]
PASS = os.environ["TSUNAGU_PASSPHRASE"]


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed encrypted demo database with one backup in its backup folder."""
    path = tmp_path_factory.mktemp("enc") / "chapter.sqlite"
    ctx, _recovery = accounts.create_database(path, USER, PASS)
    build_demo(ctx)
    backup.backup_now(ctx)
    ctx.db.close()
    return path


@pytest.fixture(scope="module")
def plain(demo_file: Path) -> Path:
    return demo_file


def flipped(source: Path, folder: Path, offset: int, mask: int) -> Path:
    """A copy of `source` (with its key file) where one byte is XORed with `mask`."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file():
            old.unlink()
    target = folder / source.name
    data = bytearray(source.read_bytes())
    data[offset] ^= mask
    target.write_bytes(bytes(data))
    keys = source.with_name(source.name + ".keys")
    if keys.exists():
        shutil.copyfile(keys, folder / keys.name)
    return target


def state(folder: Path) -> dict[str, str]:
    """Every file in the folder by name and content (the lock's holder line aside)."""
    return {
        p.name: "" if p.name.endswith(".lock") else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.is_file()
    }


def assert_refused_unchanged(exc: UserError, folder: Path, before: dict[str, str]) -> None:
    assert "\n" not in exc.message
    assert "restore" in exc.message
    after = state(folder)
    after.pop(next((n for n in after if n.endswith(".lock")), ""), None)
    assert after == before  # byte-identical; no -wal, -shm, backup copy or journal made


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_flipped_byte_in_an_encrypted_database_is_refused_before_writing(
    encrypted: Path, tmp_path: Path, data: st.DataObject
) -> None:
    size = encrypted.stat().st_size
    offset = data.draw(
        st.one_of(
            st.integers(0, 4095),  # the first page: salt, header, schema
            st.integers(size - 4096, size - 1),  # the last page
            st.integers(0, size - 1),
        ),
        label="offset",
    )
    mask = data.draw(st.integers(1, 255), label="mask")
    path = flipped(encrypted, tmp_path / "c", offset, mask)
    before = state(path.parent)
    with pytest.raises(UserError) as refused:
        accounts.login(path, USER, PASS)
    assert_refused_unchanged(refused.value, path.parent, before)


def test_a_damaged_page_says_damaged_and_a_wrong_key_file_says_so(
    encrypted: Path, tmp_path: Path
) -> None:
    middle = encrypted.stat().st_size // 2
    path = flipped(encrypted, tmp_path / "mid", middle, 0x01)
    with pytest.raises(DamagedDatabase, match="is damaged"):
        accounts.login(path, USER, PASS)
    # Page 1 damaged: the key is right (other pages authenticate), so it is damage too.
    path = flipped(encrypted, tmp_path / "first", 200, 0x80)
    with pytest.raises(DamagedDatabase, match="is damaged"):
        accounts.login(path, USER, PASS)
    # The salt damaged: no page authenticates, as with another database's key file.
    path = flipped(encrypted, tmp_path / "salt", 3, 0x10)
    with pytest.raises(UserError, match="key file belongs to another database") as refused:
        accounts.login(path, USER, PASS)
    assert "restore" in refused.value.message


def test_a_truncated_or_grown_file_is_refused(encrypted: Path, tmp_path: Path) -> None:
    data = encrypted.read_bytes()
    for name, content in (
        ("short", data[:-100]),
        ("page-short", data[:-4096]),
        ("grown", data + b"\0" * 100),
        ("grown-page", data + os.urandom(4096)),
    ):
        folder = tmp_path / name
        folder.mkdir()
        path = folder / encrypted.name
        path.write_bytes(content)
        shutil.copyfile(
            encrypted.with_name(encrypted.name + ".keys"), folder / "chapter.sqlite.keys"
        )
        before = state(folder)
        with pytest.raises(UserError) as refused:
            accounts.login(path, USER, PASS)
        assert_refused_unchanged(refused.value, folder, before)


def _root_pages(path: Path) -> list[int]:
    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(
            {
                int(r[0])
                for r in conn.execute("SELECT rootpage FROM sqlite_master")
                if r[0] and int(r[0]) > 1
            }
        )
    finally:
        conn.close()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_b_tree_in_a_plain_database_is_refused_before_writing(
    plain: Path, tmp_path: Path, data: st.DataObject
) -> None:
    """Plain pages carry no checksum: quick_check finds what breaks a table or an index."""
    page = data.draw(st.sampled_from(_root_pages(plain)), label="root page")
    path = flipped(plain, tmp_path / "p", (page - 1) * 4096, data.draw(st.integers(1, 255)))
    before = state(path.parent)
    with pytest.raises(DamagedDatabase) as refused:
        open_database(path)
    assert_refused_unchanged(refused.value, path.parent, before)


def test_a_healthy_database_still_opens_and_a_leftover_wal_is_read(
    encrypted: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ok"
    path = flipped(encrypted, folder, 0, 0)  # an exact copy
    ctx = accounts.login(path, USER, PASS)
    try:
        # A WAL left as a crash would leave it: the next open reads it, not ignores it.
        add_member(ctx, MemberInput(family_name="新井", family_kana="アライ"))
        count = count_members(ctx, include_retired=True)
        shutil.copyfile(path, tmp_path / "crashed.sqlite")
        shutil.copyfile(path.with_name(path.name + "-wal"), tmp_path / "crashed.sqlite-wal")
        shutil.copyfile(path.with_name(path.name + ".keys"), tmp_path / "crashed.sqlite.keys")
    finally:
        ctx.db.close()
    again = accounts.login(tmp_path / "crashed.sqlite", USER, PASS)
    try:
        assert count_members(again, include_retired=True) == count
    finally:
        again.db.close()


def test_command_line_refuses_with_one_line_and_restore_repairs(
    encrypted: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cli"
    shutil.copytree(encrypted.parent, folder)
    path = folder / encrypted.name
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x04
    path.write_bytes(bytes(data))
    before = {k: v for k, v in state(folder).items() if not k.endswith(".lock")}
    for args in (("members", "list"), ("sync", "status"), ("backup", "-o", "copy.sqlite")):
        done = run("--db", path.name, *args, cwd=folder)
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "is damaged" in lines[0] and "restore" in lines[0]
        assert "Unexpected" not in done.stderr
        after = {k: v for k, v in state(folder).items() if not k.endswith(".lock")}
        assert after == before
    [saved] = (folder / "backups").glob("*.sqlite")
    done = run("--db", path.name, "restore", str(saved), cwd=folder)
    assert done.returncode == 0, done.stderr
    listed = run("--db", path.name, "members", "list", cwd=folder)
    assert listed.returncode == 0 and listed.stdout.strip()
    # The damaged file was kept aside, as every restore keeps the data it replaced.
    assert list(folder.glob("chapter.before-restore-*.sqlite"))


def test_only_a_coordinator_may_restore_a_database_that_cannot_open(
    encrypted: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "roles"
    shutil.copytree(encrypted.parent, folder)
    path = folder / encrypted.name
    ctx = accounts.login(path, USER, PASS)
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    ctx.db.close()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x20
    path.write_bytes(bytes(data))
    [saved] = (folder / "backups").glob("*.sqlite")
    before = path.read_bytes()
    with pytest.raises(UserError, match="may not do this"):
        backup.restore_unopened(path, "kumi", "kumi-passphrase", saved)
    with pytest.raises(UserError, match="Wrong user name or passphrase"):
        backup.restore_unopened(path, USER, "not the passphrase", saved)
    assert path.read_bytes() == before
    result = backup.restore_unopened(path, USER, PASS, saved)
    assert result.kept_aside.read_bytes() == before
    ctx = accounts.login(path, USER, PASS)
    try:
        assert isinstance(ctx, Context)
    finally:
        ctx.db.close()
