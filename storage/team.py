"""Who may do what: workspace-wide leads, and which person works each staffing lane of a plan.

The store only records; the rules that use these (lead-only commands, whose lane is next) are
the planner's and the service's. Callers write an audit entry with each change, in the same
`Store.atomic()` block, so every team change also moves the plan's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from planner.people import person_key
from storage.plans import plan_id
from storage.sql import insert_on_conflict
from storage.tables import LANE_BINDINGS, LEADS, EventRow, LaneBindingRow, LeadRow

LEAD_AUDIT = "team-lead"  # the audit action of /team lead: reason "lead X" or "lead X off"


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


def remove_lead_unless_last(session: Session, name: str) -> str:
    """Revoke `name`: "removed", "not-lead", or "last" (nothing removed: a workspace keeps a lead).

    Every lead row is locked first (FOR UPDATE; SQLite's BEGIN IMMEDIATE already serialises), so
    two leads revoking each other at once cannot leave nobody: the second sees the first's delete."""
    names = list(session.exec(select(LeadRow.name).with_for_update()).all())
    if name not in names:
        return "not-lead"
    if len(names) == 1:
        return "last"
    session.exec(delete(LEADS).where(LEADS.c.name == name))
    return "removed"


def revoked_leads(session: Session) -> set[str]:
    """People whose latest lead change in any plan's audit log is a revocation (`lead X off`):
    install-time leads (DELIVERYBOT_LEADS) named again at a restart are not made leads again."""
    rows = session.exec(
        select(EventRow.reason)
        .where(col(EventRow.story_id).is_(None), EventRow.action == LEAD_AUDIT)
        .order_by(col(EventRow.at), col(EventRow.id))
    )
    revoked: set[str] = set()
    for reason in rows:
        words = (reason or "").split()
        if len(words) >= 2 and words[0] == "lead":
            (revoked.add if words[2:] == ["off"] else revoked.discard)(words[1])
    return revoked


_LEAD_NAMES = sql_select(LEADS.c.name)


def is_lead(conn: Connection, name: str) -> bool:
    """One person, one name: a lead stored as "Alice" (before names were normalised where they come
    in) is the lead "alice" and "@alice" too; Slack ids compare exactly (`planner.people`). The
    leads are a handful: one Core read of their names, compared here."""
    names: list[str] = list(conn.execute(_LEAD_NAMES).scalars())
    key = person_key(name)
    return name in names or any(person_key(lead) == key for lead in names)


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
    return {row.lane: person_key(row.person) for row in rows}  # compared as the service's actors are
