"""Outputs aimed at the program's own files, from the command line, in real processes.

Before the output guard each of these overwrote the database or its key file and said
it had succeeded (issue 11): the database was unreadable afterwards. Now each is one line
on stderr, exit 1, the key file byte-identical and the database's data unchanged (only the
log-in's own audit row is added, as for every command that logs in).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3

from app import accounts
from app.roster.members import MemberInput, add_member
from app.storage.chapter import set_up_chapter
from app.sync.exchange import join
from app.sync.hq import add_chapter, hq_init
from db.engine import key_pragma
from tests.app.cli.test_cli import run

USER = os.environ["TSUNAGU_USER"]
PASS = os.environ["TSUNAGU_PASSPHRASE"]
# Rows a log-in itself writes: its audit entry and the change counters that stamp it.
LOGIN_TABLES = {"audit_log", "local_meta"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Encrypted headquarters and an encrypted chapter that has joined it."""
    folder = tmp_path_factory.mktemp("template")
    hq, _ = accounts.create_database(folder / "hq.sqlite", USER, PASS)
    hq_init(hq)
    new = add_chapter(hq, "荒川", folder / "arakawa.tsunagu-setup")
    hq.db.close()
    chapter, _ = accounts.create_database(folder / "d.sqlite", USER, PASS)
    set_up_chapter(chapter, "荒川")
    add_member(chapter, MemberInput(family_name="山田", family_kana="ヤマダ"))
    join(chapter, new.setup_path, new.code)
    chapter.db.close()
    (folder / "arakawa.tsunagu-setup").unlink()
    return folder


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Iterator[Path]:
    work = tmp_path / "work"
    shutil.copytree(template, work)
    yield work


def data_of(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the log-in's own, read with the key from the key file."""
    key = accounts.unlock_key(db, USER, PASS)
    conn = sqlcipher3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        conn.execute(key_pragma(key))
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in LOGIN_TABLES
        ]
        return {n: sorted(map(tuple, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CASES = [
    pytest.param("d.sqlite", ("sync", "export", "-o", "d.sqlite"), id="sync export onto the db"),
    pytest.param(
        "d.sqlite", ("sync", "export", "-o", "d.sqlite.keys"), id="sync export onto its keys"
    ),
    pytest.param("d.sqlite", ("backup", "-o", "d.sqlite.keys"), id="backup onto its keys"),
    pytest.param("d.sqlite", ("backup", "-o", "d.sqlite-wal"), id="backup onto its wal"),
    pytest.param("hq.sqlite", ("hq", "export", "荒川", "-o", "hq.sqlite"), id="hq export onto hq"),
    pytest.param(
        "hq.sqlite",
        ("hq", "add-chapter", "足立", "-o", "hq.sqlite.keys"),
        id="hq add-chapter onto its keys",
    ),
    pytest.param("d.sqlite", ("backup", "-o", "d.sqlite.lock"), id="backup onto its lock"),
    pytest.param(
        "d.sqlite", ("sync", "export", "-o", "sub/../hq.sqlite"), id="package onto another db"
    ),
    pytest.param(
        "d.sqlite", ("members", "export", "link.csv"), id="roster through a symlink to the db"
    ),
    pytest.param("d.sqlite", ("members", "export", "backups/r.csv"), id="roster into backups"),
    pytest.param(
        "d.sqlite",
        ("print", "visit-forms", "-o", "keys.pdf"),
        id="pdf through a symlink to another key file",
    ),
]


@pytest.mark.parametrize(("db_name", "args"), CASES)
def test_outputs_onto_the_programs_own_files_are_refused(
    folder: Path, db_name: str, args: tuple[str, ...]
) -> None:
    (folder / "sub").mkdir()
    (folder / "backups").mkdir()
    (folder / "link.csv").symlink_to(folder / "d.sqlite")
    (folder / "keys.pdf").symlink_to(folder / "hq.sqlite.keys")
    keys = {p.name: digest(p) for p in folder.glob("*.keys")}
    before = {name: data_of(folder / name) for name in ("d.sqlite", "hq.sqlite")}
    done = run("--db", db_name, *args, cwd=folder)
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Nothing was written" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and "Unexpected" not in done.stderr
    assert {p.name: digest(p) for p in folder.glob("*.keys")} == keys
    assert {name: data_of(folder / name) for name in ("d.sqlite", "hq.sqlite")} == before
    assert not list(folder.rglob("*.tmp")) and not list((folder / "backups").iterdir())


def test_the_same_commands_still_write_ordinary_files(folder: Path) -> None:
    out = folder / "out"
    out.mkdir()
    for db_name, args in (
        ("d.sqlite", ("sync", "export", "-o", "out/to-hq.tsync")),
        ("d.sqlite", ("backup", "-o", "out/copy.sqlite")),
        ("hq.sqlite", ("hq", "export", "荒川", "-o", "out/to-arakawa.tsync")),
        ("hq.sqlite", ("hq", "add-chapter", "足立", "-o", "out/adachi.tsunagu-setup")),
    ):
        done = run("--db", db_name, *args, cwd=folder)
        assert done.returncode == 0, done.stderr
        assert (folder / args[-1]).stat().st_size > 0
    assert (out / "copy.sqlite.keys").is_file()
    # A second backup onto the first is refused: it is a database now, and nothing is lost.
    before = digest(out / "copy.sqlite")
    done = run("--db", "d.sqlite", "backup", "-o", "out/copy.sqlite", cwd=folder)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert digest(out / "copy.sqlite") == before


def test_japanese_refusal_is_translated(folder: Path) -> None:
    done = run("--db", "d.sqlite", "backup", "-o", "d.sqlite.keys", lang="ja", cwd=folder)
    assert done.returncode == 1
    assert "鍵ファイル" in done.stderr and "書き込んでいません" in done.stderr
