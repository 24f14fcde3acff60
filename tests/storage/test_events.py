"""The event log: story events in log order, audit entries kept apart, retries deduplicated."""

from __future__ import annotations

from datetime import timedelta

from planner.state import Action
from tests.helpers.storage import SLUG, T0, make_event

PR = "https://git.example/pr/41"


def test_event_queries_filter_by_story_and_time_and_skip_audit(plan_store):
    plan_store.transition(SLUG, make_event("1.1", Action.START, "alice", 0))
    plan_store.record_audit(SLUG, "lead", "bind_lane", "A -> alice")
    plan_store.transition(SLUG, make_event("1.2", Action.START, "bob", 30))
    plan_store.transition(SLUG, make_event("1.1", Action.REVIEW, "alice", 60, evidence=PR))
    assert [e.story_id for e in plan_store.events(SLUG)] == ["1.1", "1.2", "1.1"]
    assert [e.action for e in plan_store.events(SLUG, "1.1")] == [Action.START, Action.REVIEW]
    assert plan_store.events(SLUG, "4.1") == []
    since = plan_store.events_since(SLUG, T0 + timedelta(minutes=30))  # inclusive
    assert [(e.story_id, e.action) for e in since] == [("1.2", Action.START), ("1.1", Action.REVIEW)]
    assert plan_store.events_since(SLUG, T0 + timedelta(minutes=61)) == []
    assert plan_store.latest_event(SLUG, "1.1").action == Action.REVIEW


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
