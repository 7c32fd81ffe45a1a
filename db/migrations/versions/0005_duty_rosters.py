"""Duty rosters (当番表): the jobs at an event's dates, and who is on duty in each.

Revision ID: 0005_duty_rosters
Revises: 0004_member_merge

Two new synced tables, empty on every existing database: nothing is stamped, so every
replica that runs this revision reaches the same state.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_duty_rosters"
down_revision = "0004_member_merge"
branch_labels = None
depends_on = None


def _sync_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=48), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seen_version", sa.String(length=48), nullable=False),
        sa.Column("chapter_id", sa.String(length=36), nullable=True),
        sa.Column("local_seq", sa.Integer(), nullable=False),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        initially="DEFERRED",
        deferrable=True,
    )


def upgrade() -> None:
    op.create_table(
        "duty_roles",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("needed", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_sync_columns(),
        _fk("duty_roles", "event_id", "events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_roles")),
    )
    with op.batch_alter_table("duty_roles") as batch:
        for column in ("chapter_id", "event_id", "local_seq"):
            batch.create_index(batch.f(f"ix_duty_roles_{column}"), [column], unique=False)
    op.create_table(
        "duty_assignments",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("occurrence_id", sa.String(length=36), nullable=True),
        sa.Column("role_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_sync_columns(),
        _fk("duty_assignments", "event_id", "events"),
        _fk("duty_assignments", "occurrence_id", "event_occurrences"),
        _fk("duty_assignments", "role_id", "duty_roles"),
        _fk("duty_assignments", "member_id", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_assignments")),
    )
    with op.batch_alter_table("duty_assignments") as batch:
        for column in (
            "chapter_id",
            "event_id",
            "local_seq",
            "member_id",
            "occurrence_id",
            "role_id",
        ):
            batch.create_index(batch.f(f"ix_duty_assignments_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("duty_assignments")
    op.drop_table("duty_roles")
