"""The schema: Alembic's migrations build exactly the models, and every synced table syncs."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db import migrate
from db.base import SYNC_COLUMNS, Base
from db.engine import sqlite_engine
from db.models import SYNCED_MODELS


def test_head_constant_matches_alembic_scripts() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == migrate.HEAD_REVISION
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(
        migrate.KNOWN_REVISIONS
    )


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "m.sqlite")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert migrate.current_revision(conn) == migrate.HEAD_REVISION
    engine.dispose()
    assert diff == []


def test_every_synced_table_has_the_sync_columns(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "s.sqlite")
    migrate.upgrade(engine)
    inspector = inspect(engine)
    for model in SYNCED_MODELS:
        columns = {c["name"] for c in inspector.get_columns(model.__tablename__)}  # type: ignore[attr-defined]
        assert set(SYNC_COLUMNS) <= columns, model
        indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes(model.__tablename__)}  # type: ignore[attr-defined]
        assert ("local_seq",) in indexed
    engine.dispose()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "p.sqlite")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()
