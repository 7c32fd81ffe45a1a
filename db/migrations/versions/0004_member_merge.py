"""Members merged into another keep a pointer to the kept one (members.merged_into).

Revision ID: 0004_member_merge
Revises: 0003_households_tags

A merged member is a tombstone (deleted) that names the kept member, so the merge travels
through sync like any other row and a replica still holding the old id can follow it.
Existing rows get NULL: nothing was merged before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_member_merge"
down_revision = "0003_households_tags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("merged_into")
