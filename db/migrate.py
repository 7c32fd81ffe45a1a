"""Schema revisions: what this build knows, what a file holds, and the upgrade (Alembic)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The newest revision this build knows, newest last. A test checks it against Alembic's
# scripts so that start-up can compare revisions without importing Alembic.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_phone_format",
    "0003_households_tags",
    "0004_member_merge",
    "0005_duty_rosters",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]


def current_revision(conn: Connection) -> str | None:
    """The revision a database is at, or None for a database without Tsunagu's tables."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def table_names(conn: Connection) -> set[str]:
    """Every table in the database's default schema."""
    return set(inspect(conn).get_table_names())


def is_known(revision: str) -> bool:
    """True when this build knows `revision` (so it is not from a newer Tsunagu)."""
    return revision in KNOWN_REVISIONS


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database to `target`; Alembic is imported only here, when needed."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        # Batch migrations copy tables; foreign keys must not fire while they do.
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
