"""/start, /review and /done on the seed plan: refusals that name the rule and write nothing, and
the notifications a move sends to the channel and to the people it concerns."""

import pytest

from tests.helpers.bot import LINK, STORIES, refused_and_unchanged


@pytest.mark.parametrize("setup,actor,text,code,words", [
    ([], "bob", "/done 1.1 " + LINK, "not-started", "not started"),
    (["ann:/start 1.1"], "bob", "/done 1.1 " + LINK, "review-before-done", "review before done"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "bob", "/done 1.1", "bad-link", "evidence link is required"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "bob", "/done 1.1 javascript:alert(1)", "bad-link", "http"),
    (["ann:/start 1.1", f"ann:/review 1.1 {LINK}"], "ann", "/done 1.1 " + LINK, "four-eyes", "someone else"),
    ([], "ann", "/start 2.1", "not-startable", "waits for 1.1"),
    (["ann:/start 1.1"], "bob", "/start 1.1", "held-by-other", "held by @ann"),
    ([], "ann", "/start 1.1 force because", "lead-only", "Only a lead"),
])
def test_refusals_name_the_rule_and_change_nothing(service, setup, actor, text, code, words):
    for step in setup:
        who, cmd = step.split(":", 1)
        assert service.handle(who, cmd).ok
    reply = refused_and_unchanged(service, actor, text)
    assert reply.data["error"] == code
    assert words in reply.text


def test_finalisation_story_waits_for_every_other_story(service, walk):
    walk.finish("1.1")
    service.handle("ann", "/start 5.4")
    service.handle("ann", f"/review 5.4 {LINK}")
    reply = service.handle("bob", f"/done 5.4 {LINK}")
    assert not reply.ok and reply.data["error"] == "finalisation"
    not_done = STORIES - 2  # all but 1.1, done, and 5.4 itself
    assert f"{not_done} other stories are not done yet" in reply.text


def test_notifications_tell_each_owner_once_and_the_channel(service, walk):
    service.handle("lea", "/team lane B @bob")
    service.handle("lea", "/team lane A @ann")
    service.handle("ann", "/start 1.1")
    service.handle("ann", f"/review 1.1 {LINK} @bob")
    reply = service.handle("lea", f"/done 1.1 {LINK}")  # a lead, in the named reviewer's place
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


def test_a_lost_race_names_the_winner_once_escaped(service):
    """Two people read the plan, one writes first: the other hears who, as a mention, and nothing is written."""
    from bot.service.context import Call
    from bot.service.transitions import start_command

    stale = service.context()  # what the loser's command read, before the winner's write landed
    assert service.handle("U0WIN", "/start 1.1").ok
    before = len(service.store.events(stale.slug))
    call = Call(actor="U0LATE", args=("1.1",), usage="/start ID", request_id="late-1", store=service.store,
                settings=service.settings, clock=service.clock, context=stale)
    lost = start_command(call)
    assert lost.data["error"] == "conflict" and lost.data["by"] == "U0WIN"
    assert lost.text == ("1.1 was just moved to in progress by <@U0WIN>; your start was not applied.\n"
                         "1.1 is already in progress, held by <@U0WIN>.")
    assert len(service.store.events(stale.slug)) == before
