"""Leads (workspace-wide) and lane bindings (per plan)."""

from __future__ import annotations

from datetime import UTC

from tests.helpers.storage import SLUG


def test_leads_are_added_once_listed_and_removed(store):
    assert store.add_lead("U123", added_by="install") is True
    assert store.add_lead("U123", added_by="U999") is False  # already a lead: first grant kept
    assert store.add_lead("alice", added_by="U123") is True
    assert store.leads() == ["U123", "alice"]
    assert [(lead.name, lead.added_by) for lead in store.lead_records()] == [
        ("U123", "install"),
        ("alice", "U123"),
    ]
    assert all(lead.added_at.tzinfo == UTC for lead in store.lead_records())
    assert store.is_lead("U123") and not store.is_lead("bob")
    assert store.remove_lead("U123") is True
    assert store.remove_lead("U123") is False
    assert not store.is_lead("U123")
    assert store.leads() == ["alice"]


def test_lanes_bind_rebind_and_unbind_per_plan(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    plan_store.bind_lane(SLUG, "A", "U1")
    plan_store.bind_lane(SLUG, "B", "U2")
    plan_store.bind_lane(SLUG, "A", "U3")  # a lane has one person: rebinding replaces
    plan_store.bind_lane("other", "A", "U9")
    assert plan_store.lane_bindings(SLUG) == {"A": "U3", "B": "U2"}
    assert plan_store.lane_bindings("other") == {"A": "U9"}
    assert plan_store.unbind_lane(SLUG, "B") is True
    assert plan_store.unbind_lane(SLUG, "B") is False
    assert plan_store.lane_bindings(SLUG) == {"A": "U3"}
