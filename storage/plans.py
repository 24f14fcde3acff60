"""Plans: import and re-import, lookup by slug or channel, and the version callers cache on.

A re-import never loses work: states and history of every story stay, new stories get `todo`
rows, and dropped stories keep theirs because their events still refer to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, update
from sqlalchemy import select as sql_select
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from planner.model import slug_problem
from planner.state import State
from storage.sql import insert_on_conflict
from storage.tables import PLANS, STORY_STATES, PlanRow


@dataclass(frozen=True)
class PlanHead:
    """What a request reads of a plan before anything else (`heads`)."""

    slug: str
    channel: str | None
    source_sha: str
    changes: int  # the plan's change counter (storage/triggers.py)

    @property
    def version(self) -> tuple[str, str | None, int]:
        return self.source_sha, self.channel, self.changes


@dataclass(frozen=True)
class PlanRecord:
    slug: str
    title: str
    channel: str | None
    source: str  # the Markdown the plan was imported from; the planner re-reads it
    source_sha: str  # sha256 of source, to tell a changed re-import from a repeated one
    imported_at: datetime


def save(
    session: Session,
    slug: str,
    title: str,
    source: str,
    story_ids: Iterable[str],
    channel: str | None,
    *,
    at: datetime,
) -> PlanRecord:
    problem = slug_problem(slug)
    if problem:  # callers check first and say so; this keeps any other way in honest
        raise ValueError(problem)
    sha = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if channel is not None:
        _release_channel(session, channel, keep=slug)
    stmt = insert_on_conflict(session, PLANS).values(
        slug=slug, title=title, channel=channel, source=source, source_sha=sha, imported_at=at
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=["slug"],
        set_={
            "title": stmt.excluded.title,
            "source": stmt.excluded.source,
            "source_sha": stmt.excluded.source_sha,
            "imported_at": stmt.excluded.imported_at,
            "channel": func.coalesce(stmt.excluded.channel, PLANS.c.channel),
        },
    ).returning(PLANS.c.id)
    saved_id: int = session.exec(upsert).scalar_one()
    new_rows = [
        {"plan_id": saved_id, "story_id": sid, "state": State.TODO.value, "assignee": None, "reviewer": None}
        | {"evidence": None, "forced": False, "since": None, "version": 0}
        for sid in dict.fromkeys(story_ids)
    ]
    if new_rows:  # one statement, many rows (executemany): compiled once, however many stories
        session.execute(insert_on_conflict(session, STORY_STATES).on_conflict_do_nothing(), new_rows)
    return _record(plan_row(session, slug))


def _rows():  # noqa: ANN202
    """A select of plan rows with what a PlanRecord holds: not the read copy (often larger than the
    text), nor the counter (which a database still at 0.1.0's schema, being upgraded, lacks)."""
    kept = (PlanRow.slug, PlanRow.title, PlanRow.channel, PlanRow.source, PlanRow.source_sha, PlanRow.imported_at)
    return select(PlanRow).options(load_only(*kept))  # type: ignore[arg-type]


def get(session: Session, slug: str) -> PlanRecord | None:
    row = session.exec(_rows().where(PlanRow.slug == slug)).first()
    return _record(row) if row else None


def list_all(session: Session) -> list[PlanRecord]:
    return [_record(row) for row in session.exec(_rows().order_by(col(PlanRow.slug)))]


def for_channel(session: Session, channel: str) -> PlanRecord | None:
    row = session.exec(_rows().where(PlanRow.channel == channel)).first()
    return _record(row) if row else None


def set_channel(session: Session, slug: str, channel: str | None) -> PlanRecord:
    row = plan_row(session, slug)
    if channel is not None:
        _release_channel(session, channel, keep=slug)
    row.channel = channel
    session.add(row)
    session.flush()
    return _record(row)


_HEADS = sql_select(PLANS.c.slug, PLANS.c.channel, PLANS.c.source_sha, PLANS.c.changes).order_by(PLANS.c.slug)


def heads(conn: Connection) -> list[PlanHead]:
    """Every plan's slug, channel, sha and change counter, without its text: what a request needs
    to find its plan and tell whether a cached copy is current (a handful of rows, on Core)."""
    return [PlanHead(row.slug, row.channel, row.source_sha, row.changes) for row in conn.execute(_HEADS)]


def parsed_copy(session: Session, slug: str) -> tuple[str | None, str | None]:
    """(key, text) of the plan as read, as `keep_parsed` stored it; (None, None) when none is."""
    row = session.exec(select(PlanRow.parsed_key, PlanRow.parsed).where(PlanRow.slug == slug)).first()
    return (row[0], row[1]) if row else (None, None)


def keep_parsed(session: Session, slug: str, source_sha: str, key: str, parsed: str) -> bool:
    """Store the plan as read under `key`, only if its text is still the one with `source_sha`
    (a re-import in between wins). Says whether it was stored."""
    done = session.exec(
        update(PLANS)
        .where(PLANS.c.slug == slug, PLANS.c.source_sha == source_sha)
        .values(parsed=parsed, parsed_key=key)
    )
    return bool(done.rowcount)


def plan_id(session: Session, slug: str) -> int:
    """The id of plan `slug`; KeyError when there is none (every plan-scoped call starts here)."""
    found = session.exec(select(PlanRow.id).where(PlanRow.slug == slug)).first()
    if found is None:
        raise KeyError(f"unknown plan {slug!r}")
    return found


def plan_row(session: Session, slug: str) -> PlanRow:
    row = session.exec(_rows().where(PlanRow.slug == slug)).first()
    if row is None:
        raise KeyError(f"unknown plan {slug!r}")
    return row


def _release_channel(session: Session, channel: str, keep: str) -> None:
    """Unbind `channel` from every plan but `keep`: a channel names at most one plan."""
    session.exec(update(PLANS).where(PLANS.c.channel == channel, PLANS.c.slug != keep).values(channel=None))
    session.flush()


def _record(row: PlanRow) -> PlanRecord:
    return PlanRecord(row.slug, row.title, row.channel, row.source, row.source_sha, row.imported_at)
