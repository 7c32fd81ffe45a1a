"""The one declarative base and the sync columns every travelling table carries."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names keep Alembic batch migrations on SQLite deterministic.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh row id: a random UUID, never reused."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base of every Tsunagu table."""

    metadata = MetaData(naming_convention=NAMING)


class SyncMixin:
    """Columns of a row that travels between chapter and headquarters.

    `version` is a hybrid-logical-clock stamp whose plain string order is the merge order;
    `local_seq` is the row's place in this database's change feed; `deleted` is a tombstone.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[str] = mapped_column(String(48), nullable=False, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Local only, never sent: the newest version received from another database for this row
    # (applied or lost). A local edit's base, so a merge can tell a concurrent edit from a
    # later one made after seeing the other.
    seen_version: Mapped[str] = mapped_column(String(48), nullable=False, default="")

    @declared_attr
    def chapter_id(cls) -> Mapped[str | None]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(String(36), nullable=True, index=True)

    @declared_attr
    def local_seq(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(Integer, nullable=False, default=0, index=True)


SYNC_COLUMNS = ("id", "chapter_id", "version", "local_seq", "deleted")
