"""Plain-text answers: why /next picks a story, the /next, /unblocked, /board and story texts, and
the sentences for a failure — user and plan text escaped once, people named as mentions."""

from datetime import timedelta

import pytest

from bot.bootstrap import import_plan
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
    preparation_lines,
    sprint_lines,
    unblocked_text,
    why_next,
)
from bot.service.delivery import DeliveryService
from planner.staffing import Suggestion
from planner.state import Action, Event, State
from tests.helpers.bot import LINK, MON, NASTY, NASTY_ESCAPED, SEED, STORIES
from tests.helpers.plans import read_seed


@pytest.mark.parametrize(("suggestion", "said"), [
    (Suggestion("4.1", "continue"), "you hold 4.1; finish it and send it to review"),
    (Suggestion("4.1", "review"), "4.1 waits for your review"),
    (Suggestion("4.1", "review", gate="data", critical=True), "4.1 waits for your review (data gate, critical path)"),
    (Suggestion("4.1", "prepared", lane="B"), "you prepared 4.1 and it can start now"),
    (Suggestion("4.1", "lane", lane="A"), "next in your lane (Dev A)"),
    (Suggestion("4.1", "lane"), "a floating story your lane may take"),
    (Suggestion("4.1", "preparing", waits_for=("1.1", "2.2")),
     "you are preparing 4.1; it waits for 1.1, 2.2, and you will hear first when it can start"),
    (Suggestion("4.1", "prepare", lane="C", waits_for=("2.2",)),
     "nothing in your lane can start yet; prepare 4.1 (branch, variables, secrets) while it waits for 2.2"),
    (Suggestion("4.1", "elsewhere", has_lane=True, lane_finished=True, critical=True, owner="U0BOB"),
     "your lane is finished; 4.1 is on the critical path (in the lane of <@U0BOB>, who is on other work)"),
    (Suggestion("4.1", "elsewhere", has_lane=False, owner="bob&co"),
     "you have no lane in this mode; 4.1 is the best startable story free to take (in the lane of @bob&amp;co, "
     "who is on other work)"),
    (Suggestion("4.1", "elsewhere", has_lane=True),
     "nothing in your lane to start or prepare; 4.1 is the best startable story free to take"),
    (Suggestion("4.1", "elsewhere", has_lane=True, later=("5.4",)),
     "nothing in your lane to start or prepare (5.4 is finalised at the end: it comes once no other story is "
     "left to do); 4.1 is the best startable story free to take"),
    (Suggestion(None, "nothing"), "nothing is free to start right now"),
    (Suggestion(None, "nothing", has_lane=True, lane_finished=True),
     "your lane is finished, and nothing else is free to start right now"),
], ids=["continue", "review", "review-gate", "prepared", "lane", "floating", "preparing", "prepare",
        "elsewhere-finished", "elsewhere-no-lane", "elsewhere-unowned", "elsewhere-later", "nothing",
        "nothing-finished"])
def test_why_next_gives_the_reason_for_each_kind_of_suggestion(suggestion, said):
    assert why_next(suggestion) == said


def test_a_lane_key_from_the_plan_is_escaped_in_why_next():
    assert why_next(Suggestion("4.1", "lane", lane="<A>")) == "next in your lane (Dev &lt;A&gt;)"


@pytest.mark.parametrize(("kind", "command"), [
    ("continue", "/review 4.1 &lt;link&gt; when ready"),
    ("review", "/done 4.1 &lt;evidence link&gt; or /review 4.1 changes &lt;what&gt;"),
    ("prepared", "/start 4.1"),
    ("lane", "/start 4.1"),
    ("prepare", "/prepare 4.1"),
    ("preparing", "/board 4.1 shows what it waits for; /prepare 4.1 off gives it up"),
    ("elsewhere", "/start 4.1"),
])
def test_next_text_names_the_story_and_the_command_that_moves_it(kind, command):
    text = next_text(Suggestion("4.1", kind, lane="A"), NASTY)
    headline, todo = text.split("\n")
    assert headline.startswith(f"Next for you: *{NASTY_ESCAPED}* — ")
    assert todo == command
    assert "<!channel>" not in text and "&amp;amp;" not in text


def test_next_text_with_nothing_to_do_says_why():
    assert next_text(Suggestion(None, "nothing"), None) == "Nothing for you right now: nothing is free to start right now."


def test_next_text_says_what_changes_were_asked_on_the_story_you_hold():
    asked = Event("4.1", Action.CHANGES, "U0REV", State.REVIEW, State.IN_PROGRESS, MON, reason=NASTY)
    text = next_text(Suggestion("4.1", "continue"), "4.1 PostgreSQL", asked)
    assert text.split("\n")[0] == (f"Next for you: *4.1 PostgreSQL* — you hold 4.1; <@U0REV> asked for changes: "
                                   f"{NASTY_ESCAPED} — make them and send it back to review.")
    silent = Event("4.1", Action.CHANGES, "rev", State.REVIEW, State.IN_PROGRESS, MON)
    assert "@rev asked for changes — make them" in next_text(Suggestion("4.1", "continue"), "4.1", silent)


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
    ({"owner": "U0ANN", "lane": "A", "lane_label": "Dev A (platform core)"}, "<@U0ANN> — Dev A (platform core)"),
    ({"owner": "ann<x>", "lane": "A", "lane_label": "Dev A"}, "@ann&lt;x&gt; — Dev A"),
    ({"owner": None, "floating": True, "floating_lanes": ["B", "C"], "lane_label": "floating (Dev B/C)"},
     "Unclaimed — floating (Dev B/C)"),
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


# -- preparations, open bypasses, reopened stories, sprints ------------------------------------------


@pytest.fixture
def clocked(store):
    """The seed on the real service, its clock at Monday 2 March 09:00 (Paris) unless moved."""
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    now = {"t": MON}

    def at(when, actor, text):
        now["t"] = when
        reply = service.handle(actor, text)
        assert reply.ok, reply.text
        return reply

    service = DeliveryService(store, clock=lambda: now["t"])
    return at


def test_unblocked_all_and_the_board_show_who_prepares_a_blocked_story(clocked):
    clocked(MON, "bob", "/prepare 1.4")
    text = clocked(MON, "ann", "/unblocked all").text
    assert "  • 1.4 — waits for 1.1; prepared by @bob since 2 Mar" in text.split("\n")
    board = clocked(MON, "ann", "/board").text.split("\n")
    assert board[board.index("*Being prepared*: 1") + 1] == "  • 1.4 — prepared by @bob since 2 Mar (waits for 1.1)"
    assert "Being prepared by @bob since 2 Mar." in clocked(MON, "ann", "/board 1.4").text.split("\n")
    clocked(MON, "ann", "/start 1.1")
    clocked(MON, "ann", f"/review 1.1 {LINK} @cid")
    clocked(MON, "cid", f"/done 1.1 {LINK}")
    startable = clocked(MON, "ann", "/unblocked").text.split("\n")
    line = next(line for line in startable if line.startswith("  • 1.4"))
    assert line.endswith("] — prepared by @bob since 2 Mar")  # startable now: bob should take it
    clocked(MON, "bob", "/start 1.4")
    assert "prepared by" not in clocked(MON, "ann", "/board").text


def test_the_board_shows_an_open_bypass_until_its_prerequisites_are_done_and_flags_reopened_work(clocked):
    for sid in ("1.1", "1.3"):
        clocked(MON, "ann", f"/start {sid}")
        clocked(MON, "ann", f"/review {sid} {LINK} @cid")
        clocked(MON, "cid", f"/done {sid} {LINK}")
    clocked(MON, "lea", "/start 1.2 force the secrets can't wait")  # 1.4 not done
    clocked(MON, "lea", f"/review 1.2 {LINK} @cid")
    board = clocked(MON, "ann", "/board").text.split("\n")
    assert "⚠ 1.2 was forced past open prerequisites (1.4)" in board  # in review, still open
    tue = MON + timedelta(days=1)
    clocked(tue, "lea", "/start 1.3 reopen a port left open")
    clocked(tue + timedelta(hours=1), "lea", "/start 2.1 force on top of the reopen")
    board = clocked(tue, "ann", "/board").text.split("\n")
    at = board.index("↩ 1.3 was reopened on 3 Mar (in progress, @ann)")
    assert board[at + 1] == "  ⚠ started or done on top of it since: 2.1 (in progress)"
    clocked(tue, "bob", "/start 1.4")
    clocked(tue, "bob", f"/review 1.4 {LINK} @cid")
    clocked(tue, "cid", f"/done 1.4 {LINK}")
    assert "⚠ 1.2 was forced past open prerequisites (1.3)" in clocked(tue, "ann", "/board").text.split("\n")
    clocked(tue, "ann", f"/review 1.3 {LINK} @cid")
    clocked(tue, "cid", f"/done 1.3 {LINK}")
    board = clocked(tue, "ann", "/board").text
    assert "was forced" not in board and "reopened" not in board  # 1.2 still in review; nothing bypassed


def test_the_board_shows_the_current_sprint_and_the_stories_late_against_it(clocked):
    sprints = read_seed().mode(2).sprints
    first, second = sprints[0], sprints[1]
    board = clocked(MON, "ann", "/board").text.split("\n")
    assert "*Sprints*: the 3-dev plan has none." in board  # the recommended mode
    clocked(MON, "lea", "/team mode 2")
    board = clocked(MON, "ann", "/board").text.split("\n")
    assert f"*Sprint*: {first.name} (1 of {len(sprints)}, 2-dev plan) — 0/{len(first.stories)} done" in board
    clocked(MON, "ann", "/start 1.1")
    clocked(MON, "ann", f"/review 1.1 {LINK} @cid")
    clocked(MON, "cid", f"/done 1.1 {LINK}")
    early = next(s for s in second.stories if s in clocked(MON, "ann", "/unblocked").data["startable"])
    clocked(MON, "ann", f"/start {early}")
    board = clocked(MON, "ann", "/board").text.split("\n")
    assert f"*Sprint*: {first.name} (1 of {len(sprints)}, 2-dev plan) — 1/{len(first.stories)} done" in board
    late = [line for line in board if " is late against " in line]
    assert late == [f"⚠ {s} is late against {first.name}: to do" for s in first.stories if s != "1.1"]


def test_sprint_lines_escape_names_and_say_when_all_are_done():
    sprint = {"mode": 2, "count": 1, "current": {"name": NASTY, "index": 1, "done": 0, "total": 2,
                                                  "in_progress": 1, "review": 1},
              "late": [{"story": "1.1", "sprint": NASTY, "state": "review", "assignee": "U0BOB"}]}
    assert sprint_lines(sprint) == [
        f"*Sprint*: {NASTY_ESCAPED} (1 of 1, 2-dev plan) — 0/2 done · 1 in review · 1 in progress",
        f"⚠ 1.1 is late against {NASTY_ESCAPED}: in review, <@U0BOB>",
    ]
    assert sprint_lines({"mode": 2, "count": 4, "current": None, "late": []}) == ["*Sprints*: all 4 done ✓"]
    assert sprint_lines({"mode": None, "count": 0}) == []


def test_a_preparers_name_is_escaped():
    line = preparation_lines([{"story": "1.4", "preparer": "bob<&>", "prepared_since": "2026-03-02T09:00:00+01:00",
                               "waiting_for": []}])
    assert line == ["*Being prepared*: 1", "  • 1.4 — prepared by @bob&lt;&amp;&gt; since 2 Mar (can start now)"]
