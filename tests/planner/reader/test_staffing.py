"""Staffing modes as written: lanes, sprints (by id or by epic) and floating stories."""

from __future__ import annotations

from planner.reader import read_plan
from tests.helpers.plans import findings


def test_lane_prose_is_reported_not_assigned():
    text = "Apres 1.1:\n- 1.2\n## Plan 2 dev\nDev A (core):\n- 1.1 -> 1.2\nDev A takes 1.2 too\nGain attendu:\n- 1.2 plus vite\n"
    plan = read_plan(text)
    assert plan.mode(2).lane("A").stories == ("1.1", "1.2")
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 6)]


def test_sprint_naming_an_epic_without_stories():
    plan = read_plan("Apres 1.1:\n- 1.2\n## Plan 1 dev\nDev A: 1.1 -> 1.2\nSprint 1: Epic 1 + Epic 7\n")
    assert plan.mode(1).sprints[0].stories == ("1.1", "1.2")
    assert findings(plan) == [("warning", "unknown-epic", "Sprint 1 names epic 7, which has no story", 5)]


def test_sprints_keep_the_written_order_of_epics_and_ids():
    text = (
        "Apres 1.1:\n- 1.2, 2.1\n## Plan 1 dev\nDev A: 1.1 -> 1.2 -> 2.1\nRythme:\n- Sprint 1: 2.1 + Epic 1\n"
    )
    sprint = read_plan(text).mode(1).sprints[0]
    assert (sprint.name, sprint.stories, sprint.line) == ("Sprint 1", ("2.1", "1.1", "1.2"), 6)


def test_floating_stories_and_who_takes_them():
    text = (
        "Apres 1.1:\n- 1.2, 1.3\n## Plan 2 dev\nDev A: 1.1\nDev B: 1.2\nEn fil rouge:\n- 1.3 par Dev A ou B\n"
    )
    mode = read_plan(text).mode(2)
    assert (mode.floating, mode.floating_lanes) == (("1.3",), ("A", "B"))


def test_a_lane_named_twice_is_one_lane():
    mode = read_plan("## Plan 1 dev\nDev A (core): 1.1\nDev A: 1.2\n").mode(1)
    assert [(lane.key, lane.label, lane.stories, lane.line) for lane in mode.lanes] == [
        ("A", "core", ("1.1", "1.2"), 2)
    ]
