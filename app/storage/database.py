"""Opening a Tsunagu database: checks, lock, backup, migration, and sessions that stamp rows.

A database with accounts is a SQLCipher file opened with its raw 256-bit key (see
app/storage/keyring.py for where that key is kept); a plain file without accounts still opens.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import platformdirs
import sqlcipher3
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import HybridClock
from app.core.errors import DamagedDatabase, UserError
from app.core.i18n import gettext as _
from app.storage import outputs
from app.storage.fileio import copy_atomically
from app.storage.filelock import FileLock, LockHeld
from app.storage.outputs import Own
from db import migrate
from db.base import SyncMixin
from db.engine import SQLITE_HEADER, is_url, key_pragma, server_engine, sqlite_engine
from db.models import Chapter, LocalMeta, Setting

APP_NAME = "Tsunagu"
DEFAULT_FILENAME = "tsunagu.sqlite"
KEYRING_SUFFIX = ".keys"
# SQLCipher pages are at least 512 bytes; anything shorter cannot be an encrypted database.
_MIN_ENCRYPTED_SIZE = 512
# The damage check on every open reads what must be read before anything writes
# (tests/perf/test_open_check_perf.py measures it; figures from the 2-core test machine):
# SQLCipher's cipher_integrity_check authenticates every page's HMAC, about 0.3 s at
# 100,000 members (54 MB) warm or cold, so it always runs on an encrypted file. SQLite's
# quick_check also walks every b-tree but costs far more (0.5-0.7 s warm, 2-3 s cold at
# 100,000 members), so it runs on encrypted files up to 8 MB (about 10,000 members: under
# 0.1 s warm, 0.2-0.4 s cold) and on plain files, whose pages carry no checksum at all, up
# to 64 MB (about 100,000 members: 0.1 s warm, 1 s cold).
QUICK_CHECK_ENCRYPTED_MAX = 8 * 1024 * 1024
QUICK_CHECK_PLAIN_MAX = 64 * 1024 * 1024
# SQLCipher 4's page size; Tsunagu never sets another.
_PAGE_SIZE = 4096


def default_database_path() -> Path:
    """The database in the platform's user-data folder (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_FILENAME


@dataclass
class Database:
    """An open database: engine, clock and the session factory every service uses."""

    engine: Engine
    location: str
    path: Path | None
    clock: HybridClock
    chapter_id: str | None
    mode: str
    lock: FileLock | None = None
    backups: list[Path] = field(default_factory=list)
    _factory: sessionmaker[Session] | None = None
    # The raw SQLCipher key while the file is open; None for a plain (or server) database.
    key: bytes | None = field(default=None, repr=False)
    # What services keep per open database (the roster's search index, the due list's facts),
    # by a name of their own; it goes when this Database goes, never into a module global.
    caches: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Made here, not on first use: the window's worker threads open sessions too, and two
        # threads must not race to make (and hook) two factories.
        if self._factory is None:
            self._factory = sessionmaker(self.engine, expire_on_commit=False)
            event.listen(self._factory, "before_flush", _stamp_rows)

    @property
    def encrypted(self) -> bool:
        """True for a SQLCipher file."""
        return self.key is not None

    def session(self, *, stamp: bool = True) -> Session:
        """A new session; `stamp=False` keeps incoming versions (sync merge)."""
        assert self._factory is not None
        s = self._factory()
        s.info["db"] = self
        s.info["stamp"] = stamp
        return s

    @contextmanager
    def transaction(self, *, stamp: bool = True) -> Iterator[Session]:
        """One user action: one session, one transaction, committed or rolled back whole."""
        with self.session(stamp=stamp) as s, s.begin():
            yield s

    def close(self) -> None:
        """Release the connections and the file lock."""
        self.engine.dispose()
        if self.lock is not None:
            if self.path is not None:
                outputs.release(self.path)
            self.lock.release()
            self.lock = None


def next_sequence(session: Session, count: int) -> int:
    """Reserve `count` numbers of the local change feed; returns the first."""
    conn = session.connection()
    conn.execute(
        text("UPDATE local_meta SET int_value = int_value + :n WHERE key = 'seq'"), {"n": count}
    )
    last = conn.execute(text("SELECT int_value FROM local_meta WHERE key = 'seq'")).scalar_one()
    return int(last) - count + 1


def _stamp_rows(session: Session, _context: Any, _instances: Any) -> None:
    """Give every new or changed synced row a fresh version, feed number and owner."""
    db: Database = session.info["db"]
    new = [o for o in session.new if isinstance(o, SyncMixin)]
    changed = new + [
        o for o in session.dirty if isinstance(o, SyncMixin) and session.is_modified(o)
    ]
    if not changed:
        return
    seq = next_sequence(session, len(changed))
    for offset, row in enumerate(changed):
        row.local_seq = seq + offset
        if session.info.get("stamp", True):
            row.version = db.clock.tick()
    # A row made at a chapter is the chapter's. A shared row (headquarters' directories, no
    # owner) edited at a chapter stays shared: claiming it would hide it from every other
    # chapter and split the directory.
    if session.info.get("stamp", True) and db.mode == "chapter":
        for row in new:
            if row.chapter_id is None and not isinstance(row, Chapter):
                row.chapter_id = db.chapter_id
    session.connection().execute(
        text("UPDATE local_meta SET text_value = :v WHERE key = 'hlc'"), {"v": db.clock.last}
    )


def _check_file(path: Path, create: bool, encrypted: bool = False) -> bool:
    """Refuse a path Tsunagu cannot use, before touching it; True when the file is new."""
    if path.is_dir():
        raise UserError(_("{path} is a folder, not a database file.").format(path=path))
    folder = path.parent
    if not path.exists():
        if not create:
            raise UserError(
                _("There is no database at {path}. Create one with “init” or “demo”.").format(
                    path=path
                )
            )
        if not folder.exists():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise UserError(
                    _("Could not create the folder {folder}: {reason}").format(
                        folder=folder, reason=exc.strerror or exc
                    )
                ) from exc
        if not os.access(folder, os.W_OK):
            raise UserError(
                _(
                    "The folder {folder} is read-only, so the database cannot be created there."
                ).format(folder=folder)
            )
        return True
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if encrypted:
        # An encrypted file starts with its random salt, never with SQLite's header.
        if head == SQLITE_HEADER or path.stat().st_size < _MIN_ENCRYPTED_SIZE:
            raise UserError(
                _("{name} is not an encrypted Tsunagu database. It was left unchanged.").format(
                    name=path.name
                )
            )
    elif head != SQLITE_HEADER and keyring_beside(path).exists():
        raise UserError(
            _("{name} is encrypted. Log in with your Tsunagu account to open it.").format(
                name=path.name
            )
        )
    elif head != SQLITE_HEADER:
        raise UserError(
            _(
                "{name} is not a Tsunagu database (or it is encrypted). It was left unchanged."
            ).format(name=path.name)
        )
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        raise UserError(
            _(
                "{name} is in a read-only place. Copy it to a folder you can write to, "
                "then open the copy. The file was left unchanged."
            ).format(name=path.name)
        )
    return False


def keyring_beside(path: Path) -> Path:
    """The key file of the database at `path` (present once it has accounts)."""
    return path.with_name(path.name + KEYRING_SUFFIX)


def is_plain_sqlite(path: Path) -> bool:
    """True when `path` is an unencrypted SQLite file (read-only look at its header)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def backup_beside(path: Path, reason: str) -> Path:
    """Copy the database file (its WAL and key file too) beside it before a risky step."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{reason}{path.suffix}")
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        copy_atomically(wal, target.with_name(target.name + "-wal"), own=Own.BACKUP)
    keys = keyring_beside(path)
    if keys.exists():
        # An encrypted copy is useless without the wrapped keys that open it.
        copy_atomically(keys, keyring_beside(target), own=Own.BACKUP)
    # The database last: a copy with its name is complete with what belongs beside it.
    copy_atomically(path, target, own=Own.BACKUP)
    return target


@functools.cache
def _quiet_sqlcipher() -> None:
    """Stop SQLCipher printing its own log lines to stderr (a wrong key is our message)."""
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()


def readonly_uri(path: Path) -> str:
    """A URI that reads `path` and creates nothing beside it.

    Without WAL content the file is opened immutable, so SQLite makes no -wal or -shm file
    either; with a WAL left by a crash the WAL is read too (read-only).
    """
    text = quote(path.absolute().as_posix().lstrip("/"), safe="/:")
    wal = path.with_name(path.name + "-wal")
    try:
        has_wal = wal.stat().st_size > 0
    except OSError:
        has_wal = False
    return f"file:///{text}?mode=ro" + ("" if has_wal else "&immutable=1")


def key_opens(path: Path, key: bytes) -> bool:
    """True when `key` reads the encrypted file at `path` (read-only; nothing is written)."""
    _quiet_sqlcipher()
    conn = sqlcipher3.connect(readonly_uri(path), uri=True)
    try:
        conn.execute(key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def _damaged(path: Path, findings: list[str]) -> DamagedDatabase:
    return DamagedDatabase(
        _(
            "{name} is damaged, so it was not opened and nothing was written to it. Restore "
            "the newest backup (Backups page, or the command “restore FILE”); backups are "
            "normally in {folder}."
        ).format(name=path.name, folder=path.parent / outputs.BACKUP_FOLDER_NAME),
        details=findings[:20],
    )


def check_intact(path: Path, key: bytes | None) -> None:
    """Refuse a damaged database file before anything writes to it; reads only.

    An encrypted file has every page's HMAC checked (a flipped byte anywhere is found);
    quick_check adds the b-tree structure where that is affordable (see the thresholds).
    Raises DamagedDatabase pointing to the backups.
    """
    size = path.stat().st_size
    if key is not None:
        _quiet_sqlcipher()
    conn = sqlcipher3.connect(readonly_uri(path), uri=True)
    try:
        if key is not None:
            conn.execute(key_pragma(key))
            bad = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
            if bad:
                raise _damaged(path, bad)
        if size <= (QUICK_CHECK_ENCRYPTED_MAX if key is not None else QUICK_CHECK_PLAIN_MAX):
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
            if rows != ["ok"]:
                raise _damaged(path, rows)
        else:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlcipher3.DatabaseError as exc:
        raise _damaged(path, [str(exc)]) from exc
    finally:
        conn.close()


def _unreadable(path: Path, key: bytes) -> UserError:
    """Why `key` does not read `path`: a damaged file, or a key file of another database.

    With the wrong key no page authenticates; when some do, the key is right and the file
    is damaged (its first page, which every read needs).
    """
    conn = sqlcipher3.connect(readonly_uri(path), uri=True)
    try:
        conn.execute(key_pragma(key))
        bad = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.DatabaseError:
        bad = []
    finally:
        conn.close()
    pages = max(1, path.stat().st_size // _PAGE_SIZE)
    if bad and len(bad) < pages:
        return _damaged(path, bad)
    return UserError(
        _(
            "{name} cannot be read with this key: its key file belongs to another database, "
            "or the file is damaged. It was left unchanged. If it is damaged, restore the "
            "newest backup (Backups page, or the command “restore FILE”)."
        ).format(name=path.name)
    )


def _inspect(engine: Engine, name: str) -> tuple[str | None, bool]:
    """(revision, has tables) of a database, refusing one that is not Tsunagu's."""
    try:
        with engine.connect() as conn:
            revision = migrate.current_revision(conn)
            tables = migrate.table_names(conn)
    except (DatabaseError, OperationalError) as exc:
        raise UserError(
            _("{name} is not a Tsunagu database (or it is damaged). It was left unchanged.").format(
                name=name
            )
        ) from exc
    if revision is None and tables - {"alembic_version"}:
        raise UserError(
            _("{name} is a database, but not one of Tsunagu's. It was left unchanged.").format(
                name=name
            )
        )
    if revision is not None and not migrate.is_known(revision):
        raise UserError(
            _(
                "This database was made by a newer version of Tsunagu. "
                "Please update Tsunagu to open it. The file was left unchanged."
            )
        )
    return revision, bool(tables)


def _prepare_schema(engine: Engine, path: Path | None, revision: str | None) -> list[Path]:
    """Back up and migrate a checked database; returns the backups written."""
    backups: list[Path] = []
    if revision != migrate.HEAD_REVISION:
        if revision is not None and path is not None:
            backups.append(backup_beside(path, f"before-{migrate.HEAD_REVISION}"))
        migrate.upgrade(engine)
    return backups


def _ensure_meta(engine: Engine) -> tuple[str, str, str | None, str]:
    """Create the per-file counters on first open; returns node, clock, chapter, mode."""
    with Session(engine) as s, s.begin():
        meta = {m.key: m for m in s.scalars(select(LocalMeta))}
        if "node" not in meta:
            s.add(LocalMeta(key="node", text_value=secrets.token_hex(8)))
            s.add(LocalMeta(key="seq", int_value=0))
            s.add(LocalMeta(key="hlc", text_value=""))
            s.flush()
            meta = {m.key: m for m in s.scalars(select(LocalMeta))}
        settings = {st.key: st.value for st in s.scalars(select(Setting))}
        chosen = settings.get("backup_folder")
        if isinstance(chosen, str) and chosen.strip():
            # The chosen backup folder (app/backups.py) is off limits to exports from the start.
            outputs.protect_folder(chosen.strip())
        return (
            meta["node"].text_value,
            meta["hlc"].text_value,
            settings.get("chapter_id"),
            settings.get("mode") or "chapter",
        )


def open_database(
    location: str | Path | None = None, *, create: bool = False, key: bytes | None = None
) -> Database:
    """Open (or with `create`, make) a database, refusing anything unsafe with a UserError.

    With `key` the file is (or is created as) a SQLCipher database under that raw key;
    a key that does not read the file is refused before anything is written.
    The file is left exactly as it was whenever this raises.
    """
    if isinstance(location, str) and is_url(location):
        engine = server_engine(location)
        server_revision, _tables = _inspect(engine, location.split("@")[-1])
        _prepare_schema(engine, None, server_revision)
        node, last, chapter, mode = _ensure_meta(engine)
        return Database(engine, location, None, HybridClock(node, last), chapter, mode)

    path = Path(location) if location is not None else default_database_path()
    path = path.expanduser().absolute()
    if key is not None:
        _quiet_sqlcipher()
    new = _check_file(path, create, encrypted=key is not None)
    lock = FileLock(path.with_name(path.name + ".lock"))
    try:
        lock.acquire()
        outputs.protect(path)
    except LockHeld as held:
        raise UserError(
            _("{name} is already open in another Tsunagu ({holder}).").format(
                name=path.name, holder=held.holder or "?"
            )
        ) from held
    except OSError as exc:
        raise UserError(
            _("Could not open {name}: {reason}").format(name=path.name, reason=exc.strerror)
        ) from exc
    try:
        revision: str | None = None
        if not new:
            if key is not None and not key_opens(path, key):
                raise _unreadable(path, key)
            # Read what must be read before anything writes: no migration, backup or WAL
            # may touch a damaged file.
            check_intact(path, key)
            # Look before writing: even switching on WAL would change a stranger's file.
            probe = sqlite_engine(path, key, readonly=True)
            try:
                revision, _tables = _inspect(probe, path.name)
            finally:
                probe.dispose()
        if key is not None:
            _finish_wipe(path)
        engine = sqlite_engine(path, key)
        backups = _prepare_schema(engine, path, revision)
        node, last, chapter, mode = _ensure_meta(engine)
    except BaseException:
        outputs.release(path)
        lock.release()
        if new and path.exists() and path.stat().st_size == 0:
            path.unlink()
        raise
    return Database(
        engine, str(path), path, HybridClock(node, last), chapter, mode, lock, backups, key=key
    )


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _table_counts(conn: Any) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _export_encrypted(path: Path, key: bytes) -> Path:
    """Write an encrypted copy of the plain file beside it and check every table made it."""
    target = path.with_name(f".{path.name}.encrypting")
    for stale in [target, *_sidecars(target)]:
        stale.unlink(missing_ok=True)
    plain = sqlcipher3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        before = _table_counts(plain)
        # The key is hex digits only, so writing it into the statement cannot inject SQL.
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    check = sqlcipher3.connect(f"file:{target.as_posix()}?mode=ro", uri=True)
    try:
        check.execute(key_pragma(key))
        healthy = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after = _table_counts(check)
    finally:
        check.close()
    if not healthy or after != before:
        target.unlink(missing_ok=True)
        raise UserError(
            _(
                "The encrypted copy of {name} did not check out; the file was left as it was."
            ).format(name=path.name)
        )
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    return target


def _wipe_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.plain-wipe")


def wipe_file(path: Path) -> None:
    """Overwrite a file with zeros, then delete it.

    Best effort: on SSDs and journaling file systems old blocks may survive an overwrite;
    it still keeps the plain rows out of reach of undelete tools and casual copying.
    """
    if not path.exists():
        return
    size = path.stat().st_size
    with open(path, "rb+") as fh:
        block = bytes(1024 * 1024)
        done = 0
        while done < size:
            step = min(len(block), size - done)
            fh.write(block[:step])
            done += step
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()


def _finish_wipe(path: Path) -> None:
    """Finish wiping a plain original left behind by an interrupted conversion."""
    leftover = _wipe_name(path)
    if leftover.exists():
        wipe_file(leftover)


def encrypt_in_place(db: Database, key: bytes, *, keep_plain_copy: bool = False) -> Database:
    """Convert an open plain database file to SQLCipher under `key`; returns it reopened.

    The encrypted copy is written and checked (integrity, the row count of every table)
    before it replaces the original in one rename. The plain original is then overwritten
    with zeros and deleted, because a readable copy beside the encrypted one would defeat
    the encryption; `keep_plain_copy` keeps it instead as NAME.plain-STAMP.sqlite, at the
    user's explicit wish. The lock is held throughout. `db` must not be used afterwards
    (on a refusal it is left open and plain, as it was).
    """
    path = db.path
    if path is None or db.key is not None:
        raise UserError(_("Only a plain database file can be encrypted."))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.engine.dispose()
    _quiet_sqlcipher()
    encrypted = _export_encrypted(path, key)
    if keep_plain_copy:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"{path.stem}.plain-{stamp}{path.suffix}")
        copy_atomically(path, kept, own=Own.BACKUP)
    doomed = _wipe_name(path)
    doomed.unlink(missing_ok=True)
    try:
        # A second name for the plain file, so it can be wiped after the switch.
        os.link(path, doomed)
    except OSError:
        # No hard links (FAT USB sticks): move it aside first; a crash between the two
        # renames leaves both files beside each other, nothing lost.
        os.replace(path, doomed)
    for extra in _sidecars(path):
        if extra.exists():
            wipe_file(extra)
    os.replace(encrypted, path)
    for extra in _sidecars(encrypted):
        extra.unlink(missing_ok=True)
    _finish_wipe(path)
    lock, db.lock = db.lock, None
    engine = sqlite_engine(path, key)
    try:
        node, last, chapter, mode = _ensure_meta(engine)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Database(
        engine, str(path), path, HybridClock(node, last), chapter, mode, lock, db.backups, key=key
    )
