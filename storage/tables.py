"""The database tables. Only the storage package touches these; everyone else gets planner dataclasses.

Story state rows are a cache of the event log (see `planner.state.fold_events`); the store keeps
them equal to the fold by writing both in one transaction. "Blocked" is never stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
)
from sqlmodel import Field, SQLModel

from storage import triggers


class UTCDateTime(TypeDecorator):
    """Stores UTC, always returns an aware UTC datetime.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back the session's
    zone. Normalising here means no caller ever compares a naive with an aware datetime.
    Naive input is refused: we cannot know which clock it came from.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc(nullable: bool = False):
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable))


class PlanRow(SQLModel, table=True):
    """An imported plan. The Markdown source is kept so the planner can re-read it after a restart.

    A channel belongs to at most one plan, so a command typed in a channel has one plan to act on.
    """

    __tablename__ = "plans"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    title: str
    channel: str | None = Field(default=None, unique=True)
    source: str = Field(sa_type=Text)
    source_sha: str
    imported_at: datetime = _utc()
    # How many events the plan has had: kept by a trigger (storage/triggers.py), read by every
    # request to tell whether a cached plan is still current.
    # (The database's default, not the model's: an INSERT that does not name it stays valid.)
    changes: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # The plan as read (planner.stored JSON), so no process reads the same text twice, and the
    # key it was read under: the source's sha and the reader's own fingerprint.
    parsed: str | None = Field(default=None, sa_type=Text)
    parsed_key: str | None = None


class StoryStateRow(SQLModel, table=True):
    """The current status of one story; `version` is the compare-and-set token."""

    __tablename__ = "story_states"

    plan_id: int = Field(foreign_key="plans.id", primary_key=True)
    story_id: str = Field(primary_key=True)
    state: str = "todo"
    assignee: str | None = None
    reviewer: str | None = None
    evidence: str | None = Field(default=None, sa_type=Text)
    forced: bool = False
    since: datetime | None = _utc(nullable=True)
    version: int = 0
    preparer: str | None = None
    prepared_since: datetime | None = _utc(nullable=True)
    authors: str | None = Field(default=None, sa_type=Text)  # space-separated people ids
    reopened_at: datetime | None = _utc(nullable=True)


class EventRow(SQLModel, table=True):
    """The append-only log. Story events move a story; audit events (story_id NULL) record
    team and settings changes. request_id is UNIQUE so a retried Slack delivery cannot act twice.
    """

    __tablename__ = "events"
    __table_args__ = (
        # A story event must name a story the plan has (MATCH SIMPLE: audit rows, whose story_id
        # is NULL, are not checked).
        ForeignKeyConstraint(["plan_id", "story_id"], ["story_states.plan_id", "story_states.story_id"]),
        Index("ix_events_plan_story", "plan_id", "story_id", "id"),
        Index("ix_events_plan_at", "plan_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id")
    story_id: str | None = None
    action: str
    actor: str
    from_state: str | None = None
    to_state: str | None = None
    evidence: str | None = Field(default=None, sa_type=Text)
    reviewer: str | None = None
    reason: str | None = Field(default=None, sa_type=Text)
    request_id: str | None = Field(default=None, unique=True)
    at: datetime = _utc()
    person: str | None = None  # who else the event names (new holder, lane owner, overridden preparer)


class LeadRow(SQLModel, table=True):
    """Workspace-wide leads: a Slack user id (U123) or a console name."""

    __tablename__ = "leads"

    name: str = Field(primary_key=True)
    added_by: str
    added_at: datetime = _utc()


class LaneBindingRow(SQLModel, table=True):
    """Which person works a staffing lane ("A") of a plan."""

    __tablename__ = "lane_bindings"

    plan_id: int = Field(foreign_key="plans.id", primary_key=True)
    lane: str = Field(primary_key=True)
    person: str


class SettingRow(SQLModel, table=True):
    """A per-plan setting; value is JSON text so any JSON value fits without a migration."""

    __tablename__ = "settings"

    plan_id: int = Field(foreign_key="plans.id", primary_key=True)
    key: str = Field(primary_key=True)
    value: str = Field(sa_type=Text)


class DigestRunRow(SQLModel, table=True):
    """One plan's digest for one local date: the only memory of "was today's digest sent".

    The UNIQUE (plan, local_date) makes the claim the lock: whoever inserts the row posts, and a
    second scheduler, a restart or a retry finds the row and does nothing. A row left `claimed`
    (a crash between claim and mark-sent) is never re-sent; it is reported instead.
    """

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("plan_id", "local_date", name="uq_digest_plan_date"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id")
    local_date: str  # YYYY-MM-DD in the plan's digest time zone
    status: str  # claimed | sent | skipped
    claimed_by: str
    claimed_at: datetime = _utc()
    finished_at: datetime | None = _utc(nullable=True)
    message_ts: str | None = None
    reported: bool = False  # a stuck claim, already shown in a later digest
    # 0003: how far a claimed digest got, so a later tick or replica resumes it instead of posting
    # it again. stage: claimed | main | thread | picture (NULL: a claim made before 0003, never
    # resumed); channel: where its main message goes; lease_until: until when claimed_by may
    # work on it undisturbed (then another process may take it over).
    stage: str | None = None
    channel: str | None = None
    lease_until: datetime | None = _utc(nullable=True)


class DeliveryRow(SQLModel, table=True):
    """A Slack delivery already handled (an Events API event id): a retry reaching any replica
    finds it. A memory of recent deliveries, pruned after a day, not carried in backups."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_at", "at"),)

    id: str = Field(primary_key=True)
    at: datetime = _utc()


class PersonRow(SQLModel, table=True):
    """What a person chose for themselves, workspace-wide: the language they read (/lang)."""

    __tablename__ = "people"

    name: str = Field(primary_key=True)  # a Slack user id (U123) or a console name, as person_key gives it
    lang: str | None = None  # "fr" or "en"; None: their Slack locale, else the plan's
    changed_at: datetime = _utc()


def core_table(model: type[SQLModel]) -> Table:
    """The Core `Table` behind a table model, for INSERT ... ON CONFLICT and bulk UPDATE/DELETE.

    SQLModel sets `__table__` when the class is created, where type checkers cannot see it."""
    mapper = inspect(model, raiseerr=False)
    if mapper is None or not isinstance(mapper.local_table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return mapper.local_table


def _count_changes(target: Table, connection, **_kw) -> None:
    """After `events` is created (create_all): the trigger that keeps `plans.changes`."""
    if connection.dialect.name in ("sqlite", "postgresql"):
        for statement in triggers.statements(connection.dialect.name):
            connection.exec_driver_sql(statement)


PLANS = core_table(PlanRow)
STORY_STATES = core_table(StoryStateRow)
PEOPLE = core_table(PersonRow)
EVENTS = core_table(EventRow)
event.listen(EVENTS, "after_create", _count_changes)
LEADS = core_table(LeadRow)
LANE_BINDINGS = core_table(LaneBindingRow)
SETTINGS = core_table(SettingRow)
DIGEST_RUNS = core_table(DigestRunRow)
DELIVERIES = core_table(DeliveryRow)
