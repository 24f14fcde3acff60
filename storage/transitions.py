"""Story states and the one write path that moves them.

A transition reads the status, decides with `planner.state.apply_event` and writes with a
compare-and-set on (state, version), all in the caller's transaction, so two people racing for
the same story get one winner and the loser learns who won. The state row and its event are
written together, so states always equal the fold of the event log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, bindparam, func, update
from sqlalchemy import select as sql_select
from sqlmodel import Session

from planner.model import story_sort_key
from planner.state import Event, State, StoryStatus, apply_event
from storage import events
from storage.plans import plan_id
from storage.tables import EVENTS, PLANS, STORY_STATES, StoryStateRow


@dataclass(frozen=True)
class TransitionResult:
    """What `Store.transition` did.

    ok: the event is in the log (for a duplicate: it already was, from the first delivery).
    status: the story's status now. event: the stored event (with id) when ok; on a conflict,
    the story's latest event (who got there first), None if it was never touched.
    conflict: the story was not in event.from_state (any more); nothing was written.
    duplicate: event.request_id was already stored; nothing was written, don't notify again.
    """

    ok: bool
    status: StoryStatus
    event: Event | None
    conflict: bool = False
    duplicate: bool = False
    # The plan's change counter right after this event (storage/triggers.py), when it was written:
    # the one before it + 1 means nothing else changed the plan in between (a cache may apply it).
    changes: int | None = None


# -- reading states -------------------------------------------------------------------------


def statuses(session: Session, slug: str, *, moved_only: bool = False) -> dict[str, StoryStatus]:
    """Every story row of the plan, in story order (including stories a re-import dropped);
    `moved_only`: those a transition wrote (version > 0: every transition adds one)."""
    # Core rows, not ORM objects: a 10,000-story plan's states load in a fifth of the time.
    query = sql_select(STORY_STATES).where(STORY_STATES.c.plan_id == plan_id(session, slug))
    if moved_only:
        query = query.where(STORY_STATES.c.version > 0)
    found = [_status(row) for row in session.connection().execute(query)]
    return {s.story_id: s for s in sorted(found, key=lambda s: (story_sort_key(s.story_id), s.story_id))}


@dataclass(frozen=True)
class PlanStates:
    """A plan's moved stories as of one snapshot, with where its log stood then: the change
    counter (storage/triggers.py) and the newest event's id, from which a cache catches up."""

    statuses: dict[str, StoryStatus]
    changes: int
    last_event: int  # 0: no event yet


@dataclass(frozen=True)
class PlanChanges:
    """What happened to a plan after one of its events, as of one snapshot (`changes_after`).

    events: how many events it had since; statuses: the current rows of the stories they moved,
    or None when one of them was not a move (an audit entry: team, settings, incident, proof),
    which only a whole reload reflects, or when they are more than CATCH_UP_LIMIT."""

    changes: int
    last_event: int
    events: int
    statuses: dict[str, StoryStatus] | None


# Past this many events a catch-up reads no rows (one IN list per story would grow with them): a
# process that far behind reads the plan's moved stories whole, which costs about the same.
CATCH_UP_LIMIT = 1000


def plan_states(session: Session, slug: str) -> PlanStates:
    """The plan's moved stories, its change counter and its newest event id, read together (the
    caller gives a snapshot): what a cached context starts from."""
    plan = plan_id(session, slug)
    row = session.connection().execute(
        sql_select(PLANS.c.changes, sql_select(func.max(EVENTS.c.id)).where(EVENTS.c.plan_id == plan).scalar_subquery())
        .where(PLANS.c.id == plan)).one()
    return PlanStates(statuses(session, slug, moved_only=True), int(row[0]), int(row[1] or 0))


def changes_after(session: Session, slug: str, after: int) -> PlanChanges:
    """The plan's events after event `after` and the stories they moved (the caller gives a
    snapshot). A few rows when a cache is a few moves behind, instead of every moved story."""
    plan = plan_id(session, slug)
    conn = session.connection()
    changes: int = conn.execute(sql_select(PLANS.c.changes).where(PLANS.c.id == plan)).scalar_one()
    rows = conn.execute(sql_select(EVENTS.c.id, EVENTS.c.story_id)
                        .where(EVENTS.c.plan_id == plan, EVENTS.c.id > after).order_by(EVENTS.c.id)).all()
    last = rows[-1].id if rows else after
    if len(rows) > CATCH_UP_LIMIT or any(row.story_id is None for row in rows):
        return PlanChanges(changes, last, len(rows), None)
    moved = {row.story_id for row in rows}
    found: Iterable[Row] = conn.execute(sql_select(STORY_STATES)
                         .where(STORY_STATES.c.plan_id == plan, STORY_STATES.c.story_id.in_(moved))) if moved else []
    return PlanChanges(changes, last, len(rows), {row.story_id: _status(row) for row in found})


# What every move runs, built once on Core: an ORM statement costs several times the work.
_PLAN_ID = sql_select(PLANS.c.id).where(PLANS.c.slug == bindparam("slug"))
_PLAN_ROW_LOCK = sql_select(PLANS.c.id).where(PLANS.c.id == bindparam("plan")).with_for_update()
_CHANGES = sql_select(PLANS.c.changes).where(PLANS.c.id == bindparam("plan"))
_STATE = sql_select(STORY_STATES).where(STORY_STATES.c.plan_id == bindparam("plan"),
                                        STORY_STATES.c.story_id == bindparam("story"))
_MOVE = (update(STORY_STATES)
         .where(STORY_STATES.c.plan_id == bindparam("plan"), STORY_STATES.c.story_id == bindparam("story"),
                STORY_STATES.c.state == bindparam("from_state"), STORY_STATES.c.version == bindparam("from_version")))


def current_status(session: Session, plan: int, story_id: str) -> StoryStatus:
    """The story's status as committed now (a Core read: never a copy cached in the session);
    KeyError if none."""
    row = session.connection().execute(_STATE, {"plan": plan, "story": story_id}).first()
    if row is None:
        raise KeyError(f"unknown story {story_id!r}")
    return _status(row)


def _status(row: StoryStateRow | Row) -> StoryStatus:
    return StoryStatus(
        story_id=row.story_id,
        state=State(row.state),
        assignee=row.assignee,
        reviewer=row.reviewer,
        evidence=row.evidence,
        forced=row.forced,
        since=row.since,
        version=row.version,
        preparer=row.preparer,
        prepared_since=row.prepared_since,
        authors=tuple((row.authors or "").split()),
        reopened_at=row.reopened_at,
    )


def status_columns(status: StoryStatus) -> dict:
    """A status as the columns of its row (what a transition writes and a backup restores)."""
    return {
        "state": status.state.value, "assignee": status.assignee, "reviewer": status.reviewer,
        "evidence": status.evidence, "forced": status.forced, "since": status.since, "version": status.version,
        "preparer": status.preparer, "prepared_since": status.prepared_since,
        "authors": " ".join(status.authors) or None, "reopened_at": status.reopened_at,
    }


# -- the write path -------------------------------------------------------------------------


def apply(session: Session, slug: str, event: Event) -> TransitionResult:
    """Apply one event (aware time, no id) to its story in the session's transaction."""
    conn = session.connection()
    plan = conn.execute(_PLAN_ID, {"slug": slug}).scalar()
    if plan is None:
        raise KeyError(f"unknown plan {slug!r}")
    if event.request_id and (replayed := replay(session, event.request_id)):
        return replayed
    if conn.dialect.name == "postgresql":
        # The plan row first, as every other writer of the plan takes it (a re-import's upsert,
        # the change counter's trigger): one lock order, so a move and a re-import never deadlock.
        conn.execute(_PLAN_ROW_LOCK, {"plan": plan})
    current = current_status(session, plan, event.story_id)
    try:
        new = apply_event(current, event)
    except ValueError:
        return _conflict(session, plan, event.story_id)
    changed = conn.execute(_MOVE.values(**status_columns(new)), {
        "plan": plan, "story": event.story_id, "from_state": event.from_state.value, "from_version": current.version,
    }).rowcount
    if changed != 1:
        # Someone else moved the story after our read (PostgreSQL lets reads run concurrently);
        # if that someone was an earlier delivery of this very request, say so.
        if event.request_id and (replayed := replay(session, event.request_id)):
            return replayed
        return _conflict(session, plan, event.story_id)
    stored = events.add_story_event(session, plan, event)
    changes: int = conn.execute(_CHANGES, {"plan": plan}).scalar_one()  # ours: we hold the row
    return TransitionResult(ok=True, status=new, event=stored, changes=changes)


def replay(session: Session, request_id: str) -> TransitionResult | None:
    """The answer to a retried delivery: the first delivery's event, marked duplicate (None if new)."""
    stored = events.story_event_by_request(session, request_id)
    if stored is None:
        return None
    event = events.to_event(stored)
    status = current_status(session, stored.plan_id, event.story_id)
    return TransitionResult(ok=True, status=status, event=event, duplicate=True)


def _conflict(session: Session, plan: int, story_id: str) -> TransitionResult:
    # Read again: on PostgreSQL each statement sees the latest commit, so status and latest
    # event then describe the same moment (whoever won), not what we read before.
    current = current_status(session, plan, story_id)
    latest = events.latest_event(session, plan, story_id)
    return TransitionResult(ok=False, status=current, event=latest, conflict=True)
