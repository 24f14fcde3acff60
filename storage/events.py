"""The event log: story events (what moved, oldest first) and audit entries (team and settings changes,
incidents and checkpoint proofs: `planner.incidents`, `planner.checkpoints` read them back).

Both live in one append-only table so a plan's version (newest id, count) moves on either. A story
event names a story; an audit entry does not (story_id NULL). request_id is UNIQUE across both, so
a retried Slack delivery is answered with the entry the first delivery wrote.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Row, bindparam, insert
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from planner.state import Action, Event, State
from storage.plans import plan_id
from storage.tables import EVENTS, EventRow


@dataclass(frozen=True)
class AuditEntry:
    """A team or settings change (lead added, lane bound, mode changed...), kept in the event log."""

    id: int
    actor: str
    action: str
    reason: str | None
    at: datetime
    request_id: str | None = None


# -- story events ---------------------------------------------------------------------------


def story_events(session: Session, slug: str, story_id: str | None = None) -> list[Event]:
    """Story events of the plan (of one story if given), in log order: the order they were applied."""
    query = _story_events(session, slug)
    if story_id is not None:
        query = query.where(EventRow.story_id == story_id)
    return [to_event(row) for row in session.exec(query)]


def story_events_since(session: Session, slug: str, since: datetime) -> list[Event]:
    query = _story_events(session, slug).where(EventRow.at >= since)
    return [to_event(row) for row in session.exec(query)]


def latest_event(session: Session, plan: int, story_id: str) -> Event | None:
    """The story's newest event: who moved it last (what a loser of a race is told)."""
    row = session.exec(
        select(EventRow)
        .where(EventRow.plan_id == plan, EventRow.story_id == story_id)
        .order_by(col(EventRow.id).desc())
        .limit(1)
    ).first()
    return to_event(row) if row else None


# Every move runs these: built once, on Core (an ORM statement costs more than the work).
_BY_REQUEST = sql_select(EVENTS).where(EVENTS.c.request_id == bindparam("request_id"), EVENTS.c.story_id.is_not(None))
_ADD = insert(EVENTS)


def story_event_by_request(session: Session, request_id: str) -> Row | None:
    """The story event a delivery with `request_id` wrote (its row: plan_id, and `to_event`)."""
    return session.connection().execute(_BY_REQUEST, {"request_id": request_id}).first()


def add_story_event(session: Session, plan: int, event: Event) -> Event:
    """Append `event` (its id is ignored) and return it with the id the database gave it."""
    added = session.connection().execute(_ADD, {
        "plan_id": plan,
        "story_id": event.story_id,
        "action": event.action.value,
        "actor": event.actor,
        "from_state": event.from_state.value,
        "to_state": event.to_state.value,
        "evidence": event.evidence,
        "reviewer": event.reviewer,
        "reason": event.reason,
        "request_id": event.request_id,
        "at": event.at,
        "person": event.person,
    })
    key = added.inserted_primary_key
    if key is None:
        raise RuntimeError("the database gave the event no id")
    return replace(event, id=int(key[0]))


def to_event(row: EventRow | Row) -> Event:
    if row.story_id is None or row.from_state is None or row.to_state is None:
        raise ValueError(f"event {row.id} is an audit entry, not a story event")
    return Event(
        story_id=row.story_id,
        action=Action(row.action),
        actor=row.actor,
        from_state=State(row.from_state),
        to_state=State(row.to_state),
        at=row.at,
        evidence=row.evidence,
        reviewer=row.reviewer,
        reason=row.reason,
        request_id=row.request_id,
        id=row.id,
        person=row.person,
    )


def _story_events(session: Session, slug: str) -> SelectOfScalar[EventRow]:
    return (
        select(EventRow)
        .where(EventRow.plan_id == plan_id(session, slug), col(EventRow.story_id).is_not(None))
        .order_by(col(EventRow.id))
    )


# -- audit entries --------------------------------------------------------------------------


def add_audit(
    session: Session,
    slug: str,
    actor: str,
    action: str,
    reason: str | None,
    at: datetime,
    request_id: str | None,
) -> AuditEntry:
    """Append an audit entry, or return the one already logged under `request_id`."""
    plan = plan_id(session, slug)
    if request_id and (stored := audit_by_request(session, request_id)):
        return stored
    row = EventRow(plan_id=plan, action=action, actor=actor, reason=reason, request_id=request_id, at=at)
    session.add(row)
    session.flush()
    return _audit(row)


LOG_LOCK = 4242002  # PostgreSQL advisory lock class of a plan's numbered log entries (the key: the plan's id)


def lock_log(session: Session, slug: str) -> None:
    """Hold the plan's log lock until the transaction ends, so that entries numbered from what the
    log holds (INC-n) are numbered by one writer at a time. PostgreSQL: a transaction-level
    advisory lock on (LOG_LOCK, plan id); SQLite: a write transaction (`BEGIN IMMEDIATE`) already
    holds the database's write lock from its first statement, which this one is."""
    plan = plan_id(session, slug)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOG_LOCK}, {int(plan)})")


def audit_entries(session: Session, slug: str, actions: Collection[str] | None = None) -> list[AuditEntry]:
    """The plan's audit entries, oldest first; `actions`: only those (filtered by the database,
    so a long log of other entries costs a scan, not an object each)."""
    query = select(EventRow).where(EventRow.plan_id == plan_id(session, slug), col(EventRow.story_id).is_(None))
    if actions is not None:
        query = query.where(col(EventRow.action).in_(sorted(actions)))
    return [_audit(row) for row in session.exec(query.order_by(col(EventRow.id)))]


def audit_by_request(session: Session, request_id: str) -> AuditEntry | None:
    row = session.exec(
        select(EventRow).where(EventRow.request_id == request_id, col(EventRow.story_id).is_(None))
    ).first()
    return _audit(row) if row else None


def _audit(row: EventRow) -> AuditEntry:
    if row.id is None:
        raise ValueError("audit entry not flushed yet: it has no id")
    return AuditEntry(row.id, row.actor, row.action, row.reason, row.at, row.request_id)
