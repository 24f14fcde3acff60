"""Slack deliveries already handled, shared by every replica.

Revision ID: 0004_deliveries
Revises: 0003_digest_stages
Create Date: 2026-12-03

A delivery that writes (a command, a click, a modal) is recognised by the request id of what it
wrote; one that writes nothing (an Events API event such as App Home opened) is recognised here:
the first replica to insert its id acts, a retry reaching any replica finds the row. Rows are
only a memory of recent deliveries: they are pruned after a day and not carried in backups.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_deliveries"
down_revision = "0003_digest_stages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deliveries_at", "deliveries", ["at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_at", table_name="deliveries")
    op.drop_table("deliveries")
