"""Engines for a chapter's SQLite file (optionally SQLCipher-encrypted) or a server URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def is_url(target: str) -> bool:
    """True when `target` is a SQLAlchemy URL rather than a file path."""
    return "://" in target


def key_pragma(key: bytes) -> str:
    """The PRAGMA that gives SQLCipher a raw 256-bit key (no passphrase KDF)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def sqlite_engine(path: Path, key: bytes | None = None, *, readonly: bool = False) -> Engine:
    """An engine over one SQLite file: WAL, foreign keys, busy timeout, real transactions.

    SQLCipher's build of SQLite is used for every file, so an encrypted and a plain database
    behave the same; `key` is the raw database key when the file is encrypted.
    """
    uri = f"file:{path.as_posix()}?mode={'ro' if readonly else 'rwc'}"

    def connect() -> Any:
        conn = sqlcipher3.connect(
            uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        if key is not None:
            conn.execute(key_pragma(key))
        return conn

    engine = create_engine(
        "sqlite://",
        creator=connect,
        module=sqlcipher3,
        poolclass=QueuePool,
        pool_size=3,
        max_overflow=2,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def server_engine(url: str) -> Engine:
    """An engine over a database server (headquarters on PostgreSQL)."""
    return create_engine(url, pool_pre_ping=True)
