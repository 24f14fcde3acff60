"""The one persistence API of deliverybot: plans, story states, the event log, team and settings.

Callers get planner dataclasses or the frozen records below, never ORM rows or sessions, so a
session can't leak out of its transaction and the bot never depends on the schema.

`transition` is the only way a story moves. It reads, decides with `planner.state.apply_event`
and writes with a compare-and-set on (state, version) in one transaction, so two people racing
for the same story get one winner and the loser learns who won. State rows always equal the fold
of the event log because both are written in that same transaction.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from planner.model import story_sort_key
from planner.state import Action, Event, State, StoryStatus, apply_event
from storage import backup
from storage.db import READ_ONLY_OPTION, make_engine
from storage.digest_runs import DigestRunsMixin
from storage.tables import EventRow, LaneBindingRow, LeadRow, PlanRow, SettingRow, StoryStateRow


@dataclass(frozen=True)
class PlanRecord:
    slug: str
    title: str
    channel: str | None
    source: str  # the Markdown the plan was imported from; the planner re-reads it
    source_sha: str  # sha256 of source, to tell a changed re-import from a repeated one
    imported_at: datetime


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


@dataclass(frozen=True)
class AuditEntry:
    """A team or settings change (lead added, lane bound, mode changed...), kept in the event log."""

    id: int
    actor: str
    action: str
    reason: str | None
    at: datetime
    request_id: str | None = None


@dataclass(frozen=True)
class LeadRecord:
    name: str
    added_by: str
    added_at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{what} is a naive datetime: pass an aware UTC datetime")
    return value.astimezone(UTC)


def _story_order(story_id: str) -> tuple:
    return (story_sort_key(story_id), story_id)


class Store(DigestRunsMixin):
    """Persistence for every plan in one database (SQLite file or PostgreSQL).

    Build it with a URL (the store then owns and disposes its engine) or with an engine from
    `storage.db.make_engine`; tables are created on construction unless create=False.
    Plan-scoped methods raise KeyError for an unknown slug: the service checks slugs first,
    so reaching the store with one is a programming error.
    """

    def __init__(
        self,
        url_or_engine: str | URL | Engine,
        *,
        create: bool = True,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._owns_engine = not isinstance(url_or_engine, Engine)
        self.engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
        self._read_engine = self.engine.execution_options(**{READ_ONLY_OPTION: True})
        self._clock = clock
        self._local = threading.local()  # the session of an atomic() block, per thread
        self._dialect = self.engine.dialect.name
        if create:
            self.create_all()

    def create_all(self) -> None:
        """Create missing tables. Safe when several processes start on the same fresh database."""
        with self.engine.begin() as conn:
            if self._dialect == "postgresql":
                # CREATE TABLE is not safe to race on PostgreSQL; SQLite's BEGIN IMMEDIATE already
                # serialises this transaction.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
            SQLModel.metadata.create_all(conn)

    def close(self) -> None:
        """Release the connections of an engine the store made itself (a given engine is the caller's)."""
        if self._owns_engine:
            self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Group several writes of this thread in one transaction: all of them or none (a team
        change and its audit event, say). Nested use joins the outer transaction."""
        if getattr(self._local, "session", None) is not None:
            yield
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    @contextmanager
    def _write(self) -> Iterator[Session]:
        current = getattr(self._local, "session", None)
        if current is not None:  # inside atomic(): join its transaction
            yield current
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self, snapshot: bool = False) -> Iterator[Session]:
        current = getattr(self._local, "session", None)
        if current is not None:  # inside atomic(): read what this transaction wrote
            yield current
            return
        engine = self._read_engine
        if snapshot and self._dialect == "postgresql":
            # READ COMMITTED would let a backup mix states from before and events from after a write.
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _insert(self, model):
        return (postgresql if self._dialect == "postgresql" else sqlite).insert(model)

    # -- plans --------------------------------------------------------------------------------

    def save_plan(
        self, slug: str, title: str, source: str, story_ids: Iterable[str], channel: str | None = None
    ) -> PlanRecord:
        """Import or re-import a plan.

        A re-import replaces title and source, keeps every story's state and history, adds `todo`
        rows for new stories and keeps the rows of stories the new text dropped (their events
        still refer to them). channel=None keeps the current channel; a channel given here is
        taken from any other plan that had it.
        """
        plans = PlanRow.__table__
        sha = hashlib.sha256(source.encode("utf-8")).hexdigest()
        with self._write() as session:
            if channel is not None:
                self._release_channel(session, channel, keep=slug)
            stmt = self._insert(plans).values(
                slug=slug,
                title=title,
                channel=channel,
                source=source,
                source_sha=sha,
                imported_at=self._clock(),
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["slug"],
                set_={
                    "title": stmt.excluded.title,
                    "source": stmt.excluded.source,
                    "source_sha": stmt.excluded.source_sha,
                    "imported_at": stmt.excluded.imported_at,
                    "channel": func.coalesce(stmt.excluded.channel, plans.c.channel),
                },
            ).returning(plans.c.id)
            plan_id = session.exec(stmt).scalar_one()
            new_rows = [
                dict(plan_id=plan_id, story_id=sid, state=State.TODO.value, assignee=None, reviewer=None)
                | dict(evidence=None, forced=False, since=None, version=0)
                for sid in dict.fromkeys(story_ids)
            ]
            for start in range(0, len(new_rows), 500):
                chunk = new_rows[start : start + 500]
                session.exec(self._insert(StoryStateRow.__table__).values(chunk).on_conflict_do_nothing())
            return self._plan_record(self._plan_row(session, slug))

    def get_plan(self, slug: str) -> PlanRecord | None:
        with self._read() as session:
            row = session.exec(select(PlanRow).where(PlanRow.slug == slug)).first()
            return self._plan_record(row) if row else None

    def list_plans(self) -> list[PlanRecord]:
        with self._read() as session:
            return [self._plan_record(row) for row in session.exec(select(PlanRow).order_by(PlanRow.slug))]

    def plan_for_channel(self, channel: str) -> PlanRecord | None:
        with self._read() as session:
            row = session.exec(select(PlanRow).where(PlanRow.channel == channel)).first()
            return self._plan_record(row) if row else None

    def set_plan_channel(self, slug: str, channel: str | None) -> PlanRecord:
        """Bind the plan to a channel (taking it from any other plan), or unbind it with None."""
        with self._write() as session:
            row = self._plan_row(session, slug)
            if channel is not None:
                self._release_channel(session, channel, keep=slug)
            row.channel = channel
            session.add(row)
            session.flush()
            return self._plan_record(row)

    @staticmethod
    def _release_channel(session: Session, channel: str, keep: str) -> None:
        session.exec(
            update(PlanRow.__table__)
            .where(PlanRow.__table__.c.channel == channel, PlanRow.__table__.c.slug != keep)
            .values(channel=None)
        )
        session.flush()

    @staticmethod
    def _plan_row(session: Session, slug: str) -> PlanRow:
        row = session.exec(select(PlanRow).where(PlanRow.slug == slug)).first()
        if row is None:
            raise KeyError(f"unknown plan {slug!r}")
        return row

    def _plan_id(self, session: Session, slug: str) -> int:
        plan_id = session.exec(select(PlanRow.id).where(PlanRow.slug == slug)).first()
        if plan_id is None:
            raise KeyError(f"unknown plan {slug!r}")
        return plan_id

    @staticmethod
    def _plan_record(row: PlanRow) -> PlanRecord:
        return PlanRecord(row.slug, row.title, row.channel, row.source, row.source_sha, row.imported_at)

    # -- story states -------------------------------------------------------------------------

    def plan_version(self, slug: str) -> tuple[str, str | None, int, int]:
        """(source sha, channel, newest event id, number of events): changes whenever the plan
        text, its channel, a story or a team setting changes (team changes always write an audit
        event). The count matters on PostgreSQL, where ids are taken at insert: an event may
        commit after a higher-numbered one, leaving the newest id as it was. One small query, so
        callers may cache what they derive from a plan on it."""
        with self._read() as session:
            row = session.exec(
                select(PlanRow.source_sha, PlanRow.channel, func.max(EventRow.id), func.count(EventRow.id))
                .select_from(PlanRow)
                .join(EventRow, EventRow.plan_id == PlanRow.id, isouter=True)
                .where(PlanRow.slug == slug)
                .group_by(PlanRow.id, PlanRow.source_sha, PlanRow.channel)
            ).first()
        if row is None:
            raise KeyError(f"no plan {slug!r}")
        return row[0], row[1], row[2] or 0, row[3]

    def statuses(self, slug: str) -> dict[str, StoryStatus]:
        """Every story row of the plan, in story order (including stories a re-import dropped)."""
        with self._read() as session:
            plan_id = self._plan_id(session, slug)
            rows = session.exec(select(StoryStateRow).where(StoryStateRow.plan_id == plan_id)).all()
            statuses = [self._status(row) for row in rows]
        return {s.story_id: s for s in sorted(statuses, key=lambda s: _story_order(s.story_id))}

    def status(self, slug: str, story_id: str) -> StoryStatus:
        """Raises KeyError when the plan has no such story."""
        with self._read() as session:
            return self._current_status(session, self._plan_id(session, slug), story_id)

    def _current_status(self, session: Session, plan_id: int, story_id: str) -> StoryStatus:
        row = session.exec(
            select(StoryStateRow)
            .where(StoryStateRow.plan_id == plan_id, StoryStateRow.story_id == story_id)
            .execution_options(populate_existing=True)
        ).first()
        if row is None:
            raise KeyError(f"unknown story {story_id!r}")
        return self._status(row)

    @staticmethod
    def _status(row: StoryStateRow) -> StoryStatus:
        return StoryStatus(
            story_id=row.story_id,
            state=State(row.state),
            assignee=row.assignee,
            reviewer=row.reviewer,
            evidence=row.evidence,
            forced=row.forced,
            since=row.since,
            version=row.version,
        )

    # -- the write path -----------------------------------------------------------------------

    def transition(self, slug: str, event: Event) -> TransitionResult:
        """Apply one event to its story, atomically; see TransitionResult for the outcomes.

        Raises KeyError for an unknown plan or story, ValueError for a naive event time.
        """
        event = replace(event, at=_require_aware(event.at, "event.at"), id=None)
        try:
            with self._write() as session:
                return self._transition(session, slug, event)
        except IntegrityError:
            # Another delivery of the same request committed between our check and our insert.
            if event.request_id is None:
                raise
            with self._read() as session:
                stored = self._event_by_request(session, event.request_id)
                if stored is None:
                    raise
                return self._duplicate(session, stored)

    def _transition(self, session: Session, slug: str, event: Event) -> TransitionResult:
        plan_id = self._plan_id(session, slug)
        if event.request_id and (stored := self._event_by_request(session, event.request_id)):
            return self._duplicate(session, stored)
        current = self._current_status(session, plan_id, event.story_id)
        try:
            new = apply_event(current, event)
        except ValueError:
            return self._conflict(session, plan_id, event.story_id)
        story = StoryStateRow.__table__.c
        changed = session.exec(
            update(StoryStateRow.__table__)
            .where(
                story.plan_id == plan_id,
                story.story_id == event.story_id,
                story.state == event.from_state.value,
                story.version == current.version,
            )
            .values(
                state=new.state.value,
                assignee=new.assignee,
                reviewer=new.reviewer,
                evidence=new.evidence,
                forced=new.forced,
                since=new.since,
                version=new.version,
            )
        ).rowcount
        if changed != 1:
            # Someone else moved the story after our read (PostgreSQL lets reads run concurrently);
            # if that someone was an earlier delivery of this very request, say so.
            if event.request_id and (stored := self._event_by_request(session, event.request_id)):
                return self._duplicate(session, stored)
            return self._conflict(session, plan_id, event.story_id)
        row = EventRow(
            plan_id=plan_id,
            story_id=event.story_id,
            action=event.action.value,
            actor=event.actor,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            evidence=event.evidence,
            reviewer=event.reviewer,
            reason=event.reason,
            request_id=event.request_id,
            at=event.at,
        )
        session.add(row)
        session.flush()
        return TransitionResult(ok=True, status=new, event=replace(event, id=row.id))

    def _conflict(self, session: Session, plan_id: int, story_id: str) -> TransitionResult:
        # Read again: on PostgreSQL each statement sees the latest commit, so status and latest
        # event then describe the same moment (whoever won), not what we read before.
        current = self._current_status(session, plan_id, story_id)
        latest = self._latest_event(session, plan_id, story_id)
        return TransitionResult(ok=False, status=current, event=latest, conflict=True)

    def _duplicate(self, session: Session, stored: EventRow) -> TransitionResult:
        status = self._current_status(session, stored.plan_id, stored.story_id)
        return TransitionResult(ok=True, status=status, event=self._event(stored), duplicate=True)

    @staticmethod
    def _event_by_request(session: Session, request_id: str) -> EventRow | None:
        return session.exec(
            select(EventRow).where(EventRow.request_id == request_id, col(EventRow.story_id).is_not(None))
        ).first()

    def _latest_event(self, session: Session, plan_id: int, story_id: str) -> Event | None:
        row = session.exec(
            select(EventRow)
            .where(EventRow.plan_id == plan_id, EventRow.story_id == story_id)
            .order_by(col(EventRow.id).desc())
            .limit(1)
        ).first()
        return self._event(row) if row else None

    # -- the event log ------------------------------------------------------------------------

    def events(self, slug: str, story_id: str | None = None) -> list[Event]:
        """Story events, oldest first (log order, which is the order they were applied in)."""
        with self._read() as session:
            query = self._story_events(session, slug)
            if story_id is not None:
                query = query.where(EventRow.story_id == story_id)
            return [self._event(row) for row in session.exec(query)]

    def events_since(self, slug: str, since: datetime) -> list[Event]:
        """Story events at or after `since` (an aware datetime), oldest first."""
        since = _require_aware(since, "since")
        with self._read() as session:
            query = self._story_events(session, slug).where(EventRow.at >= since)
            return [self._event(row) for row in session.exec(query)]

    def latest_event(self, slug: str, story_id: str) -> Event | None:
        with self._read() as session:
            return self._latest_event(session, self._plan_id(session, slug), story_id)

    def _story_events(self, session: Session, slug: str):
        return (
            select(EventRow)
            .where(EventRow.plan_id == self._plan_id(session, slug), col(EventRow.story_id).is_not(None))
            .order_by(EventRow.id)
        )

    @staticmethod
    def _event(row: EventRow) -> Event:
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
        )

    def record_audit(
        self,
        slug: str,
        actor: str,
        action: str,
        reason: str | None = None,
        *,
        at: datetime | None = None,
        request_id: str | None = None,
    ) -> AuditEntry:
        """Log a team or settings change. A request_id already logged returns the first entry."""
        at = self._clock() if at is None else _require_aware(at, "at")
        try:
            with self._write() as session:
                plan_id = self._plan_id(session, slug)
                if request_id and (stored := self._audit_by_request(session, request_id)):
                    return stored
                row = EventRow(
                    plan_id=plan_id, action=action, actor=actor, reason=reason, request_id=request_id, at=at
                )
                session.add(row)
                session.flush()
                return self._audit(row)
        except IntegrityError:
            if request_id is None:
                raise
            with self._read() as session:
                stored = self._audit_by_request(session, request_id)
                if stored is None:
                    raise
                return stored

    def audit(self, slug: str) -> list[AuditEntry]:
        """Team and settings changes of the plan, oldest first."""
        with self._read() as session:
            rows = session.exec(
                select(EventRow)
                .where(EventRow.plan_id == self._plan_id(session, slug), col(EventRow.story_id).is_(None))
                .order_by(EventRow.id)
            )
            return [self._audit(row) for row in rows]

    def _audit_by_request(self, session: Session, request_id: str) -> AuditEntry | None:
        row = session.exec(
            select(EventRow).where(EventRow.request_id == request_id, col(EventRow.story_id).is_(None))
        ).first()
        return self._audit(row) if row else None

    @staticmethod
    def _audit(row: EventRow) -> AuditEntry:
        return AuditEntry(row.id, row.actor, row.action, row.reason, row.at, row.request_id)

    # -- leads (workspace-wide) ---------------------------------------------------------------

    def add_lead(self, name: str, added_by: str) -> bool:
        """Make `name` a lead. Returns False (and keeps who added them first) if already one."""
        with self._write() as session:
            stmt = self._insert(LeadRow.__table__).values(
                name=name, added_by=added_by, added_at=self._clock()
            )
            # RETURNING, not rowcount: drivers need not report rowcount for INSERT ... ON CONFLICT.
            added = stmt.on_conflict_do_nothing().returning(LeadRow.__table__.c.name)
            return session.exec(added).first() is not None

    def remove_lead(self, name: str) -> bool:
        """Returns False when `name` was not a lead."""
        with self._write() as session:
            return (
                session.exec(delete(LeadRow.__table__).where(LeadRow.__table__.c.name == name)).rowcount == 1
            )

    def is_lead(self, name: str) -> bool:
        with self._read() as session:
            return session.get(LeadRow, name) is not None

    def leads(self) -> list[str]:
        """Lead names, sorted: what permission checks and "Leads: ..." lines need."""
        return [lead.name for lead in self.lead_records()]

    def lead_records(self) -> list[LeadRecord]:
        """Leads with who made them lead and when, sorted by name."""
        with self._read() as session:
            rows = session.exec(select(LeadRow).order_by(LeadRow.name))
            return [LeadRecord(row.name, row.added_by, row.added_at) for row in rows]

    # -- lanes --------------------------------------------------------------------------------

    def bind_lane(self, slug: str, lane: str, person: str) -> None:
        """Give lane `lane` of the plan to `person`, replacing whoever had it."""
        with self._write() as session:
            stmt = self._insert(LaneBindingRow.__table__).values(
                plan_id=self._plan_id(session, slug), lane=lane, person=person
            )
            session.exec(
                stmt.on_conflict_do_update(index_elements=["plan_id", "lane"], set_={"person": person})
            )

    def unbind_lane(self, slug: str, lane: str) -> bool:
        """Returns False when the lane was not bound."""
        table = LaneBindingRow.__table__
        with self._write() as session:
            stmt = delete(table).where(table.c.plan_id == self._plan_id(session, slug), table.c.lane == lane)
            return session.exec(stmt).rowcount == 1

    def lane_bindings(self, slug: str) -> dict[str, str]:
        with self._read() as session:
            rows = session.exec(
                select(LaneBindingRow)
                .where(LaneBindingRow.plan_id == self._plan_id(session, slug))
                .order_by(LaneBindingRow.lane)
            )
            return {row.lane: row.person for row in rows}

    # -- settings -----------------------------------------------------------------------------

    def get_setting(self, slug: str, key: str, default: Any = None) -> Any:
        with self._read() as session:
            row = session.get(SettingRow, (self._plan_id(session, slug), key))
            return json.loads(row.value) if row else default

    def set_setting(self, slug: str, key: str, value: Any) -> None:
        """Store any JSON-serialisable value (TypeError otherwise, before anything is written)."""
        encoded = json.dumps(value)
        with self._write() as session:
            stmt = self._insert(SettingRow.__table__).values(
                plan_id=self._plan_id(session, slug), key=key, value=encoded
            )
            session.exec(
                stmt.on_conflict_do_update(index_elements=["plan_id", "key"], set_={"value": encoded})
            )

    def settings(self, slug: str) -> dict[str, Any]:
        with self._read() as session:
            rows = session.exec(
                select(SettingRow)
                .where(SettingRow.plan_id == self._plan_id(session, slug))
                .order_by(SettingRow.key)
            )
            return {row.key: json.loads(row.value) for row in rows}

    # -- backup -------------------------------------------------------------------------------

    def export(self) -> dict:
        """Everything, as JSON-ready data, from one consistent snapshot. `import_` reads it back."""
        with self._read(snapshot=True) as session:
            return backup.dump(session)

    def import_(self, data: dict) -> None:
        """Restore an `export()` into an empty database, keeping ids, times and states exactly.

        Raises ValueError when the database already holds data or the backup is malformed or
        its states disagree with its events.
        """
        try:
            with self._write() as session:
                backup.load(session, data)
        except IntegrityError as exc:
            raise ValueError(f"backup contradicts itself (duplicate id or request id?): {exc.orig}") from exc
