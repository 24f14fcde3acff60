"""What each person chose for themselves: the language they read.

Revision ID: 0005_people
Revises: 0004_deliveries
Create Date: 2026-12-03

`/lang fr|en` is a person's, across plans; without a row a person reads their Slack locale's
language, else the plan's. A new table: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_people"
down_revision = "0004_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("people")
