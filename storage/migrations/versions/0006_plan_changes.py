"""A change counter and a read copy on each plan, so a request learns in one small query whether
its cached plan is current and no process reads the same plan text twice.

Revision ID: 0006_plan_changes
Revises: 0005_people
Create Date: 2026-12-03

- plans.changes: how many events the plan has had, kept by a trigger on `events`
  (storage/triggers.py); filled here with each plan's count so far;
- plans.parsed / parsed_key: the plan as read (planner.stored) and the key it was read under,
  written by `plan import` and by the first process that reads a plan without one.

Expand only: an older replica still running during a rolling update keeps writing events, and
the trigger counts them too; it never reads the new columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage import triggers

revision = "0006_plan_changes"
down_revision = "0005_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("changes", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("parsed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("parsed_key", sa.String(), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE plans SET changes = (SELECT count(*) FROM events WHERE events.plan_id = plans.id)"))
    for statement in triggers.statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    for statement in triggers.DROP[conn.dialect.name]:
        conn.exec_driver_sql(statement)
    with op.batch_alter_table("plans") as batch:
        for column in ("parsed_key", "parsed", "changes"):
            batch.drop_column(column)
