"""The output guard (app/storage/outputs.py): no output lands on Tsunagu's own files, however spelled.

Every service writes through app/storage/fileio.atomic_output, so a refusal here is a refusal for
every export, PDF, package, setup file, backup and crash report. The properties: each
spelling of a protected file (relative, `..`, a symbolic link to it or to its folder, a
hard link, another case where the file system ignores case) is refused with one line and
leaves every file byte-identical; ordinary destinations beside them are still written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import accounts
from app import backups as backup
from app.core import postal
from app.core.context import Context
from app.core.errors import UserError
from app.printing.common import write_pdf
from app.roster.members import MemberInput, add_member, export_members
from app.storage import outputs
from app.storage.chapter import set_up_chapter
from app.storage.fileio import atomic_output, write_atomically
from app.storage.outputs import OutputRefused, Own, check_output

PASS = "guard-passphrase"


@dataclass
class Place:
    """An open encrypted database with everything the guard protects around it."""

    ctx: Context
    db: Path
    folder: Path
    elsewhere: Path
    protected: dict[str, Path]

    def snapshot(self) -> dict[str, str]:
        """The bytes of every file under the test's folders, by path."""
        found: dict[str, str] = {}
        for top in (self.folder, self.elsewhere):
            for path in sorted(top.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Place]:
    folder = tmp_path_factory.mktemp("data")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    db = folder / "chapter.sqlite"
    ctx, _recovery = accounts.create_database(db, "hana", PASS)
    set_up_chapter(ctx, "テスト町")
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    backup.backup_now(ctx)  # the default backup folder, with its manifest
    # Another Tsunagu database (closed) and a plain SQLite file of some other program.
    other, _ = accounts.create_database(elsewhere / "other.sqlite", "kumi", PASS)
    other.db.close()
    plain = elsewhere / "plain.db"
    plain.write_bytes(outputs.SQLITE_HEADER + bytes(4080))
    keys_copy = elsewhere / "keys-copy.json"
    shutil.copyfile(folder / "chapter.sqlite.keys", keys_copy)
    chosen = tmp_path_factory.mktemp("stick")
    (chosen / backup.MANIFEST_NAME).write_text("{}", encoding="utf-8")
    protected = {
        "database": db,
        "wal": folder / "chapter.sqlite-wal",
        "shm": folder / "chapter.sqlite-shm",
        "journal": folder / "chapter.sqlite-journal",
        "keys": folder / "chapter.sqlite.keys",
        "lock": folder / "chapter.sqlite.lock",
        "backup folder": folder / "backups" / "new-export.csv",
        "a backup": next((folder / "backups").glob("*.sqlite")),
        "other database": elsewhere / "other.sqlite",
        "other keys": elsewhere / "other.sqlite.keys",
        "other lock": elsewhere / "other.sqlite.lock",
        "other wal": elsewhere / "other.sqlite-wal",
        "plain sqlite": plain,
        "copied key file": keys_copy,
        "chosen backup folder": chosen / "roster.csv",
    }
    # Keep the WAL and its index present while the tests run, as in a working window.
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM members").fetchall()
        yield Place(ctx, db, folder, elsewhere, protected)
    ctx.db.close()


# A hard link's other name is found by device and inode only for the open database's own
# files; for a closed database elsewhere it is found by content where content tells (a key
# file, a SQLite header). An encrypted file or a lock file of a closed database, linked
# under an unrelated name, looks like any other file, and may be written: the writer renames
# a new file over that one name, so the data under the database's own name is untouched.
_HARD_LINKS_FOUND = {
    "database",
    "wal",
    "shm",
    "keys",
    "lock",
    "other keys",
    "plain sqlite",
    "copied key file",
}


def _links(tmp_path: Path, target: Path, hard: bool) -> Iterator[Path]:
    """Other names for `target`: a symlink to it, through a linked folder, a hard link."""
    links = tmp_path / "links"
    links.mkdir(exist_ok=True)
    symlink = links / f"sym-{target.name}"
    if not os.path.lexists(symlink):
        symlink.symlink_to(target)
    yield symlink
    folder_link = links / f"folder-{target.parent.name}"
    if not os.path.lexists(folder_link):
        folder_link.symlink_to(target.parent, target_is_directory=True)
    yield folder_link / target.name
    if hard and target.is_file():
        linked = links / f"hard-{target.name}"
        if not linked.exists():
            try:
                os.link(target, linked)
            except OSError:
                return  # no hard links across these folders (another file system)
        yield linked


def _spellings(tmp_path: Path, target: Path, hard: bool) -> list[str]:
    parent = target.parent
    found = [
        str(target),
        os.path.relpath(target),
        str(parent / "." / target.name),
        str(parent / ".." / parent.name / target.name),
        str(parent / "no-such-folder" / ".." / target.name),
        "~/" + os.path.relpath(target, Path.home()) if target.is_relative_to(Path.home()) else "",
    ]
    found += [str(link) for link in _links(tmp_path, target, hard)]
    return [f for f in found if f]


def _case_variant(path: Path) -> Path:
    return path.with_name(path.name.swapcase())


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_spelling_of_a_protected_file_is_refused_and_nothing_changes(
    place: Place, tmp_path: Path, data: st.DataObject
) -> None:
    kind = data.draw(st.sampled_from(sorted(place.protected)), label="kind")
    target = place.protected[kind]
    spellings = _spellings(tmp_path, target, kind in _HARD_LINKS_FOUND)
    spelling = data.draw(st.sampled_from(spellings), label="spelling")
    payload = data.draw(st.binary(max_size=64), label="payload")
    before = place.snapshot()
    with pytest.raises(OutputRefused) as refused:
        write_atomically(spelling, payload)
    message = refused.value.message
    assert "\n" not in message and "Nothing was written" in message
    assert place.snapshot() == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(["database", "keys", "lock", "wal", "other database", "other keys"]))
def test_another_case_is_the_same_file_only_where_the_folder_ignores_case(
    place: Place, kind: str
) -> None:
    target = place.protected[kind]
    variant = _case_variant(target)
    ignores_case = outputs._ignores_case(target.parent)
    if ignores_case:
        with pytest.raises(OutputRefused):
            check_output(variant)
    else:
        # A case-sensitive folder: CHAPTER.SQLITE is another file, and writing it harms none.
        before = place.snapshot()
        write_atomically(variant, b"x")
        assert variant.read_bytes() == b"x"
        variant.unlink()
        assert place.snapshot() == before


def test_case_insensitive_comparison_when_the_folder_says_so(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows and macOS folders ignore case: the guard must then see CHAPTER.SQLITE."""
    monkeypatch.setattr(outputs, "_ignores_case", lambda _folder: True)
    for kind in ("database", "keys", "lock", "wal", "journal"):
        with pytest.raises(OutputRefused):
            check_output(_case_variant(place.protected[kind]))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(
        st.characters(categories=("L", "N"), include_characters="-_ 　", max_codepoint=0x9FFF),
        min_size=1,
        max_size=20,
    ).filter(lambda n: n.strip() == n),
    suffix=st.sampled_from([".csv", ".xlsx", ".pdf", ".tsync", ".tsunagu-setup", ".sqlite"]),
    where=st.sampled_from(["data", "elsewhere"]),
)
def test_ordinary_destinations_beside_them_are_written(
    place: Place, name: str, suffix: str, where: str
) -> None:
    folder = place.folder if where == "data" else place.elsewhere
    target = folder / f"{name}{suffix}"
    if target.exists():
        return
    write_atomically(target, b"content")
    try:
        assert target.read_bytes() == b"content"
    finally:
        target.unlink()


def test_services_refuse_the_open_database_and_leave_it_byte_identical(
    place: Place, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.symlink_to(place.db)  # a name that looks like an export, pointing at the database
    before = place.snapshot()
    with pytest.raises(OutputRefused, match="is the open database"):
        export_members(place.ctx, roster)
    with pytest.raises(OutputRefused, match="is the open database"):
        write_pdf(b"%PDF-1.4", place.db)
    with pytest.raises(OutputRefused, match="key file that opens"):
        write_pdf(b"%PDF-1.4", place.protected["keys"])
    with pytest.raises(OutputRefused, match="lock file"):
        write_pdf(b"%PDF-1.4", place.protected["lock"])
    with pytest.raises(OutputRefused, match="backup folder"):
        export_members(place.ctx, place.protected["backup folder"])
    with pytest.raises(UserError, match="journal"):
        backup.backup_to(place.ctx, place.protected["wal"])
    with pytest.raises(UserError, match="key file that opens"):
        backup.backup_to(place.ctx, place.protected["keys"])
    with pytest.raises(OutputRefused, match="backup folder"):
        backup.backup_to(place.ctx, place.protected["backup folder"].with_suffix(".sqlite"))
    assert place.snapshot() == before
    assert roster.is_symlink()


def test_a_backup_to_a_file_refuses_a_key_file_in_the_way(place: Place, tmp_path: Path) -> None:
    """`backup -o X` also writes X.keys: a key file already there is not overwritten."""
    keys = tmp_path / "copy.sqlite.keys"
    shutil.copyfile(place.protected["keys"], keys)
    before = keys.read_bytes()
    with pytest.raises(OutputRefused, match="key file copy.sqlite.keys is beside"):
        backup.backup_to(place.ctx, tmp_path / "copy.sqlite")
    assert keys.read_bytes() == before
    assert not (tmp_path / "copy.sqlite").exists()


def test_the_programs_own_writers_say_what_they_write(place: Place, tmp_path: Path) -> None:
    keys = place.protected["keys"]
    before = keys.read_bytes()
    # The key file may be rewritten by the key-file writer, and only onto a key file.
    check_output(keys, Own.KEY_FILE)
    with pytest.raises(OutputRefused):
        check_output(place.db, Own.KEY_FILE)
    with pytest.raises(OutputRefused):
        check_output(tmp_path / "roster.csv", Own.KEY_FILE)
    # A backup may go into the backup folder, never onto the database's own files.
    check_output(place.protected["backup folder"], Own.BACKUP)
    for kind in ("database", "wal", "keys", "lock"):
        with pytest.raises(OutputRefused):
            check_output(place.protected[kind], Own.BACKUP)
    assert keys.read_bytes() == before


def test_a_refusal_inside_the_writer_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "late.csv"
    with pytest.raises(OutputRefused):
        with atomic_output(target) as temp:
            temp.write_bytes(b"half")
            # A database appears where the export was going (another program, meanwhile).
            target.write_bytes(outputs.SQLITE_HEADER)
            outputs.protect(target)
    outputs.release(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv"]
    assert target.read_bytes() == outputs.SQLITE_HEADER


def test_a_closed_database_is_still_known_by_its_content(tmp_path: Path) -> None:
    ctx, _recovery = accounts.create_database(tmp_path / "closed.sqlite", "hana", PASS)
    ctx.db.close()
    assert tmp_path / "closed.sqlite" not in outputs.protected_databases()
    for name in ("closed.sqlite", "closed.sqlite.keys", "closed.sqlite-wal"):
        with pytest.raises(OutputRefused):
            write_atomically(tmp_path / name, b"x")


def test_a_newer_postal_table_replaces_the_one_installed_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program's own table is a SQLite file too: its writer says so, and may replace it."""
    from tests.app.core.test_postal_update import newer_than_bundled, table

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    postal._default.close()
    try:
        first = newer_than_bundled()
        postal.install_table(table(tmp_path, first))
        major = int(first.split(".")[0])
        info = postal.install_table(table(tmp_path, f"{major + 1}.1.0"))
        assert info.installed and info.data_version == f"{major + 1}.1.0"
        # A person's export onto that table is still refused: it is a database.
        with pytest.raises(OutputRefused, match="is a database"):
            write_atomically(postal.user_table_path(), b"x")
    finally:
        postal._default.close()
