"""DeliveryService.handle end to end on the seed plan and a real SQLite file: one entry point that
never raises, finds the plan, dispatches from the command table and writes a change atomically."""

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from planner.state import fold_events
from tests.helpers.bot import LINK, SEED, SLUG, STORIES, count_events, startable


@pytest.mark.parametrize("text,expect", [
    ("", "Type a command"),
    ("/start 9.9", "no story 9.9"),
    ("/start 1.1; DROP TABLE events", "not a story id"),
    ("/done 1.1 ; DROP TABLE events", "1.1 is not started yet"),
    ("/done " + "x" * 10_000, "limit is 4,000"),
    ("/start 1.1\x00", "NUL"),
    ("/start 1.1\u200b", "not a story id"),
    ("/start \u202e1.1", "not a story id"),
    ("/frobnicate", "Unknown command"),
    ("/unblocked everything", "Usage: /unblocked"),
    ("/team lane Z @ann", "Usage"),
    ("/team mode \u00b2", "Usage: /team mode N"),
    ("/team digest 09:00 Europe mon-fri", "not a time zone"),
    ("/team digest 09:00 " + "A" * 300 + " mon-fri", "not a time zone"),
    ("/team channel <!channel>", "not a channel"),
])
def test_bad_input_is_a_clear_message_and_writes_nothing(service, text, expect):
    before = count_events(service)
    reply = service.handle("lea", text)
    assert not reply.ok
    assert expect in reply.text
    assert count_events(service) == before
    assert "\x00" not in reply.text and "\u202e" not in reply.text


def test_whole_seed_walk_ends_all_done_with_consistent_events(service, walk):
    order = []
    for _ in range(40):
        ready = startable(service)
        if not ready:
            break
        for sid in ready:
            if sid == "5.4" and len(ready) > 1:
                continue
            walk.ok("dev", f"/start {sid}")
            walk.ok("dev", f"/review {sid} {LINK}")
            reply = service.handle("rev", f"/done {sid} {LINK}")
            if sid == "5.4" and not reply.ok:
                continue
            assert reply.ok, reply.text
            order.append(sid)
    st = service.store.statuses(SLUG)
    remaining = [s for s, v in st.items() if v.state != "done"]
    if remaining == ["5.4"]:
        walk.ok("rev", f"/done 5.4 {LINK}")
        order.append("5.4")
    st = service.store.statuses(SLUG)
    assert all(v.state == "done" for v in st.values()) and len(st) == STORIES
    assert order[-1] == "5.4"
    folded = fold_events(st.keys(), service.store.events(SLUG))
    assert {k: v.state for k, v in folded.items()} == {k: v.state for k, v in st.items()}
    assert count_events(service) == STORIES * 3  # start, review, done
    assert startable(service) == []


@pytest.mark.faults
def test_a_team_change_and_its_audit_event_land_together_or_not_at_all(service, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("database went away between the change and its audit event")

    monkeypatch.setattr(service.store, "record_audit", crash)
    failed = service.handle("lea", "/team lane A @ann")
    assert not failed.ok and failed.data["error"] == "internal"
    assert f"ref {failed.data['ref']}" in failed.text and "database went away" not in failed.text
    monkeypatch.undo()
    assert service.store.lane_bindings(SLUG) == {}  # no half-applied change
    reply = service.handle("lea", "/team digest 08:15 Europe/Paris mon-thu")
    assert reply.ok and "08:15 Europe/Paris on mon,tue,wed,thu" in reply.text  # reads its own writes
    assert [a.action for a in service.store.audit(SLUG)] == ["team-digest"]


# -- which plan a command is about --------------------------------------------------------------


def test_without_a_plan_a_command_says_how_to_import_one_and_help_still_answers(store):
    service = DeliveryService(store)
    reply = service.handle("ann", "/unblocked")
    assert not reply.ok and reply.data["error"] == "no-plan"
    assert "deliverybot plan import FILE" in reply.text
    assert service.handle("ann", "/help").ok  # /help needs no plan


def test_with_several_plans_the_channel_or_the_name_decides(store):
    import_plan(store, SEED, slug="first", channel="C0FIRST")
    import_plan(store, SEED, slug="second")
    service = DeliveryService(store)
    unbound = service.handle("ann", "/status")
    assert not unbound.ok and unbound.data["error"] == "no-plan"
    assert "Several plans (first, second)" in unbound.text and "--plan" in unbound.text
    assert service.handle("ann", "/status", channel="C0FIRST").data["plan"] == "first"
    assert service.handle("ann", "/status", plan="second").data["plan"] == "second"
    unknown = service.handle("ann", "/status", plan="third")
    assert not unknown.ok and "No plan named 'third'" in unknown.text


def test_a_move_made_by_another_process_is_seen_by_the_next_command(service, store):
    assert service.handle("ann", "/status 1.1").data["state"] == "todo"  # the plan, read and cached
    other = DeliveryService(store)  # another process on the same database
    assert other.handle("bob", "/start 1.1").ok
    seen = service.handle("ann", "/status 1.1")
    assert seen.data["state"] == "in_progress" and seen.data["assignee"] == "bob"
    assert not service.handle("ann", "/start 1.1").ok  # held by bob, not startable from a stale view


@pytest.mark.parametrize(("text", "echoed"), [
    ("/start 1.1 R&D", "'R&amp;D' is not understood here"),
    ("/team <!channel>", "'&lt;!channel&gt;' is not a /team command"),
    ("/team lane A <!channel>", "'&lt;!channel&gt;' is not a person"),
    ("/team channel <!channel>", "'&lt;!channel&gt;' is not a channel"),
])
def test_words_echoed_in_a_refusal_are_escaped_once(service, text, echoed):
    reply = service.handle("lea", text)
    assert not reply.ok and echoed in reply.text and "&amp;amp;" not in reply.text and "&amp;lt;" not in reply.text


def test_a_console_name_is_escaped_where_it_is_named(service):
    assert service.handle("<!here>", "/start 1.1").ok  # `cmd --as` takes any name
    refused = service.handle("bob", "/start 1.1")
    assert "held by @&lt;!here&gt;" in refused.text and "<!here>" not in refused.text


def test_a_team_change_delivered_twice_is_recorded_once(service):
    """Slack may deliver one command twice, to two replicas: the request id, stored with the audit
    entry, makes the second a duplicate that changes and announces nothing."""
    first = service.handle("lea", "/team mode 2", request_id="Tdelivery-1")
    again = service.handle("lea", "/team mode 2", request_id="Tdelivery-1")
    assert first.ok and first.response_type == "in_channel"  # the change is said in the channel
    assert again.ok and again.data["duplicate"] and again.response_type == "ephemeral"
    assert again.text == "Already recorded: /team mode."
    assert [e.request_id for e in service.store.audit(SLUG)].count("Tdelivery-1") == 1
