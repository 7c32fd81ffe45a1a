"""Alembic environment: runs on the connection Tsunagu hands it, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Tsunagu migrations run through db.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
