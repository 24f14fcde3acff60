"""Where stories are defined: Stories lists and tables, story headings, "Apres X:" lists, the
continuous section; and the dependencies written there."""

from __future__ import annotations

from planner.reader import read_plan


def test_inline_dependencies_in_a_stories_section():
    plan = read_plan(
        "## Stories\n- 1.1 Base\n- 1.2 Schema (after 1.1)\n- 1.3 API, depends on 1.2\n- 1.4 -> 1.5\n"
    )
    assert list(plan.edges) == [("1.1", "1.2"), ("1.2", "1.3"), ("1.4", "1.5")]
    assert plan.story("1.3").title == "API"


def test_stories_table():
    text = (
        "## Stories\n| Story | Title | Estimate | After |\n|---|---|---|---|\n"
        "| 1.1 | Base | 2 | |\n| 1.2 | Schema | 3j | 1.1 |\n"
    )
    plan = read_plan(text)
    assert [(s.id, s.title, s.estimate) for s in plan.stories] == [
        ("1.1", "Base", 2.0),
        ("1.2", "Schema", 3.0),
    ]
    assert plan.edges == (("1.1", "1.2"),)


def test_a_story_heading_reads_its_own_fields_and_ignores_its_description():
    text = "## Stories\n- 1.1\n### Story 1.2\nAfter: 1.1\nEstimate: 2\nTitle: Schema\nNotes: not a field\n- 3.1 maybe\n"
    plan = read_plan(text)
    assert plan.edges == (("1.1", "1.2"),)
    assert (plan.story("1.2").title, plan.story("1.2").estimate) == ("Schema", 2.0)
    assert plan.story_ids == ["1.1", "1.2"]  # an id in the description defines nothing
    assert plan.findings == ()


def test_a_story_field_that_says_nothing_is_reported():
    plan = read_plan("## Stories\n### Story 1.2\nEstimate: soon\nAfter: later\n")
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 3), ("unreadable", 4)]


def test_after_lists_define_both_sides():
    plan = read_plan("Apres 1.1:\n- 1.2, 1.3\n")
    assert plan.story_ids == ["1.1", "1.2", "1.3"]
    assert plan.edges == (("1.1", "1.2"), ("1.1", "1.3"))


def test_continuous_stories_and_finalisation():
    plan = read_plan(
        "Apres 1.1:\n- 1.2\n\nCan run continuously:\n- 5.3\n- 5.4 (docs, finalised at the end)\n"
    )
    assert plan.continuous == ("5.3", "5.4")
    assert plan.finalisation == ("5.4",)
    assert plan.story("5.4").title == "docs"
