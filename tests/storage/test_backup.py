"""Backup: export is plain JSON, and a restore into an empty database is the same database."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time

import pytest

from planner.state import Action, State
from tests.helpers.storage import (
    SLUG,
    assert_states_follow_events,
    done_event,
    make_event,
    setting_rows,
    walk_to_review,
    write_setting_rows,
)


def _fill(store) -> None:
    """A database with everything a backup must carry, across two plans."""
    store.save_plan(
        SLUG, "K3s mono PostgreSQL", "# K3s\nStory 1.1 (baseline)\n", ["1.1", "1.2", "2.1", "10.2"], "C1"
    )
    store.save_plan("side", "Side project", "# side\n", ["1.1", "1.2"])
    walk_to_review(store, "1.1")
    store.transition(SLUG, done_event("bob"))
    store.transition(SLUG, make_event("1.1", Action.REOPEN, "lead", 9, reason="regression"))
    store.transition(
        SLUG, make_event("10.2", Action.FORCE_START, "lead", 10, reason="gate late", request_id="rq-1")
    )
    store.transition("side", make_event("1.2", Action.START, "carol", 11))
    store.record_audit(SLUG, "lead", "set_mode", "3 devs", request_id="rq-2")
    store.add_lead("lead", "install")
    store.add_lead("U42", "lead")
    store.bind_lane(SLUG, "A", "alice")
    store.bind_lane(SLUG, "B", "bob")
    # Keys this version does not know, as an older release left them: a backup carries them too.
    write_setting_rows(store, SLUG, {"four_eyes": "false"})
    write_setting_rows(
        store, "side", {"digest": '{"time": "09:30", "days": ["mon"]}', "digest_cutoff": "null"}
    )
    store.update_plan_settings(SLUG, mode=2, digest_time=time(9, 15), holidays=[date(2026, 5, 1)])


def test_export_then_import_into_an_empty_database_reproduces_it_exactly(open_store):
    source = open_store()
    _fill(source)
    exported = source.export()
    restored = open_store()

    restored.import_(json.loads(json.dumps(exported)))  # through real JSON, as the CLI does

    assert restored.export() == exported
    # The settings rows come back as they were, key by key and as JSON text.
    assert exported["plans"][0]["settings"] == {
        "digest_time": "09:15",
        "four_eyes": False,
        "holidays": ["2026-05-01"],
        "mode": 2,
    }
    assert exported["plans"][1]["settings"] == {
        "digest": {"time": "09:30", "days": ["mon"]},
        "digest_cutoff": None,
    }
    for slug in (SLUG, "side"):
        assert restored.statuses(slug) == source.statuses(slug)
        assert restored.events(slug) == source.events(slug)  # same ids, times, request ids
        assert restored.audit(slug) == source.audit(slug)
        assert restored.get_plan(slug) == source.get_plan(slug)
        assert restored.plan_settings(slug) == source.plan_settings(slug)
        assert setting_rows(restored, slug) == setting_rows(source, slug)
        assert_states_follow_events(restored, slug)
    assert restored.lead_records() == source.lead_records()
    assert restored.plan_for_channel("C1").slug == SLUG
    assert restored.status(SLUG, "10.2").forced

    # The restored database keeps working: new rows get fresh ids and retries are still caught.
    newest = max(e.id for e in restored.events(SLUG) + restored.events("side"))
    after = restored.transition(SLUG, make_event("1.2", Action.START, "dave", 20))
    assert after.ok and after.event.id > newest
    replay = restored.transition(SLUG, make_event("10.2", Action.FORCE_START, "lead", 10, request_id="rq-1"))
    assert replay.duplicate
    restored.save_plan("third", "Third", "#", ["1.1"])
    assert restored.get_plan("third") is not None


def test_export_is_json_with_a_format_version(plan_store):
    walk_to_review(plan_store, "1.1")
    exported = plan_store.export()
    assert json.loads(json.dumps(exported)) == exported
    assert (exported["format"], exported["version"]) == ("deliverybot-backup", 2)
    (plan,) = exported["plans"]
    assert plan["slug"] == SLUG and plan["channel"] == "C-DELIVERY"
    assert [s["story_id"] for s in plan["states"]] == ["1.1", "1.2", "2.1", "3.12", "4.1"]
    assert [e["action"] for e in plan["events"]] == ["start", "review"]
    assert plan["states"][0]["state"] == State.REVIEW.value


def test_import_refuses_a_database_that_holds_data(open_store):
    source = open_store()
    _fill(source)
    exported = source.export()
    target = open_store()
    target.add_lead("someone", "install")  # even a lone lead makes it non-empty
    before = target.export()
    with pytest.raises(ValueError, match="empty database"):
        target.import_(exported)
    assert target.export() == before
    with pytest.raises(ValueError, match="empty database"):
        source.import_(exported)


def test_import_refuses_a_backup_whose_states_contradict_its_events(open_store):
    source = open_store()
    _fill(source)
    tampered = source.export()
    tampered["plans"][0]["states"][0]["state"] = "done"  # 1.1 was reopened: its events say in_progress
    target = open_store()
    with pytest.raises(ValueError, match="1.1"):
        target.import_(tampered)
    assert target.list_plans() == [] and target.leads() == []


def _plan_with_settings(settings: dict) -> dict:
    return {
        "slug": "p",
        "title": "P",
        "channel": None,
        "source": "#",
        "source_sha": hashlib.sha256(b"#").hexdigest(),
        "imported_at": "2026-01-05T09:00:00+00:00",
        "states": [],
        "events": [],
        "audit": [],
        "lanes": {},
        "settings": settings,
    }


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"format": "something-else"}, "not a deliverybot backup"),
        ({"version": 99}, "version"),
        ({"plans": [{}]}, "slug"),
        ({"plans": [_plan_with_settings({"digest_time": "9h"})]}, "plan setting 'digest_time'"),
    ],
)
def test_import_refuses_foreign_or_malformed_data(open_store, broken, message):
    data = {"format": "deliverybot-backup", "version": 1, "plans": [], "leads": []} | broken
    target = open_store()
    with pytest.raises(ValueError, match=message):
        target.import_(data)
    assert target.list_plans() == []
