"""How blocks record what they read: the best title wins, unreadable lines are reported short."""

from __future__ import annotations

import pytest

from planner.reader import read_plan

GATE = "Critical gates:\n- 1.1 (gate title) is the entry gate\n"
STORIES = "## Stories\n- 1.1 Stories title\n"
LANE = "## Plan 1 dev\nDev A:\n- 1.1 (lane title)\n"


@pytest.mark.parametrize("text", [GATE + STORIES + LANE, LANE + STORIES + GATE])
def test_a_stories_line_names_a_story_whatever_the_order(text):
    assert read_plan(text).story("1.1").title == "Stories title"


def test_a_lane_names_a_story_before_a_gate_line_does():
    assert read_plan(GATE + LANE).story("1.1").title == "lane title"


def test_the_first_estimate_is_kept():
    plan = read_plan("## Stories\n- 1.1 Base [2d]\n## Plan 1 dev\nDev A: 1.1 [5d]\n")
    assert plan.story("1.1").estimate == 2.0


def test_an_unreadable_line_is_shown_shortened():
    (finding, *_) = read_plan("## Stories\n- " + "x" * 80 + "\n").findings
    assert (finding.code, finding.line) == ("unreadable", 2)
    assert finding.message == f"cannot read '{'x' * 57}...': expected a story id such as '1.1 Title'"
