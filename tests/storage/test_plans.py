"""Importing plans: records, re-imports that keep the work done, channels."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from planner.state import Action, State
from tests.helpers.storage import SLUG, STORY_IDS, assert_states_follow_events, make_event, walk_to_review


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def test_saved_plan_reads_back_with_utc_time_and_source_hash(open_store):
    clock = Clock()
    store = open_store(clock=clock)
    source = "# K3s mono PostgreSQL\n\nStory 1.1 (baseline hardening)\n"
    saved = store.save_plan(SLUG, "K3s mono PostgreSQL", source, STORY_IDS, channel="C1")
    assert saved == store.get_plan(SLUG)
    assert (saved.slug, saved.title, saved.channel, saved.source) == (
        SLUG,
        "K3s mono PostgreSQL",
        "C1",
        source,
    )
    assert saved.source_sha == hashlib.sha256(source.encode()).hexdigest()
    assert saved.imported_at == clock.now and saved.imported_at.tzinfo == UTC
    assert store.get_plan("nope") is None
    statuses = store.statuses(SLUG)
    assert list(statuses) == ["1.1", "1.2", "2.1", "3.12", "4.1"]
    assert all(s.state == State.TODO and s.version == 0 and s.assignee is None for s in statuses.values())


def test_plans_are_listed_by_slug_and_found_by_channel(store):
    store.save_plan("zeta", "Z", "z", ["1.1"], channel="CZ")
    store.save_plan("alpha", "A", "a", ["1.1"])
    assert [p.slug for p in store.list_plans()] == ["alpha", "zeta"]
    assert store.plan_for_channel("CZ").slug == "zeta"
    assert store.plan_for_channel("C-unknown") is None


def test_reimport_keeps_states_adds_new_stories_and_keeps_dropped_ones(plan_store):
    walk_to_review(plan_store, "1.1")
    before = plan_store.statuses(SLUG)["1.1"]
    record = plan_store.save_plan(SLUG, "K3s v2", "# v2\n", ["1.1", "1.2", "2.1", "3.12", "9.9"])
    statuses = plan_store.statuses(SLUG)
    assert statuses["1.1"] == before and before.state == State.REVIEW
    assert statuses["9.9"].state == State.TODO
    assert "4.1" in statuses  # dropped from the text, kept with its history
    assert (record.title, record.source, record.channel) == ("K3s v2", "# v2\n", "C-DELIVERY")
    assert record.source_sha == hashlib.sha256(b"# v2\n").hexdigest()
    assert len(plan_store.events(SLUG)) == 2
    assert_states_follow_events(plan_store)


def test_a_channel_belongs_to_one_plan(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"], channel="C-DELIVERY")
    assert plan_store.plan_for_channel("C-DELIVERY").slug == "other"
    assert plan_store.get_plan(SLUG).channel is None
    moved = plan_store.set_plan_channel(SLUG, "C-DELIVERY")
    assert moved.channel == "C-DELIVERY"
    assert plan_store.get_plan("other").channel is None
    assert plan_store.set_plan_channel(SLUG, None).channel is None
    assert plan_store.plan_for_channel("C-DELIVERY") is None


def test_unknown_plan_or_story_is_a_key_error(plan_store):
    with pytest.raises(KeyError, match="nope"):
        plan_store.statuses("nope")
    with pytest.raises(KeyError, match="nope"):
        plan_store.transition("nope", make_event("1.1", Action.START, "alice"))
    with pytest.raises(KeyError, match="nope"):
        plan_store.set_plan_channel("nope", "C9")
    with pytest.raises(KeyError, match="7.7"):
        plan_store.status(SLUG, "7.7")
    with pytest.raises(KeyError, match="7.7"):
        plan_store.transition(SLUG, make_event("7.7", Action.START, "alice"))
    assert plan_store.events(SLUG) == []
