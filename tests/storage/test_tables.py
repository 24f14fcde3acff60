"""Times in the tables: stored in UTC, read back aware, naive ones refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import SQLModel

from planner.state import Action, Event, State
from storage.tables import PLANS, PlanRow, core_table
from tests.helpers.storage import SLUG


def test_times_come_back_as_utc_and_naive_times_are_refused(plan_store):
    paris = timezone(timedelta(hours=2))
    local = datetime(2025, 6, 2, 11, 30, 15, 123456, tzinfo=paris)
    event = Event("1.1", Action.START, "alice", State.TODO, State.IN_PROGRESS, local)
    stored = plan_store.transition(SLUG, event).event
    read = plan_store.events(SLUG)[0]
    assert read.at == local and read.at.tzinfo == UTC and read.at.hour == 9
    assert stored.at.tzinfo == UTC
    assert plan_store.status(SLUG, "1.1").since == local
    assert plan_store.events_since(SLUG, datetime(2025, 6, 2, 9, 30, 15, tzinfo=UTC)) == [read]

    naive = Event("1.2", Action.START, "bob", State.TODO, State.IN_PROGRESS, datetime(2025, 6, 2, 9, 0))
    with pytest.raises(ValueError, match="naive"):
        plan_store.transition(SLUG, naive)
    with pytest.raises(ValueError, match="naive"):
        plan_store.events_since(SLUG, datetime(2025, 6, 2))
    assert len(plan_store.events(SLUG)) == 1


def test_core_table_is_the_table_of_a_table_model_only():
    assert core_table(PlanRow) is PLANS and PLANS.name == "plans"
    with pytest.raises(TypeError, match="not a table model"):
        core_table(NotATable)


class NotATable(SQLModel):
    name: str
