"""Plain-text answers: why /next picks a story, the /next, /unblocked, /board and story texts, and
the sentences for a failure — user and plan text escaped once, people named as mentions."""

import pytest

from bot.render.text import (
    MAX_LINES,
    capped,
    card_line,
    digest_not_posted_text,
    graph_not_posted_text,
    group_by_owner,
    internal_error_text,
    next_text,
    owner_heading,
    unblocked_text,
    why_next,
)
from planner.staffing import Suggestion
from tests.helpers.bot import LINK, NASTY, NASTY_ESCAPED, STORIES


@pytest.mark.parametrize(("suggestion", "said"), [
    (Suggestion("4.1", "continue"), "you hold 4.1; finish it and send it to review"),
    (Suggestion("4.1", "review"), "4.1 waits for your review"),
    (Suggestion("4.1", "lane", lane="A"), "next in your lane (Dev A)"),
    (Suggestion("4.1", "lane"), "a floating story your lane may take"),
    (Suggestion("4.1", "elsewhere", has_lane=True, critical=True, owner="U0BOB"),
     "your lane is blocked; 4.1 is on the critical path (in the lane of <@U0BOB>)"),
    (Suggestion("4.1", "elsewhere", has_lane=False, owner="bob&co"),
     "you have no lane in this mode; 4.1 is the best startable story (in the lane of @bob&amp;co)"),
    (Suggestion("4.1", "elsewhere", has_lane=True), "your lane is blocked; 4.1 is the best startable story"),
    (Suggestion(None, "nothing"), "nothing is startable right now"),
], ids=["continue", "review", "lane", "floating", "elsewhere-critical", "elsewhere-no-lane", "elsewhere-unowned",
        "nothing"])
def test_why_next_gives_the_reason_for_each_kind_of_suggestion(suggestion, said):
    assert why_next(suggestion) == said


def test_a_lane_key_from_the_plan_is_escaped_in_why_next():
    assert why_next(Suggestion("4.1", "lane", lane="<A>")) == "next in your lane (Dev &lt;A&gt;)"


@pytest.mark.parametrize(("kind", "command"), [
    ("continue", "/review 4.1 &lt;link&gt; when ready"),
    ("review", "/done 4.1 &lt;evidence link&gt; or /review 4.1 changes &lt;what&gt;"),
    ("lane", "/start 4.1"),
    ("elsewhere", "/start 4.1"),
])
def test_next_text_names_the_story_and_the_command_that_moves_it(kind, command):
    text = next_text(Suggestion("4.1", kind, lane="A"), NASTY)
    headline, todo = text.split("\n")
    assert headline.startswith(f"Next for you: *{NASTY_ESCAPED}* — ")
    assert todo == command
    assert "<!channel>" not in text and "&amp;amp;" not in text


def test_next_text_with_nothing_to_do_says_why():
    assert next_text(Suggestion(None, "nothing"), None) == "Nothing for you right now: nothing is startable right now."


def test_a_card_line_escapes_the_label_and_marks_gates_critical_path_and_what_it_unblocks():
    line = card_line({"label": NASTY, "gate": "data", "critical": True, "unblocks_all": 7})
    assert line == f"• {NASTY_ESCAPED}  [gate: data, critical path, unblocks 7]"
    assert card_line({"label": "1.3 Backups"}) == "• 1.3 Backups"


def test_long_lists_are_capped_with_a_pointer_to_the_rest():
    lines = [f"line {i}" for i in range(MAX_LINES + 3)]
    shown = capped(lines)
    assert len(shown) == MAX_LINES + 1 and shown[:MAX_LINES] == lines[:MAX_LINES]
    assert shown[-1].startswith("… and 3 more")
    exact = lines[:MAX_LINES]
    assert capped(exact) == exact


@pytest.mark.parametrize(("card", "heading"), [
    ({"owner": "U0ANN", "lane_label": "Dev A (platform core)"}, "<@U0ANN> — Dev A (platform core)"),
    ({"owner": "ann<x>", "lane_label": "Dev A"}, "@ann&lt;x&gt; — Dev A"),
    ({"owner": None, "floating": True, "lane_label": "floating (Dev B/C)"}, "Unclaimed — floating (Dev B/C)"),
    ({"owner": None, "lane": "B", "lane_label": "Dev B"}, "Unclaimed — Dev B (no one bound: /team lane B @someone)"),
    ({"owner": None, "lane_label": "no lane"}, "Unclaimed — in no lane of this mode"),
])
def test_owner_headings_name_the_person_or_say_how_to_bind_the_lane(card, heading):
    assert owner_heading(card) == heading


def test_cards_are_grouped_by_owner_in_the_order_they_come():
    cards = [{"label": "a", "owner": "U0ANN", "lane_label": "Dev A"},
             {"label": "b", "owner": None, "lane": "B", "lane_label": "Dev B"},
             {"label": "c", "owner": "U0ANN", "lane_label": "Dev A"}]
    groups = group_by_owner(cards)
    assert [h for h, _ in groups] == ["<@U0ANN> — Dev A", "Unclaimed — Dev B (no one bound: /team lane B @someone)"]
    assert [c["label"] for c in groups[0][1]] == ["a", "c"]


def test_unblocked_text_lists_startable_cards_under_their_owner_and_what_is_blocked():
    data = {"scope": "all", "mode": 3,
            "items": [{"label": NASTY, "owner": "bob", "lane_label": "Dev B", "critical": True}],
            "blocked": [{"label": "2.1 Ingest", "waiting_for": ["1.1", "1.2"]}]}
    lines = unblocked_text("k3s", data).split("\n")
    assert lines[0] == "*Startable now in k3s*, 3-dev plan: 1"
    assert lines[1] == "@bob — Dev B" and lines[2] == f"  • {NASTY_ESCAPED}  [critical path]"
    assert "*Blocked*: 1" in lines and "  • 2.1 Ingest — waits for 1.1, 1.2" in lines
    assert lines[-1] == "Take one with /start ID."


def test_unblocked_mine_with_nothing_points_to_everything_startable():
    text = unblocked_text("k3s", {"scope": "mine", "items": []})
    assert "Nothing startable in your lane right now; /unblocked shows everything startable." in text
    assert "/start" not in text


def test_a_story_shows_its_holder_its_lane_owner_and_an_escaped_reason_in_its_history(service):
    service.handle("lea", "/team lane A @U0ANN")
    assert service.handle("U0ANN", "/start 1.1").ok
    assert service.handle("U0ANN", f"/review 1.1 {LINK} @bob").ok
    assert service.handle("bob", f"/review 1.1 changes {NASTY}").ok
    lines = service.handle("bob", "/board 1.1").text.split("\n")
    assert lines[0].endswith("— in progress, <@U0ANN>")
    assert lines[1].endswith("bound to <@U0ANN>")
    assert "Gate: entry" in lines and f"Evidence: {LINK}" in lines
    changes = next(line for line in lines if " changes: " in line)
    assert "@bob changes: in review → in progress" in changes and changes.endswith(NASTY_ESCAPED)


def test_a_story_to_do_says_whether_it_can_start(service):
    assert "Startable: /start 1.1" in service.handle("ann", "/board 1.1").text
    blocked = service.handle("ann", "/board 2.1").text.split("\n")
    assert any(line.startswith("Blocked: waits for 1.1") for line in blocked)
    assert not any(line.startswith("Startable:") for line in blocked)


def test_the_board_names_who_holds_a_gate_and_how_many_wait_behind_it(service):
    assert service.handle("U0ANN", "/start 1.1").ok
    text = service.handle("ann", "/board").text
    # the entry gate: every other story of the seed waits behind it
    assert f"• 1.1 (entry): in progress, <@U0ANN> — {STORIES - 1} waiting behind it" in text


def test_failures_say_what_to_do():
    for error in ("not_in_channel", "channel_not_found"):
        assert "/invite @deliverybot" in graph_not_posted_text(error)
    other = graph_not_posted_text("ratelimited")
    assert "Slack said ratelimited" in other and "/invite" not in other
    assert digest_not_posted_text("Slack said not_in_channel").endswith("then /digest post again.")
    said = digest_not_posted_text(NASTY)
    assert said == f"The digest was not posted: {NASTY_ESCAPED}."
    assert "(ref abc123)" in internal_error_text("abc123")
