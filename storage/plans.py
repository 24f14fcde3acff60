"""Plans: import and re-import, lookup by slug or channel, and the version callers cache on.

A re-import never loses work: states and history of every story stay, new stories get `todo`
rows, and dropped stories keep theirs because their events still refer to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from planner.model import slug_problem
from planner.state import State
from storage.sql import insert_on_conflict
from storage.tables import PLANS, STORY_STATES, EventRow, PlanRow

_ROWS_PER_INSERT = 500  # keeps a 2,000-story import under SQLite's bound-parameter limit


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
    for start in range(0, len(new_rows), _ROWS_PER_INSERT):
        chunk = new_rows[start : start + _ROWS_PER_INSERT]
        session.exec(insert_on_conflict(session, STORY_STATES).values(chunk).on_conflict_do_nothing())
    return _record(plan_row(session, slug))


def get(session: Session, slug: str) -> PlanRecord | None:
    row = session.exec(select(PlanRow).where(PlanRow.slug == slug)).first()
    return _record(row) if row else None


def list_all(session: Session) -> list[PlanRecord]:
    return [_record(row) for row in session.exec(select(PlanRow).order_by(col(PlanRow.slug)))]


def for_channel(session: Session, channel: str) -> PlanRecord | None:
    row = session.exec(select(PlanRow).where(PlanRow.channel == channel)).first()
    return _record(row) if row else None


def set_channel(session: Session, slug: str, channel: str | None) -> PlanRecord:
    row = plan_row(session, slug)
    if channel is not None:
        _release_channel(session, channel, keep=slug)
    row.channel = channel
    session.add(row)
    session.flush()
    return _record(row)


def version(session: Session, slug: str) -> tuple[str, str | None, int, int]:
    """(source sha, channel, newest event id, number of events), in one small query."""
    event_id = col(EventRow.id)
    row = session.exec(
        select(PlanRow.source_sha, PlanRow.channel, func.max(event_id), func.count(event_id))
        .select_from(PlanRow)
        .join(EventRow, col(EventRow.plan_id) == col(PlanRow.id), isouter=True)
        .where(PlanRow.slug == slug)
        .group_by(col(PlanRow.id), col(PlanRow.source_sha), col(PlanRow.channel))
    ).first()
    if row is None:
        raise KeyError(f"no plan {slug!r}")
    sha, channel, newest, count = row
    return sha, channel, newest or 0, count


def plan_id(session: Session, slug: str) -> int:
    """The id of plan `slug`; KeyError when there is none (every plan-scoped call starts here)."""
    found = session.exec(select(PlanRow.id).where(PlanRow.slug == slug)).first()
    if found is None:
        raise KeyError(f"unknown plan {slug!r}")
    return found


def plan_row(session: Session, slug: str) -> PlanRow:
    row = session.exec(select(PlanRow).where(PlanRow.slug == slug)).first()
    if row is None:
        raise KeyError(f"unknown plan {slug!r}")
    return row


def _release_channel(session: Session, channel: str, keep: str) -> None:
    """Unbind `channel` from every plan but `keep`: a channel names at most one plan."""
    session.exec(update(PLANS).where(PLANS.c.channel == channel, PLANS.c.slug != keep).values(channel=None))
    session.flush()


def _record(row: PlanRow) -> PlanRecord:
    return PlanRecord(row.slug, row.title, row.channel, row.source, row.source_sha, row.imported_at)
