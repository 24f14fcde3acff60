"""What the team looks at, as data: story cards, /unblocked, the board, one story's file."""

from datetime import UTC, datetime, timedelta

import pytest

from planner.board import board, forced_open, preparations, reopened_flags, story_card, story_file, unblocked
from planner.graph import PlanGraph
from planner.staffing import Staffing
from planner.state import Action, Event, State, apply_event, fold_events
from tests.helpers.plans import status, statuses, tiny_plan

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def staffing() -> Staffing:
    return Staffing(PlanGraph(tiny_plan()), 2, {"A": "ann", "B": "bob"})


def test_a_story_card_says_who_should_take_it_and_why_it_matters(staffing):
    card = story_card("2.1", staffing, {})
    assert {k: card[k] for k in ("id", "label", "state", "owner", "lane", "lane_label", "gate", "critical")} == {
        "id": "2.1", "label": "2.1", "state": "todo", "owner": "ann", "lane": "A", "lane_label": "Dev A (core)",
        "gate": "data", "critical": True,
    }  # fmt: skip
    assert (card["unblocks"], card["unblocks_all"]) == (1, 1)
    floating = story_card("9.9", staffing, {})
    assert (floating["floating"], floating["owner"], floating["lane_label"]) == (
        True,
        None,
        "floating (Dev B)",
    )


def test_unblocked_ready_mine_and_all(staffing):
    sts = statuses(**{"1_1": ("done",)})
    assert unblocked(staffing, sts)["startable"] == ["1.2", "9.9"]
    assert unblocked(staffing, sts, scope="mine", person="ann")["startable"] == ["1.2"]
    assert unblocked(staffing, sts, scope="mine", person="bob")["startable"] == ["9.9"]  # floating to lane B
    sts["1.2"] = status("1.2", "in_progress", "ann")
    everything = unblocked(staffing, sts, scope="all")
    assert [(b["id"], b["waiting_for"]) for b in everything["blocked"]] == [
        ("2.1", ["1.2"]),
        ("2.2", ["2.1"]),
    ]
    assert [a["id"] for a in everything["active"]] == ["1.2"]
    assert "blocked" not in unblocked(staffing, sts)


def test_board_counts_gates_checkpoints_and_the_critical_path(staffing):
    sts = statuses(**{"1_1": ("done",), "1_2": ("review", "ann")})
    b = board(staffing, sts)
    assert b["total"] == 5
    assert b["counts"] == {"todo": 3, "in_progress": 0, "review": 1, "done": 1}
    assert [(g["story"], g["state"], g["waiting_behind"]) for g in b["gates"]] == [
        ("1.1", "done", 4),  # every other story waits for the entry gate; none is done
        ("2.1", "todo", 1),
    ]
    assert b["critical_path"] == {"path": ["1.1", "1.2", "2.1", "2.2"], "current": "1.2", "state": "review"}
    assert (b["review"], b["in_progress"], b["startable"]) == (["1.2"], [], 1)


def test_a_forced_start_is_open_until_its_prerequisites_are_done(staffing):
    sts = statuses(**{"1_1": ("done",), "1_2": ("review", "ann")})
    sts["2.1"] = status("2.1", "in_progress", "lea", forced=True)
    assert forced_open(staffing.graph, sts) == [{"story": "2.1", "assignee": "lea", "open": ["1.2"]}]
    sts["1.2"] = status("1.2", "done", "ann")
    assert forced_open(staffing.graph, sts) == []


def test_a_story_file_has_its_history(staffing):
    start = Event("1.1", Action.START, "ann", State.TODO, State.IN_PROGRESS, T0)
    other = Event("1.2", Action.START, "bob", State.TODO, State.IN_PROGRESS, T0)
    sts = {"1.1": status("1.1", "in_progress", "ann", since=T0)}
    file = story_file("1.1", staffing, sts, [start, other])
    assert (file["since"], file["prerequisites"], file["startable"]) == (T0.isoformat(), [], False)
    assert file["unblocks_ids"] == ["1.2", "2.1", "2.2", "9.9"]
    assert [(h["action"], h["actor"], h["from"], h["to"]) for h in file["history"]] == [
        ("start", "ann", "todo", "in_progress")
    ]
    assert story_file("9.9", staffing, {}, [])["finalisation"] is True


# -- preparations, reopened stories, sprints -------------------------------------------------------


def test_a_card_and_the_board_say_who_prepares_a_story_that_cannot_start(staffing):
    sts = {"2.1": status("2.1", "todo", preparer="bob", prepared_since=T0)}
    card = story_card("2.1", staffing, sts)
    assert (card["preparer"], card["prepared_since"]) == ("bob", T0.isoformat())
    assert story_card("1.2", staffing, sts)["preparer"] is None
    assert board(staffing, sts)["preparations"] == [
        {"story": "2.1", "label": "2.1", "preparer": "bob", "prepared_since": T0.isoformat(),
         "waiting_for": ["1.1", "1.2"], "startable": False}
    ]
    blocked = {b["id"]: b for b in unblocked(staffing, sts, scope="all")["blocked"]}
    assert blocked["2.1"]["preparer"] == "bob"  # /unblocked all shows it next to the blocked story


def test_a_preparation_shows_until_the_story_starts(staffing):
    prep = Event("2.1", Action.PREPARE, "bob", State.TODO, State.TODO, T0)
    sts = fold_events(staffing.plan.story_ids, [prep])
    assert [p["story"] for p in preparations(staffing, sts)] == ["2.1"]
    for sid in ("1.1", "1.2"):
        sts[sid] = status(sid, "done")
    assert preparations(staffing, sts)[0]["startable"] is True  # can start now, still prepared by bob
    start = Event("2.1", Action.START, "bob", State.TODO, State.IN_PROGRESS, T0 + timedelta(hours=1))
    sts["2.1"] = apply_event(sts["2.1"], start)
    assert preparations(staffing, sts) == []


def test_a_forced_start_stays_open_in_review_and_closes_when_its_prerequisites_are_done(staffing):
    sts = fold_events(staffing.plan.story_ids, [
        Event("1.1", Action.FORCE_START, "lea", State.TODO, State.IN_PROGRESS, T0),
        Event("1.2", Action.FORCE_START, "lea", State.TODO, State.IN_PROGRESS, T0),
        Event("2.1", Action.FORCE_START, "lea", State.TODO, State.IN_PROGRESS, T0, reason="hurry"),
        Event("2.1", Action.REVIEW, "lea", State.IN_PROGRESS, State.REVIEW, T0, reviewer="bob"),
    ])
    assert [(f["story"], f["open"]) for f in board(staffing, sts)["forced_open"] if f["story"] == "2.1"] == [
        ("2.1", ["1.1", "1.2"])]
    for sid in ("1.1", "1.2"):
        sts[sid] = status(sid, "done")
    assert board(staffing, sts)["forced_open"] == []  # still in review, but nothing is bypassed any more


def test_a_reopened_story_flags_the_work_started_or_done_on_top_of_it_since(staffing):
    reopened_at = T0 + timedelta(days=1)
    sts = {
        "1.1": status("1.1", "done"),
        "1.2": status("1.2", "in_progress", "ann", reopened_at=reopened_at),
        "2.1": status("2.1", "review", "bob", since=reopened_at + timedelta(hours=2)),  # started after
        "2.2": status("2.2", "done", "bob", since=T0),  # done before the reopen: not flagged
    }
    assert board(staffing, sts)["reopened"] == [{
        "story": "1.2", "label": "1.2", "state": "in_progress", "assignee": "ann",
        "reopened_at": reopened_at.isoformat(),
        "after": [{"story": "2.1", "state": "review", "assignee": "bob"}],
    }]
    sts["1.2"] = status("1.2", "done")  # done again: nothing to flag
    assert reopened_flags(staffing.graph, sts) == []


def test_the_board_carries_the_active_modes_sprints(staffing):
    sprint = board(staffing, {})["sprint"]
    assert (sprint["mode"], sprint["count"], sprint["current"]) == (2, 0, None)  # tiny's mode has none
