"""The one persistence API of deliverybot: plans, story states, the event log, team and settings.

`Store` owns the engine and the transactions; the topic modules (`plans`, `transitions`,
`events`, `team`, `plan_settings`, `digest_runs`, `backup`) hold the queries, as functions of a
Session, so each can be read and tested on its own while callers keep one object to talk to.
Callers get planner dataclasses or frozen records, never ORM rows or sessions, so a session can't
leak out of its transaction and the bot never depends on the schema.

`transition` is the only way a story moves (see `storage.transitions`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Unpack

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from planner.model import Plan
from planner.state import Event, StoryStatus
from planner.stored import from_stored, reader_key, to_stored
from storage import (
    backup,
    deliveries,
    digest_runs,
    events,
    people,
    plan_settings,
    plans,
    schema,
    team,
    transitions,
)
from storage.db import READ_ONLY_OPTION, make_engine
from storage.digest_runs import DigestRun
from storage.errors import DatabaseUnavailable, classify_server, classify_sqlite, sqlite_fault
from storage.events import AuditEntry
from storage.plan_settings import PlanSettings, PlanSettingsChanges
from storage.plans import PlanHead, PlanRecord
from storage.sql import require_aware
from storage.team import LeadRecord
from storage.transitions import TransitionResult

# Records callers may import from here, as they always could.
__all__ = ["AuditEntry", "DigestRun", "LeadRecord", "PlanHead", "PlanRecord", "PlanSettings", "Store", "TransitionResult"]

def _utc_now() -> datetime:
    return datetime.now(UTC)


# SQLite: a write that found the file locked beyond the busy timeout (storage.db) begins again,
# until this many seconds have passed since it first tried; then it is refused in words.
WRITE_RETRY_S = 45.0


def _where(url: str | URL | Engine) -> tuple[str | None, str]:
    """(the SQLite file's path, or None on PostgreSQL; the database as a sentence names it: the
    path, or the URL without its password)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = url.url if isinstance(url, Engine) else make_url(url) if isinstance(url, str) else url
    except Exception:
        return None, "(DATABASE_URL)"
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or "", parsed.database or "(in memory)"
    return None, parsed.render_as_string(hide_password=True)


def _is_locked(err: BaseException) -> bool:
    orig = getattr(err, "orig", err)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


class Store:
    """Persistence for every plan in one database (SQLite file or PostgreSQL).

    Build it with a URL (the store then owns and disposes its engine) or with an engine from
    `storage.db.make_engine`. Unless create=False, construction brings the database to this
    release's schema (`storage.schema.ensure`: created when empty, migrated when older, nothing
    when current) and raises `storage.schema.SchemaError` for a database that is not ours.
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
        self._path, self.where = _where(url_or_engine)
        # The last fault a write met (storage.errors), None once a write went through: /readyz reads it.
        self.fault: DatabaseUnavailable | None = None
        self._identity: tuple[int, int] | None = None  # the SQLite file's (st_dev, st_ino) at open
        try:
            self.engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
        except OSError as err:  # the SQLite file's directory can't be made
            raise self._fault(err) or err from None
        self._read_engine = self.engine.execution_options(**{READ_ONLY_OPTION: True})
        self._clock = clock
        self._local = threading.local()  # the session of an atomic() block, per thread
        self._dialect = self.engine.dialect.name
        if create:
            try:
                with self._faults(writing=False):
                    self.create_all()
            except BaseException:
                self.close()  # the caller never gets this store, so could not close it
                raise
        self._identity = self._file_identity()

    def create_all(self) -> None:
        """Bring the database to this release's schema (`storage.schema.ensure`, under the schema
        lock): safe when several processes start on the same database, fresh or older.

        A database already current is only read (no write lock: eighty processes starting at once
        on one SQLite file don't queue for it); the lock, when needed and held by others beyond
        the busy timeout, is asked for again for WRITE_RETRY_S, like a write."""
        if schema.inspect_schema(self._read_engine).current:
            return
        deadline = time.monotonic() + WRITE_RETRY_S
        delay = 0.05
        while True:
            try:
                schema.ensure(self.engine)
                return
            except OperationalError as err:
                if not _is_locked(err) or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def close(self) -> None:
        """Release the connections of an engine the store made itself (a given engine is the caller's)."""
        if self._owns_engine:
            self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Group several writes of this thread in one transaction: all of them or none (a team
        change and its audit event, say). Nested use joins the outer transaction."""
        if self._atomic_session() is not None:
            yield
            return
        with self._faults(writing=True), self._begin_write() as session:
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    def _atomic_session(self) -> Session | None:
        session: Session | None = getattr(self._local, "session", None)
        return session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        current = self._atomic_session()
        if current is not None:  # inside atomic(): join its transaction
            yield current
            return
        with self._faults(writing=True), self._begin_write() as session:
            yield session

    @contextmanager
    def _begin_write(self) -> Iterator[Session]:
        """A write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE),
        begun again while SQLite says "database is locked" (the busy timeout ran out), for at most
        WRITE_RETRY_S: once begun, it holds the lock, so the work inside never meets it."""
        self._check_file()
        deadline = time.monotonic() + WRITE_RETRY_S
        delay = 0.05
        while True:
            session = Session(self.engine, expire_on_commit=False)
            transaction = session.begin()
            try:
                session.connection()  # BEGIN (IMMEDIATE) now, not at the first statement
                break
            except OperationalError as err:
                session.close()
                if not _is_locked(err) or time.monotonic() + delay > deadline:
                    raise
            except BaseException:
                session.close()
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        with session, transaction:
            yield session

    @contextmanager
    def _faults(self, *, writing: bool) -> Iterator[None]:
        """Driver errors that mean "the database can't be used" raised as `DatabaseUnavailable`
        (storage.errors); a write's outcome kept in `fault` for readiness."""
        try:
            yield
        except DatabaseUnavailable as fault:
            if writing:
                self.fault = fault
            raise
        except (SQLAlchemyError, sqlite3.Error, OSError) as err:
            found = self._fault(err)
            if found is None:
                raise
            if writing and found.kind != "locked":  # contention passes by itself: not an outage
                self.fault = found
            raise found from err
        if writing:
            self.fault = None

    def _fault(self, err: BaseException) -> DatabaseUnavailable | None:
        if self._path is not None:
            return classify_sqlite(err, self.where)
        return classify_server(err, self.where)

    def _file_identity(self) -> tuple[int, int] | None:
        if not self._path:
            return None
        try:
            st = os.stat(self._path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _check_file(self) -> None:
        """SQLite: refuse to go on with a file deleted or replaced since the store opened it
        (the pooled connections would keep writing into the old, unlinked one)."""
        if self._identity is None:
            self._identity = self._file_identity()
            return
        try:
            st = os.stat(self._path or "")
        except FileNotFoundError:
            raise sqlite_fault("deleted", self.where) from None
        except OSError as err:
            raise self._fault(err) or err from None
        if (st.st_dev, st.st_ino) != self._identity:
            raise sqlite_fault("replaced", self.where)

    def health(self) -> DatabaseUnavailable | None:
        """None when the database can be used; else what is wrong (what /readyz reports). Checks
        the SQLite file is still the one opened, reads, and — after a write failed — tries a write
        that changes nothing (SQLite: rewrites its header's user_version), so readiness comes
        back by itself once the fault is fixed (space freed, server back)."""
        try:
            with self._faults(writing=False):
                self._check_file()
                with Session(self._read_engine) as session, session.begin():
                    session.connection().exec_driver_sql("SELECT 1")
            if self.fault is not None:
                with self._faults(writing=True), self._begin_write() as session:
                    if self._dialect == "sqlite":
                        conn = session.connection()
                        version = conn.exec_driver_sql("PRAGMA user_version").scalar()
                        conn.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
        except DatabaseUnavailable as fault:
            return fault
        return None

    @contextmanager
    def _read(self, snapshot: bool = False) -> Iterator[Session]:
        current = self._atomic_session()
        if current is not None:  # inside atomic(): read what this transaction wrote
            yield current
            return
        engine = self._read_engine
        if snapshot and self._dialect == "postgresql":
            # READ COMMITTED would let a backup mix states from before and events from after a write.
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with self._faults(writing=False):
            self._check_file()
            with Session(engine, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def _read_rows(self) -> Iterator[Connection]:
        """A read on SQLAlchemy Core, for the few reads every request makes (the plans' heads, the
        person's language, whether they lead): a third of what an ORM session costs."""
        current = self._atomic_session()
        if current is not None:  # inside atomic(): read what this transaction wrote
            yield current.connection()
            return
        with self._faults(writing=False):
            self._check_file()
            with self._read_engine.connect() as conn, conn.begin():
                yield conn

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
        with self._write() as session:
            return plans.save(session, slug, title, source, story_ids, channel, at=self._clock())

    def get_plan(self, slug: str) -> PlanRecord | None:
        with self._read() as session:
            return plans.get(session, slug)

    def list_plans(self) -> list[PlanRecord]:
        """Every plan, by slug."""
        with self._read() as session:
            return plans.list_all(session)

    def plan_for_channel(self, channel: str) -> PlanRecord | None:
        with self._read() as session:
            return plans.for_channel(session, channel)

    def set_plan_channel(self, slug: str, channel: str | None) -> PlanRecord:
        """Bind the plan to a channel (taking it from any other plan), or unbind it with None."""
        with self._write() as session:
            return plans.set_channel(session, slug, channel)

    def plan_heads(self) -> list[PlanHead]:
        """Every plan's slug, channel, sha and change counter (no text): one small query."""
        with self._read_rows() as conn:
            return plans.heads(conn)

    def heads_and_language(self, person: str) -> tuple[list[PlanHead], str | None]:
        """The plans' heads and the language `person` chose, in one read: what every command and
        App Home asks first (a read's cost is mostly its transaction, not its statements)."""
        with self._read_rows() as conn:
            return plans.heads(conn), people.language(conn, person)

    def stored_plan(self, slug: str, source_sha: str) -> Plan | None:
        """The plan as read from the text with `source_sha` by this release's reader (planner.stored),
        if a process stored it; None otherwise (or if the copy does not load: the text is read again)."""
        with self._read() as session:
            key, text = plans.parsed_copy(session, slug)
        if key != reader_key(source_sha) or not text:
            return None
        try:
            return from_stored(text)
        except ValueError:
            return None

    def keep_plan(self, slug: str, source_sha: str, plan: Plan) -> bool:
        """Store the plan as read beside its text, if the text is still `source_sha`'s (a re-import
        in between wins); says whether it was stored."""
        text = to_stored(plan)
        with self._write() as session:
            return plans.keep_parsed(session, slug, source_sha, reader_key(source_sha), text)

    # -- story states and transitions ---------------------------------------------------------

    def statuses(self, slug: str, *, moved_only: bool = False) -> dict[str, StoryStatus]:
        """Every story row of the plan, in story order (including stories a re-import dropped).
        `moved_only`: only the rows a transition ever wrote (the others are to do, untouched, as
        `StoryStatus(story_id)` says): what a context needs, a few rows of a 10,000-story plan."""
        with self._read() as session:
            return transitions.statuses(session, slug, moved_only=moved_only)

    def plan_states(self, slug: str) -> transitions.PlanStates:
        """The plan's moved stories with its change counter and newest event, in one snapshot:
        what a cached context is built from and later catches up from (`changes_after`)."""
        with self._read(snapshot=True) as session:
            return transitions.plan_states(session, slug)

    def changes_after(self, slug: str, after_event: int) -> transitions.PlanChanges:
        """The plan's events after `after_event` and the current rows of the stories they moved,
        in one snapshot."""
        with self._read(snapshot=True) as session:
            return transitions.changes_after(session, slug, after_event)

    def status(self, slug: str, story_id: str) -> StoryStatus:
        """Raises KeyError when the plan has no such story."""
        with self._read() as session:
            return transitions.current_status(session, plans.plan_id(session, slug), story_id)

    def transition(self, slug: str, event: Event) -> TransitionResult:
        """Apply one event to its story, atomically; see TransitionResult for the outcomes.

        Raises KeyError for an unknown plan or story, ValueError for a naive event time.
        """
        event = replace(event, at=require_aware(event.at, "event.at"), id=None)
        try:
            with self._write() as session:
                return transitions.apply(session, slug, event)
        except IntegrityError:
            # Another delivery of the same request committed between our check and our insert.
            if event.request_id is None:
                raise
            with self._read() as session:
                replayed = transitions.replay(session, event.request_id)
            if replayed is None:
                raise
            return replayed

    # -- the event log ------------------------------------------------------------------------

    def events(self, slug: str, story_id: str | None = None) -> list[Event]:
        """Story events, oldest first (log order, which is the order they were applied in)."""
        with self._read() as session:
            return events.story_events(session, slug, story_id)

    def events_since(self, slug: str, since: datetime) -> list[Event]:
        """Story events at or after `since` (an aware datetime), oldest first."""
        since = require_aware(since, "since")
        with self._read() as session:
            return events.story_events_since(session, slug, since)

    def latest_event(self, slug: str, story_id: str) -> Event | None:
        with self._read() as session:
            return events.latest_event(session, plans.plan_id(session, slug), story_id)

    def first_delivery(self, delivery_id: str) -> bool:
        """Whether this Slack delivery (an Events API event id) is seen for the first time by any
        replica; a retry, wherever it lands, gets False."""
        try:
            with self._write() as session:
                return deliveries.first(session, delivery_id, self._clock())
        except IntegrityError:  # another replica inserted it between our check and our insert
            return False

    def audit_by_request(self, request_id: str) -> AuditEntry | None:
        """The audit entry a delivery with this request id already wrote, if any (a duplicate)."""
        with self._read() as session:
            return events.audit_by_request(session, request_id)

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
        at = self._clock() if at is None else require_aware(at, "at")
        try:
            with self._write() as session:
                return events.add_audit(session, slug, actor, action, reason, at, request_id)
        except IntegrityError:
            if request_id is None:
                raise
            with self._read() as session:
                stored = events.audit_by_request(session, request_id)
            if stored is None:
                raise
            return stored

    def lock_log(self, slug: str) -> None:
        """Inside `atomic()`: let this transaction alone read and number the plan's log entries
        (incidents, INC-n) until it ends; see `storage.events.lock_log`."""
        session = self._atomic_session()
        if session is None:
            raise RuntimeError("lock_log() holds a lock for a transaction: call it inside atomic()")
        events.lock_log(session, slug)

    def audit(self, slug: str, actions: Collection[str] | None = None) -> list[AuditEntry]:
        """Team and settings changes, incidents and checkpoint proofs of the plan, oldest first;
        `actions`: only entries of these actions."""
        with self._read() as session:
            return events.audit_entries(session, slug, actions)

    # -- leads (workspace-wide) ---------------------------------------------------------------

    def add_lead(self, name: str, added_by: str) -> bool:
        """Make `name` a lead. Returns False (and keeps who added them first) if already one."""
        with self._write() as session:
            return team.add_lead(session, name, added_by, self._clock())

    def remove_lead(self, name: str) -> bool:
        """Returns False when `name` was not a lead."""
        with self._write() as session:
            return team.remove_lead(session, name)

    def revoke_lead(self, name: str) -> str:
        """Revoke a lead unless they are the last one: "removed", "not-lead" or "last"."""
        with self._write() as session:
            return team.remove_lead_unless_last(session, name)

    def revoked_leads(self) -> set[str]:
        """Leads revoked with /team lead X off and not named again since (any plan's audit log)."""
        with self._read() as session:
            return team.revoked_leads(session)

    def is_lead(self, name: str) -> bool:
        with self._read_rows() as conn:
            return team.is_lead(conn, name)

    def leads(self) -> list[str]:
        """Lead names, sorted: what permission checks and "Leads: ..." lines need."""
        return [lead.name for lead in self.lead_records()]

    def lead_records(self) -> list[LeadRecord]:
        """Leads with who made them lead and when, sorted by name."""
        with self._read() as session:
            return team.lead_records(session)

    # -- people (workspace-wide) ----------------------------------------------------------------

    def person_language(self, name: str) -> str | None:
        """The language `name` chose with /lang, None when they chose none."""
        with self._read_rows() as conn:
            return people.language(conn, name)

    def set_person_language(self, name: str, lang: str | None) -> None:
        """Remember `name`'s language ("fr", "en"); None forgets it."""
        with self._write() as session:
            people.set_language(session, name, lang, self._clock())

    # -- lanes --------------------------------------------------------------------------------

    def bind_lane(self, slug: str, lane: str, person: str) -> None:
        """Give lane `lane` of the plan to `person`, replacing whoever had it."""
        with self._write() as session:
            team.bind_lane(session, slug, lane, person)

    def unbind_lane(self, slug: str, lane: str) -> bool:
        """Returns False when the lane was not bound."""
        with self._write() as session:
            return team.unbind_lane(session, slug, lane)

    def lane_bindings(self, slug: str) -> dict[str, str]:
        """Lane -> person, by lane."""
        with self._read() as session:
            return team.lane_bindings(session, slug)

    # -- plan settings ------------------------------------------------------------------------

    def plan_settings(self, slug: str) -> PlanSettings:
        """The plan's settings, typed, defaults filled in (see `storage.plan_settings`)."""
        with self._read() as session:
            return plan_settings.read(session, slug)

    def update_plan_settings(self, slug: str, /, **changes: Unpack[PlanSettingsChanges]) -> PlanSettings:
        """Change some settings in one transaction and return them all; None clears a field back
        to its default. Raises TypeError for an unknown field or a wrongly typed value, ValueError
        for a time the stored format cannot hold (seconds), before anything is written."""
        encoded = plan_settings.encode_changes(changes)
        with self._write() as session:
            plan_settings.write(session, slug, encoded)
            return plan_settings.read(session, slug)

    # -- the digest log -----------------------------------------------------------------------

    def claim_digest(self, slug: str, local_date: date, owner: str, *, at: datetime | None = None) -> bool:
        """True when this call now owns `local_date`'s digest of the plan (and must post it).

        Each call claims with a fresh token, so a second tick of the same process loses too."""
        with self._write() as session:
            return digest_runs.claim(session, slug, local_date, owner, at or self._clock())

    def release_digest(self, slug: str, local_date: date, owner: str) -> bool:
        """Give up `owner`'s claim on a digest it knows it did not post, so it can be claimed again.
        Returns False when there was no such claim (someone else's, or already sent)."""
        with self._write() as session:
            return digest_runs.release(session, slug, local_date, owner)

    def finish_digest(
        self,
        slug: str,
        local_date: date,
        *,
        status: str = "sent",
        message_ts: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Mark a claimed digest sent (or skipped, when a quiet plan asked for no digest).
        KeyError when it was never claimed."""
        with self._write() as session:
            digest_runs.finish(session, slug, local_date, status, message_ts, at or self._clock())

    def digest_run(self, slug: str, local_date: date) -> DigestRun | None:
        with self._read() as session:
            return digest_runs.run(session, slug, local_date)

    def digest_runs(self, slug: str) -> list[DigestRun]:
        """The plan's digests, oldest local date first."""
        with self._read() as session:
            return digest_runs.runs(session, slug)

    def last_sent_digest(self, slug: str) -> DigestRun | None:
        return digest_runs.last_sent(self.digest_runs(slug))

    def stuck_digests(
        self, slug: str, now: datetime, grace: timedelta = timedelta(minutes=15)
    ) -> list[DigestRun]:
        """Claims never marked sent after `grace`: a crash between claim and post, or post and mark."""
        return digest_runs.stuck(self.digest_runs(slug), now, grace)

    def mark_stuck_reported(self, slug: str, local_dates: list[date]) -> None:
        """Remember that these stuck claims were shown, so the next digest does not repeat them."""
        with self._write() as session:
            digest_runs.mark_reported(session, slug, local_dates)

    def start_digest(self, slug: str, local_date: date, owner: str, *, channel: str | None, at: datetime,
                     lease: timedelta) -> str | None:
        """Claim a digest at stage `claimed`, leased until `at + lease`: the claim's token, or None
        when the day was already claimed."""
        with self._write() as session:
            return digest_runs.claim_token(session, slug, local_date, owner, at, channel=channel, lease=lease)

    def take_over_digest(self, slug: str, local_date: date, owner: str, *, at: datetime,
                         lease: timedelta) -> DigestRun | None:
        """Take over a claim whose lease is over, to resume it from its stage (None: not possible)."""
        with self._write() as session:
            return digest_runs.take_over(session, slug, local_date, owner, at, lease)

    def advance_digest(self, slug: str, local_date: date, token: str, *, at: datetime, lease: timedelta,
                       stage: str | None = None, message_ts: str | None = None,
                       channel: str | None = None) -> bool:
        """Renew the claim's lease and record progress; False when `token` lost the claim."""
        with self._write() as session:
            return digest_runs.advance(session, slug, local_date, token, at, lease, stage=stage,
                                       message_ts=message_ts, channel=channel)

    def let_go_digest(self, slug: str, local_date: date, token: str, *, at: datetime) -> bool:
        """End the claim's lease now (its stage stays): the next tick anywhere may resume it."""
        with self._write() as session:
            return digest_runs.let_go(session, slug, local_date, token, at)

    # -- backup -------------------------------------------------------------------------------

    def export(self) -> dict:
        """Everything, as JSON-ready data, from one consistent snapshot. `import_` reads it back."""
        with self._read(snapshot=True) as session:
            return backup.dump(session)

    def import_(self, data: dict, *, replaceable_sha: str | None = None,
                max_source_bytes: int | None = None) -> None:
        """Restore an `export()` into an empty database, keeping ids, times and states exactly.

        Raises ValueError (`backup.BackupError`: one sentence per problem) when the database
        already holds data or the backup is malformed, its hashes are wrong or its states disagree
        with its events. A database holding only the bundled plan as a first command auto-imported
        it (`replaceable_sha`: its sha256) counts as empty and is replaced; see `backup.load`.
        """
        try:
            with self._write() as session:
                backup.load(session, data, replaceable_sha=replaceable_sha, max_source_bytes=max_source_bytes)
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else ""
            raise backup.BackupError([f"the backup contradicts itself: two of its rows share what must be unique "
                                      f"({detail[:200]})"]) from exc
