"""Work the plan as its section 8 says: preparations, hand-overs, authors of a round, reopenings.

Revision ID: 0002_work_as_planned
Revises: 0001_baseline
Create Date: 2026-12-03

Expand only (nullable columns, or a default): a pod of 0.1.0's code still reads and writes this
schema during a rolling update, and its rows simply leave the new columns empty.

- story_states.preparer / prepared_since: who prepares a story that can't start yet, since when;
- story_states.authors: who held the story or sent it to review this round (space-separated ids);
- story_states.reopened_at: a lead reopened it and it is not done again yet;
- events.person: who else an event names (the new holder of an assign, the lane owner a start
  took the story from, the preparer a lead overrode).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_work_as_planned"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("story_states") as batch:
        batch.add_column(sa.Column("preparer", sa.String(), nullable=True))
        batch.add_column(sa.Column("prepared_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("authors", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("person", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("person")
    with op.batch_alter_table("story_states") as batch:
        for column in ("reopened_at", "authors", "prepared_since", "preparer"):
            batch.drop_column(column)
