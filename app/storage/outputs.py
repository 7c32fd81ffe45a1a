"""The output guard: no file the program writes may land on Tsunagu's own files.

Every write goes through app/storage/fileio.py, which asks `check_output` first. A destination a
person chose (an export, a PDF, a package, a setup file, `backup -o`) is checked in full:
it may not be an open database, its -wal/-shm/-journal, its key file or lock file, nor any
other Tsunagu (or SQLite) database or key file, nor a file inside a backup folder. The
program's own writers say what they write (`Own`), and only the rules that fit are applied:
saving the key file may replace the key file, a backup may go into the backup folder.

Paths are compared as the file system sees them: relative paths and `..` are made
absolute, symbolic links are followed, an existing file is matched by its device and inode
(so a hard link is the same file), and names are compared without case where the folder
ignores case. The module depends on nothing of Tsunagu but its error and translation
helpers, so it can move with the file-I/O code.
"""

from __future__ import annotations

import enum
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.i18n import gettext as _

SQLITE_HEADER = b"SQLite format 3\x00"
KEYRING_MAGIC = b'"tsunagu-keyring"'
KEYS_SUFFIX = ".keys"
LOCK_SUFFIX = ".lock"
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")
BACKUP_FOLDER_NAME = "backups"
BACKUP_MANIFEST = "tsunagu-backups.json"
# A key file is small JSON; a bigger file is not read looking for the key file's magic.
_KEYRING_PROBE_BYTES = 1024 * 1024


class Own(enum.Enum):
    """What one of the program's own writers is writing (user destinations pass None)."""

    KEY_FILE = "key file"  # the key file beside a database (accounts, restore)
    BACKUP = "backup"  # a copy, its key file or the manifest, in a backup folder or beside
    DATABASE = "database"  # the database file itself, swapped whole (restore)
    TABLE = "table"  # a reference table in the program's own data folder (postal codes)


class OutputRefused(UserError):
    """The destination is one of Tsunagu's own files; nothing was written."""


@dataclass(frozen=True)
class _Protected:
    path: Path
    kind: str


_lock = threading.Lock()
_databases: dict[Path, None] = {}
_folders: dict[Path, None] = {}


def protect(database: str | os.PathLike[str]) -> None:
    """Mark `database` as open here: it, its sidecars, key, lock and backup folder are kept."""
    with _lock:
        _databases[_absolute(database)] = None


def release(database: str | os.PathLike[str]) -> None:
    """The database is closed in this process (its files stay protected by their content)."""
    with _lock:
        _databases.pop(_absolute(database), None)


def protect_folder(folder: str | os.PathLike[str]) -> None:
    """Mark a chosen backup folder: nothing but backups may be written into it."""
    with _lock:
        _folders[_absolute(folder)] = None


def protected_databases() -> list[Path]:
    """The databases open in this process, as registered."""
    with _lock:
        return list(_databases)


def check_output(
    path: str | os.PathLike[str], own: Own | None = None, *, by_content: bool = True
) -> Path:
    """Refuse a destination that is one of Tsunagu's own files; returns it made absolute.

    `own` None: a destination a person chose, checked in full. Otherwise the program's own
    writer says what it writes, and may replace that kind of file. Raises OutputRefused
    (one translated line) before anything is written. `by_content` False leaves out the
    look at what the file holds and what lies beside it (the writer's second look, just
    before its rename, when it may have put a key file beside the target itself).
    """
    target = _absolute(path)
    with _lock:
        databases = list(_databases)
        folders = list(_folders)
    if own is not Own.DATABASE:
        for database in databases:
            _refuse_open_database_file(target, database, own)
    if own is None:
        _refuse_backup_folder(target, databases, folders)
        if by_content:
            _refuse_by_content(target)
    elif own is Own.KEY_FILE:
        if not target.name.endswith(KEYS_SUFFIX) or _starts_with(target, SQLITE_HEADER):
            raise _refused(_("{name} is not a key file, so it was not replaced."), target)
    return target


# --- the open databases ---------------------------------------------------------------------


def _files_of(database: Path) -> list[_Protected]:
    """An open database's own files, under its name and under its real name."""
    found: list[_Protected] = []
    for base in dict.fromkeys([database, Path(os.path.realpath(database))]):
        found.append(_Protected(base, "database"))
        found += [_Protected(base.with_name(base.name + s), "sidecar") for s in SIDECAR_SUFFIXES]
        found.append(_Protected(base.with_name(base.name + KEYS_SUFFIX), "keys"))
        found.append(_Protected(base.with_name(base.name + LOCK_SUFFIX), "lock"))
    return found


def _refuse_open_database_file(target: Path, database: Path, own: Own | None) -> None:
    for item in _files_of(database):
        if own is Own.KEY_FILE and item.kind == "keys":
            continue
        if _same_file(target, item.path):
            raise _refused(_OPEN_MESSAGES[item.kind](), target)


_OPEN_MESSAGES = {
    "database": lambda: _(
        "{name} is the open database. Nothing was written; choose another file name."
    ),
    "sidecar": lambda: _(
        "{name} is part of the open database (its journal). Nothing was written; "
        "choose another file name."
    ),
    "keys": lambda: _(
        "{name} is the key file that opens the database. Nothing was written; "
        "choose another file name."
    ),
    "lock": lambda: _(
        "{name} is the open database's lock file. Nothing was written; choose another file name."
    ),
}


# --- backup folders ---------------------------------------------------------------------------


def _refuse_backup_folder(target: Path, databases: list[Path], folders: list[Path]) -> None:
    candidates = list(folders)
    for database in databases:
        for base in dict.fromkeys([database, Path(os.path.realpath(database))]):
            candidates.append(base.parent / BACKUP_FOLDER_NAME)
    # Only files directly inside: a backup folder chosen high up (a whole USB stick) must not
    # forbid every folder below it.
    named = [target.parent, Path(os.path.realpath(target.parent))]
    for folder in dict.fromkeys([*named, Path(os.path.realpath(target)).parent]):
        if (folder / BACKUP_MANIFEST).is_file() or any(
            _same_file(folder, known) for known in candidates
        ):
            raise OutputRefused(
                _(
                    "{name} would go into the backup folder {folder}, which is kept for "
                    "Tsunagu's backups. Nothing was written; choose another folder."
                ).format(name=target.name, folder=folder)
            )


# --- other Tsunagu files, by what they hold and what lies beside them -----------------------


def _refuse_by_content(target: Path) -> None:
    real = Path(os.path.realpath(target))
    for candidate in dict.fromkeys([target, real]):
        _refuse_one(candidate)


def _refuse_one(target: Path) -> None:
    name = target.name
    for suffix in (*SIDECAR_SUFFIXES, LOCK_SUFFIX, KEYS_SUFFIX):
        if _ends_with(name, suffix, target.parent):
            base = target.with_name(name[: len(name) - len(suffix)])
            if _is_database(base):
                raise OutputRefused(
                    _(
                        "{name} belongs to the database {base}. Nothing was written; "
                        "choose another file name."
                    ).format(name=name, base=base.name)
                )
    keys = target.with_name(name + KEYS_SUFFIX)
    if keys.exists() and not target.exists():
        raise OutputRefused(
            _(
                "The key file {keys} is beside {name}: that name belongs to a database. "
                "Nothing was written; choose another file name."
            ).format(keys=keys.name, name=name)
        )
    if keys.exists() or _is_database(target):
        raise _refused(
            _(
                "{name} is a database (Tsunagu's or another program's). Nothing was written; "
                "choose another file name."
            ),
            target,
        )
    if target.is_file() and _is_keyring(target):
        raise _refused(
            _("{name} is a Tsunagu key file. Nothing was written; choose another file name."),
            target,
        )


def _is_database(path: Path) -> bool:
    """A SQLite file, or a file with a key file or a journal of its own beside it."""
    if not path.is_file():
        return False
    if _starts_with(path, SQLITE_HEADER):
        return True
    beside = [path.with_name(path.name + s) for s in (KEYS_SUFFIX, *SIDECAR_SUFFIXES)]
    return any(p.exists() for p in beside)


def _is_keyring(path: Path) -> bool:
    try:
        if path.stat().st_size > _KEYRING_PROBE_BYTES:
            return False
        with open(path, "rb") as fh:
            data = fh.read(_KEYRING_PROBE_BYTES)
    except OSError:
        return False
    return data.lstrip().startswith(b"{") and KEYRING_MAGIC in data


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(magic)) == magic
    except OSError:
        return False


# --- comparing paths as the file system does ----------------------------------------------------


def _absolute(path: str | os.PathLike[str]) -> Path:
    """Absolute, `~` expanded, `..` folded, links kept (the name a rename would replace)."""
    return Path(os.path.normpath(os.path.abspath(os.path.expanduser(os.fspath(path)))))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _same_file(first: Path, second: Path) -> bool:
    """True when both names reach the same file, existing or not yet."""
    a, b = Path(os.path.realpath(first)), Path(os.path.realpath(second))
    ia, ib = _identity(a), _identity(b)
    if ia is not None and ib is not None:
        return ia == ib
    if not _same_folder(a.parent, b.parent):
        return False
    if os.path.normcase(a.name) == os.path.normcase(b.name):
        return True
    return a.name.casefold() == b.name.casefold() and _ignores_case(a.parent)


def _same_folder(first: Path, second: Path) -> bool:
    ia, ib = _identity(first), _identity(second)
    if ia is not None and ib is not None:
        return ia == ib
    return os.path.normcase(str(first)) == os.path.normcase(str(second))


def _ends_with(name: str, suffix: str, folder: Path) -> bool:
    if name.endswith(suffix):
        return True
    return name.casefold().endswith(suffix.casefold()) and _ignores_case(folder)


def _ignores_case(folder: Path) -> bool:
    """True when `folder`'s file system treats names without case (Windows, macOS, FAT)."""
    if os.path.normcase("A") == os.path.normcase("a"):
        return True
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    for entry in entries:
        other = entry.swapcase()
        if other == entry:
            continue
        if other in entries:
            return False
        try:
            return os.path.samefile(folder / entry, folder / other)
        except OSError:
            return False
    return False


def _refused(message: str, target: Path) -> OutputRefused:
    return OutputRefused(message.format(name=target.name))
