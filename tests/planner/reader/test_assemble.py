"""From what was read to the plan: undefined ids left out and reported, the linter's findings
added, every finding in line order, a title even when the text has none."""

from __future__ import annotations

from planner.reader import read_plan
from tests.helpers.plans import findings, plan_file


def test_title_falls_back_to_the_argument_then_a_placeholder():
    assert read_plan("Apres 1.1:\n- 1.2\n", title="from the file name").title == "from the file name"
    assert read_plan("# Real title\n", title="from the file name").title == "Real title"
    assert read_plan("").title == "Untitled plan"


def test_bytes_are_read_as_utf8_rather_than_refused():
    raw = "# Données\nApres 1.1:\n- 1.2\n".encode()
    assert read_plan(raw).title == "Données"


def test_undefined_ids_are_reported_and_left_out():
    plan = plan_file("undefined.md")
    assert plan.story_ids == ["1.1", "1.2"]
    assert plan.edges == (("1.1", "1.2"),)  # the critical path's links through 7.7 are dropped
    assert plan.critical_path == ("1.1", "1.2")
    assert [(g.story, g.kind) for g in plan.gates] == [("1.1", "entry")]
    assert plan.checkpoints[0].stories == ("1.2",)
    tail = "but no dependency list, lane, continuous section or Stories section defines it; it is left out of the plan"
    assert findings(plan) == [
        ("error", "undefined-id", f"9.9 is named in the gates (line 5) {tail}", 5),
        ("error", "undefined-id", f"7.7 is named in the critical path (line 8) {tail}", 8),
        (
            "warning",
            "unreadable",
            "cannot read 'a voir avec l'equipe': expected the ids of the stories that wait",
            14,
        ),
        ("error", "undefined-id", f"8.8 is named in checkpoint A (line 19) {tail}", 19),
    ]


def test_an_id_named_in_many_places_is_one_finding_naming_the_first_four():
    text = "Apres 1.1:\n- 1.2\n" + "".join(f"Checkpoint {c}:\n- 9.9 done\n" for c in "ABCDE")
    (finding,) = [f for f in read_plan(text).findings if f.code == "undefined-id"]
    assert finding.line == 4
    assert (
        "checkpoint A (line 4), checkpoint B (line 6), checkpoint C (line 8), checkpoint D (line 10) and more"
        in (finding.message)
    )


# -- the linter's findings come with the plan ----------------------------------------------------


def test_cycle_plan():
    plan = plan_file("cycle.md")
    assert plan.story_ids == ["1.1", "2.1", "2.2"]
    # On the line of the dependency that closes the cycle (issue 12), not on the story list.
    assert findings(plan) == [
        (
            "error",
            "cycle",
            "dependency cycle: 2.1 -> 2.2 -> 2.1, closed by '2.1 after 2.2' (line 18): none of these stories can "
            "ever start",
            18,
        )
    ]


def test_lane_order_plan():
    plan = plan_file("lane_order.md")
    # On the line where the lane names the story (issue 12), not on its "Dev A:" line.
    assert findings(plan) == [
        ("warning", "lane-order", "lane A of the 2-dev plan puts 1.3 before its prerequisite 1.2", 22),
        ("warning", "lane-order", "lane B of the 2-dev plan puts 1.4 before its prerequisite 1.1", 25),
    ]


def test_not_longest_plan():
    plan = plan_file("not_longest.md")
    assert findings(plan) == [
        (
            "warning",
            "critical-path-not-longest",
            "the declared critical path 1.1 -> 1.2 (length 2) is shorter than the longest path "
            "1.1 -> 1.3 -> 1.4 (length 7)",
            10,
        )
    ]
