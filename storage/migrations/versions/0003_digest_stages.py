"""The digest at least once and never twice: how far each claimed digest got, and a lease.

Revision ID: 0003_digest_stages
Revises: 0002_work_as_planned
Create Date: 2026-12-03

Expand only (nullable columns): a pod of the previous release still reads and writes this table
during a rolling update, and its claims simply leave the new columns empty. A claim with no
stage (made before this revision) is never resumed: it keeps the old meaning, reported as stuck.

- digest_runs.stage: claimed | main | thread | picture, the last step confirmed posted;
- digest_runs.channel: the channel its main message goes to (and is looked for in);
- digest_runs.lease_until: until when `claimed_by` works on it; later, another process may
  take the claim over and resume from `stage`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_digest_stages"
down_revision = "0002_work_as_planned"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.add_column(sa.Column("stage", sa.String(), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        for column in ("lease_until", "channel", "stage"):
            batch.drop_column(column)
