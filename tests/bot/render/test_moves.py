"""The sentences a move causes: gate headlines, DMs to lane owners, reviewers and authors, and the
answers to a retry or a lost race — with every piece of user text escaped exactly once."""

import pytest

from bot.render.moves import (
    already_recorded,
    changes_dm,
    headline,
    lane_owner_dm,
    lost_race,
    now_startable_for_actor,
    now_startable_for_channel,
    recorded_without_news,
    review_request_dm,
)
from planner.state import Action, State
from tests.helpers.bot import NASTY, NASTY_ESCAPED

LINK = "https://git.example.com/infra/pull/42?a=1&b=2"
LINK_ESCAPED = "https://git.example.com/infra/pull/42?a=1&amp;b=2"


def line(action, actor="U0ANN", label="4.1 Alerting", evidence=None, reviewer=None, reason=None, gate=None):
    return headline(action, actor=actor, label=label, evidence=evidence, reviewer=reviewer, reason=reason, gate=gate)


def assert_escaped_once(text: str) -> None:
    assert "<!channel>" not in text
    assert "&amp;amp;" not in text and "&amp;lt;" not in text


def test_a_gate_passing_is_announced_as_such():
    text = line(Action.DONE, actor="U0BOB", evidence=LINK, gate="data")
    assert text.startswith("🚦 Gate passed (data): ✅ ")
    assert "approved by <@U0BOB>" in text and LINK_ESCAPED in text


@pytest.mark.parametrize("action", [Action.START, Action.REVIEW, Action.CHANGES, Action.REOPEN, Action.FORCE_START])
def test_only_done_passes_a_gate(action):
    text = line(action, gate="data", reason="why", evidence=LINK)
    assert "Gate passed" not in text


def test_a_done_without_a_gate_has_no_gate_prefix():
    text = line(Action.DONE, evidence=LINK)
    assert text.startswith("✅ ") and "Gate" not in text


def test_a_gate_kind_from_the_plan_is_escaped():
    assert line(Action.DONE, gate=NASTY).startswith(f"🚦 Gate passed ({NASTY_ESCAPED}): ")


@pytest.mark.parametrize("action", list(Action))
def test_labels_reasons_and_evidence_are_escaped_once(action):
    text = line(action, label=NASTY, reason=NASTY + " hurry", evidence=NASTY + " link", reviewer="U0BOB")
    assert_escaped_once(text)
    assert NASTY_ESCAPED in text  # the label at least is always shown


def test_the_reason_of_a_forced_start_and_of_changes_is_shown():
    assert f"Reason: {NASTY_ESCAPED} hurry" in line(Action.FORCE_START, reason=NASTY + " hurry")
    assert f"Reason: {NASTY_ESCAPED}" in line(Action.CHANGES, reason=NASTY)
    assert "Reason" not in line(Action.CHANGES)


def test_slack_ids_stay_mentions_and_console_names_become_escaped_names():
    assert "<@U0ANN> started" in line(Action.START, actor="U0ANN")
    started = line(Action.START, actor="<!here>&ann")
    assert "@&lt;!here&gt;&amp;ann started" in started and "<!here>" not in started
    review = line(Action.REVIEW, reviewer="U0BOB", evidence=LINK)
    assert review.endswith("reviewer <@U0BOB>.")
    assert "reviewer @bob&amp;co" in line(Action.REVIEW, reviewer="bob&co")
    assert "reviewer" not in line(Action.REVIEW)


def test_the_lane_owner_dm_names_the_first_story_to_start():
    text = lane_owner_dm(["1.3 Backups", NASTY], "1.3")
    assert text.endswith("Take it with /start 1.3.")
    assert "1.3 Backups" in text and NASTY_ESCAPED in text
    assert_escaped_once(text)


def test_the_review_request_names_the_author_and_both_answers():
    text = review_request_dm(actor="U0ANN", label=NASTY, story="2.4", evidence=LINK)
    assert text.startswith("<@U0ANN> asks you to review ")
    assert NASTY_ESCAPED in text and LINK_ESCAPED in text
    assert "/done 2.4 " in text and "/review 2.4 changes " in text
    assert_escaped_once(text)
    assert " — " not in review_request_dm(actor="ann", label="x", story="2.4", evidence=None).split("\n")[0]


def test_the_changes_dm_gives_the_reason_escaped():
    text = changes_dm(actor="bob", label="2.4 Ingest", reason=NASTY)
    assert text.startswith("@bob asked for changes on 2.4 Ingest.")
    assert text.endswith(f"Reason: {NASTY_ESCAPED}")
    assert "Reason" not in changes_dm(actor="bob", label="2.4 Ingest", reason=None)


def test_the_channel_names_who_should_take_each_newly_startable_story():
    text = now_startable_for_channel({"1.3": "U0ANN", "1.4": None, "2.4": "bob<x>"})
    assert text == "\nNow startable: 1.3 (<@U0ANN>), 1.4 (unclaimed), 2.4 (@bob&lt;x&gt;)."


def test_the_actor_hears_whether_lane_owners_were_told():
    told = now_startable_for_actor(["1.3", "1.4"], True)
    assert "1.3, 1.4" in told and "their lane owners were told" in told
    untold = now_startable_for_actor(["1.3"], False)
    assert "no lane owner to tell" in untold and "/team lane" in untold


def test_a_retry_and_a_lost_race_say_nothing_was_applied():
    assert already_recorded("1.1", "start") == "Already recorded: 1.1 start."
    why = "It is held by <@U0BOB>."  # already mrkdwn: kept as it is
    text = lost_race(story="1.1", state_word="in review", by="U0BOB", action="start", why=why)
    assert "1.1 was just moved to in review by <@U0BOB>" in text and "was not applied" in text
    assert text.endswith("\n" + why)
    assert " by " not in lost_race(story="1.1", state_word="done", by=None, action="start", why="").split(";")[0]


def test_a_move_recorded_without_its_news_says_so_with_the_reference():
    text = recorded_without_news("1.1", State.REVIEW, "ref-7f3a")
    assert text.startswith("1.1 is now in review: that is recorded.")
    assert "(ref ref-7f3a)" in text and "tell them yourself" in text
