"""Work the plan as its section 8 says: preparations, hand-overs, authors of a round, reopenings.

Revision ID: 0002_work_as_planned
Revises: 0001_baseline
Create Date: 2026-12-03

Expand only (nullable columns, or a default): a pod of 0.1.0's code still reads and writes this
schema during a rolling update, and its rows simply leave the new columns empty.

The state rows are a cache of the event log, so the new columns of existing stories are filled
by folding each plan's events (`planner.state.fold_events`, the one definition of what events
mean): after the upgrade, stored states still equal the fold, and a backup round-trips.

- story_states.preparer / prepared_since: who prepares a story that can't start yet, since when;
- story_states.authors: who held the story or sent it to review this round (space-separated ids);
- story_states.reopened_at: a lead reopened it and it is not done again yet;
- events.person: who else an event names (the new holder of an assign, the lane owner a start
  took the story from, the preparer a lead overrode).
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    _fill_from_the_log(op.get_bind())


def _fill_from_the_log(conn: sa.Connection) -> None:
    """Fold each plan's story events into the new columns of its state rows (0.1.0 knew only
    start, force_start, review, changes, done and reopen: authors and reopened_at follow)."""
    from planner.state import Action, Event, State, fold_events

    events = sa.table("events", *(sa.column(c) for c in (
        "id", "plan_id", "story_id", "action", "actor", "from_state", "to_state", "evidence", "reviewer",
        "reason")), sa.column("at", sa.DateTime()))
    states = sa.table("story_states", *(sa.column(c) for c in ("plan_id", "story_id", "preparer", "authors")),
                      sa.column("prepared_since", sa.DateTime()), sa.column("reopened_at", sa.DateTime()))
    sqlite = conn.dialect.name == "sqlite"  # stores naive UTC, as storage.tables.UTCDateTime does
    rows = conn.execute(sa.select(events).where(events.c.story_id.is_not(None)).order_by(events.c.id)).all()
    by_plan: dict[int, list] = {}
    for row in rows:
        by_plan.setdefault(row.plan_id, []).append(row)
    for plan_id, plan_rows in by_plan.items():
        folded = fold_events((), (
            Event(r.story_id, Action(r.action), r.actor, State(r.from_state), State(r.to_state), _aware(r.at),
                  evidence=r.evidence, reviewer=r.reviewer, reason=r.reason)
            for r in plan_rows))
        for sid, status in folded.items():
            if not (status.authors or status.reopened_at or status.preparer):
                continue
            conn.execute(states.update().where(states.c.plan_id == plan_id, states.c.story_id == sid).values(
                authors=" ".join(status.authors) or None, reopened_at=_stored(status.reopened_at, sqlite),
                preparer=status.preparer, prepared_since=_stored(status.prepared_since, sqlite)))


def _aware(at: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL an aware time."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _stored(at: datetime | None, sqlite: bool) -> datetime | None:
    return at.replace(tzinfo=None) if at is not None and sqlite else at


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("person")
    with op.batch_alter_table("story_states") as batch:
        for column in ("reopened_at", "authors", "prepared_since", "preparer"):
            batch.drop_column(column)
