"""Households and groups on the roster: members.household (世帯番号) and members.tags.

Revision ID: 0003_households_tags
Revises: 0002_phone_format

Two columns with empty defaults, so every existing member is in no household and no group;
nothing is stamped (every replica runs the same migration and reaches the same values).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_households_tags"
down_revision = "0002_phone_format"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(
            sa.Column("household", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch.create_index("ix_members_household", ["household"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_household")
        batch.drop_column("tags")
        batch.drop_column("household")
