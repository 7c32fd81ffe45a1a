"""Opening a Tsunagu database: checks, lock, backup, migration, and sessions that stamp rows."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.clock import HybridClock
from app.errors import UserError
from app.filelock import FileLock, LockHeld
from app.i18n import gettext as _
from db import migrate
from db.base import SyncMixin
from db.engine import SQLITE_HEADER, is_url, server_engine, sqlite_engine
from db.models import Chapter, LocalMeta, Setting

APP_NAME = "Tsunagu"
DEFAULT_FILENAME = "tsunagu.sqlite"


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

    def session(self, *, stamp: bool = True) -> Session:
        """A new session; `stamp=False` keeps incoming versions (sync merge)."""
        if self._factory is None:
            self._factory = sessionmaker(self.engine, expire_on_commit=False)
            event.listen(self._factory, "before_flush", _stamp_rows)
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
    changed = [o for o in session.new if isinstance(o, SyncMixin)]
    changed += [o for o in session.dirty if isinstance(o, SyncMixin) and session.is_modified(o)]
    if not changed:
        return
    seq = next_sequence(session, len(changed))
    for offset, row in enumerate(changed):
        row.local_seq = seq + offset
        if session.info.get("stamp", True):
            row.version = db.clock.tick()
            if row.chapter_id is None and not isinstance(row, Chapter) and db.mode == "chapter":
                row.chapter_id = db.chapter_id
    session.connection().execute(
        text("UPDATE local_meta SET text_value = :v WHERE key = 'hlc'"), {"v": db.clock.last}
    )


def _check_file(path: Path, create: bool) -> bool:
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
    if head != SQLITE_HEADER:
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


def backup_beside(path: Path, reason: str) -> Path:
    """Copy the database file (and its WAL) beside it before a risky step."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{reason}{path.suffix}")
    shutil.copy2(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target


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
        return (
            meta["node"].text_value,
            meta["hlc"].text_value,
            settings.get("chapter_id"),
            settings.get("mode") or "chapter",
        )


def open_database(location: str | Path | None = None, *, create: bool = False) -> Database:
    """Open (or with `create`, make) a database, refusing anything unsafe with a UserError.

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
    new = _check_file(path, create)
    lock = FileLock(path.with_name(path.name + ".lock"))
    try:
        lock.acquire()
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
            # Look before writing: even switching on WAL would change a stranger's file.
            probe = sqlite_engine(path, readonly=True)
            try:
                revision, _tables = _inspect(probe, path.name)
            finally:
                probe.dispose()
        engine = sqlite_engine(path)
        backups = _prepare_schema(engine, path, revision)
        node, last, chapter, mode = _ensure_meta(engine)
    except BaseException:
        lock.release()
        if new and path.exists() and path.stat().st_size == 0:
            path.unlink()
        raise
    return Database(engine, str(path), path, HybridClock(node, last), chapter, mode, lock, backups)
