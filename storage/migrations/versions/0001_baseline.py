"""The schema of deliverybot 0.1.0, as its `SQLModel.metadata.create_all` made it.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01

Tables, columns, types, constraints and indexes in the order 0.1.0 created them, so an empty
database built from here and one built by 0.1.0 are the same (checked against
tests/data/schema-0.1.0.*.sql). Frozen: a change to storage/tables.py is a new revision. Plain
SQLAlchemy types only: storage.tables.UTCDateTime is `DateTime(timezone=True)` in the database,
sqlmodel's AutoString a VARCHAR without length. A database of 0.1.0 is stamped here, not built.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_sha", sa.String(), nullable=False),
        _utc("imported_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
        sa.UniqueConstraint("channel"),
    )
    op.create_table(
        "leads",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        _utc("added_at"),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "story_states",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("reviewer", sa.String(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        _utc("since", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "story_id"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
    )
    op.create_table(
        "lane_bindings",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("lane", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "lane"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
    )
    op.create_table(
        "settings",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "key"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=False),
        _utc("claimed_at"),
        _utc("finished_at", nullable=True),
        sa.Column("message_ts", sa.String(), nullable=True),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "local_date", name="uq_digest_plan_date"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(), nullable=True),
        _utc("at"),
        sa.PrimaryKeyConstraint("id"),
        # A story event names a story of its plan (MATCH SIMPLE: audit rows, story_id NULL, pass).
        sa.ForeignKeyConstraint(["plan_id", "story_id"], ["story_states.plan_id", "story_states.story_id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index("ix_events_plan_story", "events", ["plan_id", "story_id", "id"])
    op.create_index("ix_events_plan_at", "events", ["plan_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_events_plan_at", table_name="events")
    op.drop_index("ix_events_plan_story", table_name="events")
    for table in ("events", "digest_runs", "settings", "lane_bindings", "story_states", "leads", "plans"):
        op.drop_table(table)
