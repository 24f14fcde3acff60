"""The service end to end on the seed plan and a real SQLite file: what a team sees."""

import pytest

from planner.state import fold_events
from tests.bot.conftest import LINK


def startable(service, actor="ann", text="/unblocked"):
    reply = service.handle(actor, text)
    assert reply.ok, reply.text
    return reply.data["startable"]


def test_unblocked_follows_the_seed(service, walk):
    assert startable(service) == ["1.1"]
    walk.finish("1.1")
    assert sorted(startable(service)) == ["1.3", "1.4", "2.4", "5.3", "5.4"]
    walk.finish("1.3")
    walk.finish("1.4")
    assert sorted(startable(service)) == ["1.2", "2.1", "2.4", "5.3", "5.4"]
    assert startable(service)[0] == "2.1"  # the critical path comes first


def test_unblocked_text_groups_by_lane_owner_with_marks(service):
    service.handle("lea", "/team lane A @ann")
    reply = service.handle("bob", "/unblocked")
    assert "@ann — Dev A (platform core)" in reply.text
    assert "1.1 baseline hardening" in reply.text
    assert "gate: entry" in reply.text and "critical path" in reply.text and "unblocks 17" in reply.text
    item = reply.data["items"][0]
    assert item["owner"] == "ann" and item["gate"] == "entry" and item["critical"] and item["unblocks_all"] == 17


def test_unblocked_all_shows_blocked_with_open_prerequisites(service, walk):
    walk.finish("1.1")
    reply = service.handle("ann", "/unblocked all")
    blocked = {b["id"]: b["waiting_for"] for b in reply.data["blocked"]}
    assert blocked["1.2"] == ["1.3", "1.4"]
    assert blocked["4.1"] == ["2.2"]
    assert "1.2" in reply.text and "waits for 1.3, 1.4" in reply.text


def test_unblocked_mine_only_my_lane(service, walk):
    service.handle("lea", "/team lane B @bob")
    walk.finish("1.1")
    assert startable(service, "bob", "/unblocked mine") == ["1.4", "2.4", "5.3", "5.4"]
    assert startable(service, "zed", "/unblocked mine") == []


def count_events(service):
    return len(service.store.events("k3s-mono-pgsql"))


@pytest.mark.parametrize("setup,actor,text,code,words", [
    ([], "bob", "/done 1.1 " + LINK, "not-started", "not started"),
    (["ann:/start 1.1"], "bob", "/done 1.1 " + LINK, "review-before-done", "review before done"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "bob", "/done 1.1", "bad-link", "evidence link is required"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "bob", "/done 1.1 javascript:alert(1)", "bad-link", "http"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "ann", "/done 1.1 " + LINK, "four-eyes", "someone else"),
    ([], "ann", "/start 2.1", "not-startable", "waits for 1.1"),
    (["ann:/start 1.1"], "bob", "/start 1.1", "held-by-other", "held by @ann"),
    ([], "ann", "/team mode 2", "lead-only", "Only a lead"),
    ([], "ann", "/start 1.1 force because", "lead-only", "Only a lead"),
])
def test_refusals_name_the_rule_and_change_nothing(service, setup, actor, text, code, words):
    for step in setup:
        who, cmd = step.split(":", 1)
        assert service.handle(who, cmd).ok
    before_events = count_events(service)
    before_states = service.store.statuses("k3s-mono-pgsql")
    reply = service.handle(actor, text)
    assert not reply.ok
    assert reply.data["error"] == code
    assert words in reply.text
    assert count_events(service) == before_events
    assert service.store.statuses("k3s-mono-pgsql") == before_states


def test_solo_mode_lets_the_author_close(service):
    assert service.handle("lea", "/team solo on").ok
    service.handle("ann", "/start 1.1")
    service.handle("ann", f"/review 1.1 {LINK}")
    assert service.handle("ann", f"/done 1.1 {LINK}").ok


def test_finalisation_story_waits_for_the_17_others(service, walk):
    walk.finish("1.1")
    service.handle("ann", "/start 5.4")
    service.handle("ann", f"/review 5.4 {LINK}")
    reply = service.handle("bob", f"/done 5.4 {LINK}")
    assert not reply.ok and reply.data["error"] == "finalisation"
    assert "16 other stories are not done yet" in reply.text


@pytest.mark.parametrize("text,expect", [
    ("", "Type a command"),
    ("/start 9.9", "no story 9.9"),
    ("/start 1.1; DROP TABLE events", "not a story id"),
    ("/done 1.1 ; DROP TABLE events", "Too many words"),
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


def test_user_text_is_escaped_in_replies(service, walk):
    service.handle("ann", "/start 1.1")
    service.handle("ann", "/review 1.1 https://x.example/<!channel>")
    reply = service.handle("lea", "/status 1.1")
    assert "<!channel>" not in reply.text


def test_notifications_tell_each_owner_once_and_the_channel(service, walk):
    service.handle("lea", "/team lane B @bob")
    service.handle("lea", "/team lane A @ann")
    service.handle("ann", "/start 1.1")
    service.handle("ann", f"/review 1.1 {LINK} @bob")
    reply = service.handle("bob", f"/done 1.1 {LINK}")
    dms = [n for n in reply.notifications if n.kind == "dm"]
    assert {n.to for n in dms} == {"ann", "bob"}  # one DM per person, not per story
    bob = next(n for n in dms if n.to == "bob")
    assert "1.4" in bob.text and "2.4" in bob.text
    channel = [n for n in reply.notifications if n.kind == "channel"]
    assert len(channel) == 1 and "Gate passed (entry)" in channel[0].text
    assert "1.3 (@ann)" in channel[0].text and "5.3 (@bob)" in channel[0].text


def test_unowned_startable_stories_are_named_in_the_channel(service, walk):
    service.handle("ann", "/start 1.1")
    review = service.handle("ann", f"/review 1.1 {LINK} @bob")
    assert [(n.kind, n.to) for n in review.notifications if n.kind == "dm"] == [("dm", "bob")]
    reply = service.handle("bob", f"/done 1.1 {LINK}")
    assert not [n for n in reply.notifications if n.kind == "dm"]
    assert "1.3 (unclaimed)" in reply.notifications[0].text


def test_status_board_and_story_history(service, walk):
    walk.finish("1.1")
    board = service.handle("ann", "/status")
    assert board.data["counts"]["done"] == 1
    assert "1/18 done" in board.text
    assert "Checkpoint" in board.text or "Checkpoints" in board.text
    story = service.handle("ann", "/status 1.2")
    assert story.data["open_prerequisites"] == ["1.3", "1.4"]
    assert "waits for 1.3, 1.4" in story.text
    hist = service.handle("ann", "/status 1.1").data["history"]
    assert [h["action"] for h in hist] == ["start", "review", "done"]


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
    st = service.store.statuses("k3s-mono-pgsql")
    remaining = [s for s, v in st.items() if v.state != "done"]
    if remaining == ["5.4"]:
        walk.ok("rev", f"/done 5.4 {LINK}")
        order.append("5.4")
    st = service.store.statuses("k3s-mono-pgsql")
    assert all(v.state == "done" for v in st.values()) and len(st) == 18
    assert order[-1] == "5.4"
    folded = fold_events(st.keys(), service.store.events("k3s-mono-pgsql"))
    assert {k: v.state for k, v in folded.items()} == {k: v.state for k, v in st.items()}
    assert count_events(service) == 18 * 3
    assert startable(service) == []


def test_team_channel_as_slack_sends_it_binds_the_channel_id(service):
    # With should_escape, Slack sends "/team channel #deliveries" as <#C0DELIV|deliveries>.
    reply = service.handle("lea", "/team channel <#C0DELIV|deliveries>")
    assert reply.ok, reply.text
    assert service.store.get_plan("k3s-mono-pgsql").channel == "C0DELIV"
    started = service.handle("ann", "/start 1.1")
    assert [n.to for n in started.notifications if n.kind == "channel"] == ["C0DELIV"]


def test_a_team_change_and_its_audit_event_land_together_or_not_at_all(service, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("database went away between the change and its audit event")

    monkeypatch.setattr(service.store, "record_audit", crash)
    failed = service.handle("lea", "/team lane A @ann")
    assert not failed.ok and failed.data["error"] == "internal"
    assert f"ref {failed.data['ref']}" in failed.text and "database went away" not in failed.text
    monkeypatch.undo()
    assert service.store.lane_bindings("k3s-mono-pgsql") == {}  # no half-applied change
    reply = service.handle("lea", "/team digest 08:15 Europe/Paris mon-thu")
    assert reply.ok and "08:15 Europe/Paris on mon,tue,wed,thu" in reply.text  # reads its own writes
    assert [a.action for a in service.store.audit("k3s-mono-pgsql")] == ["team-digest"]
