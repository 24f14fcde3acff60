"""The declared critical path: one chain, possibly wrapped; its links are edges."""

from __future__ import annotations

from planner.reader import read_plan


def test_critical_path_may_wrap_and_a_second_one_is_reported():
    text = "Apres 1.1:\n- 1.2, 1.3\n\nChemin critique:\n1.1 -> 1.2 ->\n  1.3\n\nCritical path: 1.1 -> 1.3\n"
    plan = read_plan(text)
    assert plan.critical_path == ("1.1", "1.2", "1.3")
    assert ("1.2", "1.3") in plan.edges
    assert [(f.code, f.line) for f in plan.findings] == [("critical-path-twice", 8)]


def test_parallel_steps_link_every_story_of_one_step_to_every_story_of_the_next():
    plan = read_plan("## Stories\n- 1.1\n- 1.2\n- 1.3\n- 2.1\n\nCritical path: 1.1 -> 1.2 + 1.3 -> 2.1\n")
    assert set(plan.edges) == {("1.1", "1.2"), ("1.1", "1.3"), ("1.2", "2.1"), ("1.3", "2.1")}
    assert plan.critical_path == ("1.1", "1.2", "1.3", "2.1")
    assert plan.critical_path_line == 7


def test_lane_arrows_are_not_edges_but_critical_path_arrows_are():
    text = "## Plan 1 dev\nDev A:\n- 1.1 -> 1.2\n\nCritical path:\n- 1.2 -> 1.1\n"
    assert read_plan(text).edges == (("1.2", "1.1"),)
