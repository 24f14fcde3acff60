"""A pathological plan (a 10,000-story cycle, forced in) costs one pass over the graph, not one per story."""

from __future__ import annotations

from planner.board import board, unblocked
from planner.graph import PlanGraph
from planner.model import Gate, Plan, Story
from planner.staffing import Staffing


def _cycle_plan(n: int, tail: int = 3) -> Plan:
    """1.1 the entry gate, then 1.2 -> 1.3 -> ... -> 1.n -> 1.2 (a cycle of n-1 stories), and a
    chain hanging off the cycle's last story."""
    ids = [f"1.{i}" for i in range(1, n + 1)] + [f"2.{i}" for i in range(1, tail + 1)]
    edges = [("1.1", "1.2")] + [(ids[i], ids[i + 1]) for i in range(1, len(ids) - 1)] + [(f"1.{n}", "1.2")]
    return Plan("cycle", stories=tuple(Story(s) for s in ids), edges=tuple(edges), gates=(Gate("1.1", "entry"),))


def test_counts_of_what_a_story_unblocks_agree_with_the_lists_on_a_cycle():
    graph = PlanGraph(_cycle_plan(12))
    for sid in graph.plan.story_ids:
        assert graph.unblocks_count(sid) == len(graph.unblocks_all(sid)), sid
    assert graph.unblocks_count("1.5") == 10 + 3  # the rest of its cycle, then the chain below it
    assert graph.unblocks_count("2.3") == 0 and graph.unblocks_count("1.1") == 14
    assert graph.critical_path() == [] and graph.cycle() is not None


def test_a_10000_story_cycle_answers_unblocked_all_and_the_board():
    # Was: every story's descendants listed and sorted to rank the startable ones (10^8 steps,
    # minutes). Now one pass: this test takes about a second; no timing is asserted (bench/ does that).
    plan = _cycle_plan(10_000)
    staffing = Staffing(PlanGraph(plan))
    statuses: dict = {}
    answer = unblocked(staffing, statuses, scope="all")
    assert answer["startable"] == ["1.1"] and len(answer["blocked"]) == 10_002
    overview = board(staffing, statuses)
    assert overview["total"] == 10_003
    assert staffing.graph.unblocks_count("1.2") == 10_001


def test_a_long_cycle_is_named_in_a_line_that_fits_a_message():
    from planner.lint import lint

    plan = _cycle_plan(10_000)
    (finding,) = [f for f in lint(plan) if f.code == "cycle"]
    assert finding.message == ("dependency cycle: 1.2 -> 1.3 -> 1.4 -> 1.5 -> 1.6 -> 1.7 -> 1.8 -> 1.9 -> 1.10 -> "
                               "1.11 -> … 9,989 more -> 1.2 (none of these stories can ever start)")
