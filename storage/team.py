"""Who may do what: workspace-wide leads, and which person works each staffing lane of a plan.

The store only records; the rules that use these (lead-only commands, whose lane is next) are
the planner's and the service's. Callers write an audit entry with each change, in the same
`Store.atomic()` block, so every team change also moves the plan's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.plans import plan_id
from storage.sql import insert_on_conflict
from storage.tables import LANE_BINDINGS, LEADS, LaneBindingRow, LeadRow


@dataclass(frozen=True)
class LeadRecord:
    name: str
    added_by: str
    added_at: datetime


# -- leads (workspace-wide) -----------------------------------------------------------------


def add_lead(session: Session, name: str, added_by: str, at: datetime) -> bool:
    """False (keeping who added them first) when `name` already is a lead."""
    stmt = insert_on_conflict(session, LEADS).values(name=name, added_by=added_by, added_at=at)
    # RETURNING, not rowcount: drivers need not report rowcount for INSERT ... ON CONFLICT.
    added = stmt.on_conflict_do_nothing().returning(LEADS.c.name)
    return session.exec(added).first() is not None


def remove_lead(session: Session, name: str) -> bool:
    return session.exec(delete(LEADS).where(LEADS.c.name == name)).rowcount == 1


def is_lead(session: Session, name: str) -> bool:
    return session.get(LeadRow, name) is not None


def lead_records(session: Session) -> list[LeadRecord]:
    rows = session.exec(select(LeadRow).order_by(col(LeadRow.name)))
    return [LeadRecord(row.name, row.added_by, row.added_at) for row in rows]


# -- lanes (per plan) -----------------------------------------------------------------------


def bind_lane(session: Session, slug: str, lane: str, person: str) -> None:
    """A lane has one person: binding it again replaces whoever had it."""
    stmt = insert_on_conflict(session, LANE_BINDINGS).values(
        plan_id=plan_id(session, slug), lane=lane, person=person
    )
    session.exec(stmt.on_conflict_do_update(index_elements=["plan_id", "lane"], set_={"person": person}))


def unbind_lane(session: Session, slug: str, lane: str) -> bool:
    table = LANE_BINDINGS.c
    stmt = delete(LANE_BINDINGS).where(table.plan_id == plan_id(session, slug), table.lane == lane)
    return session.exec(stmt).rowcount == 1


def lane_bindings(session: Session, slug: str) -> dict[str, str]:
    rows = session.exec(
        select(LaneBindingRow)
        .where(LaneBindingRow.plan_id == plan_id(session, slug))
        .order_by(col(LaneBindingRow.lane))
    )
    return {row.lane: row.person for row in rows}
