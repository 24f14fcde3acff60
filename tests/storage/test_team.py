"""Leads, lane bindings, per-plan settings and the audit trail of changing them."""

from __future__ import annotations

from datetime import UTC

import pytest
from storage_helpers import SLUG


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


def test_settings_hold_json_values_per_plan(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    assert plan_store.get_setting(SLUG, "mode") is None
    assert plan_store.get_setting(SLUG, "mode", 3) == 3
    plan_store.set_setting(SLUG, "mode", 2)
    plan_store.set_setting(SLUG, "four_eyes", False)
    plan_store.set_setting(SLUG, "digest", {"time": "09:00", "days": ["mon", "tue"]})
    plan_store.set_setting(SLUG, "mode", 4)
    assert plan_store.get_setting(SLUG, "mode") == 4
    assert plan_store.get_setting(SLUG, "four_eyes", True) is False  # a stored False is not "unset"
    assert plan_store.settings(SLUG) == {
        "digest": {"time": "09:00", "days": ["mon", "tue"]},
        "four_eyes": False,
        "mode": 4,
    }
    assert plan_store.settings("other") == {}
    with pytest.raises(TypeError):
        plan_store.set_setting(SLUG, "bad", object())
    assert "bad" not in plan_store.settings(SLUG)


def test_audit_entries_are_kept_apart_from_story_events_and_deduplicated(plan_store):
    first = plan_store.record_audit(SLUG, "U1", "set_mode", "3 devs now", request_id="req-7")
    retry = plan_store.record_audit(SLUG, "U1", "set_mode", "3 devs now", request_id="req-7")
    second = plan_store.record_audit(SLUG, "U1", "bind_lane", "A -> U2")
    assert retry == first
    assert plan_store.audit(SLUG) == [first, second]
    assert [(a.actor, a.action, a.reason) for a in plan_store.audit(SLUG)] == [
        ("U1", "set_mode", "3 devs now"),
        ("U1", "bind_lane", "A -> U2"),
    ]
    assert first.at.tzinfo is not None and first.id < second.id
    assert plan_store.events(SLUG) == []
