"""Where stories sit in the picture: layers left to right, rows ordered, cycles survived."""

from __future__ import annotations

import random

import pytest

from planner.graph import PlanGraph
from planner.layout import compute_layout, layered_layout
from planner.model import Gate, Plan, Story
from tests.helpers.plans import read_seed

SEED_CRITICAL = ["1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2"]
WORDS = (
    "api",
    "auth",
    "backup",
    "cache",
    "deploy",
    "gateway",
    "ingress",
    "logs",
    "metrics",
    "queue",
    "tls",
    "vpn",
)


def generated_plan(n: int, *, seed: int = 1, per_epic: int = 10, extra_edges: float = 0.12) -> Plan:
    """A plan shaped like real ones: epics of stories mostly chained inside the epic, each epic
    hanging off an earlier one, a few cross-epic dependencies, an entry gate and some other gates."""
    rnd = random.Random(seed)
    ids = [f"{i // per_epic + 1}.{i % per_epic + 1}" for i in range(n)]
    stories = tuple(Story(sid, f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}") for sid in ids)
    edges: set[tuple[str, str]] = set()
    for i, sid in enumerate(ids):
        epic_start = i - i % per_epic
        if i > epic_start and rnd.random() < 0.85:  # inside the epic: after one of the previous few
            edges.add((ids[rnd.randrange(max(epic_start, i - 3), i)], sid))
        elif epic_start > 0 and rnd.random() < 0.9:  # an epic's first stories: after an earlier epic
            edges.add((ids[rnd.randrange(0, epic_start)], sid))
        if i > 0 and rnd.random() < extra_edges:
            edges.add((ids[rnd.randrange(0, i)], sid))
    gates = (Gate(ids[0], "entry"),) + tuple(
        Gate(ids[i], "data") for i in range(per_epic * 2, n, per_epic * 5)
    )
    return Plan(
        title=f"Generated plan, {n} stories", stories=stories, edges=tuple(sorted(edges)), gates=gates
    )


@pytest.fixture(scope="module")
def seed_graph() -> PlanGraph:
    return PlanGraph(read_seed())


def test_every_edge_points_right(seed_graph):
    pos = layered_layout(seed_graph)
    assert set(pos) == set(seed_graph.plan.story_ids)
    for a, b in seed_graph.g.edges:
        assert pos[a][0] < pos[b][0], (a, b)


def test_critical_path_runs_left_to_right_on_one_row(seed_graph):
    assert seed_graph.critical_path() == SEED_CRITICAL
    pos = layered_layout(seed_graph)
    xs = [pos[s][0] for s in SEED_CRITICAL]
    assert xs == sorted(set(xs)), xs
    assert {pos[s][1] for s in SEED_CRITICAL} == {0.0}


def test_entry_gate_alone_on_the_left_and_free_stories_next_to_it(seed_graph):
    pos = layered_layout(seed_graph)
    assert [s for s, (x, _) in pos.items() if x == 0] == ["1.1"]
    assert pos["5.4"][0] == 1  # no edges: it waits only for the entry gate
    layout = compute_layout(seed_graph)
    assert layout.implicit == (("1.1", "5.4"),)


def test_rows_in_a_layer_are_apart_and_in_order(seed_graph):
    layout = compute_layout(seed_graph)
    for column in layout.layers:
        ys = [layout.positions[s][1] for s in column]
        assert all(b - a >= 1 - 1e-9 for a, b in zip(ys, ys[1:], strict=False)), (column, ys)


def test_no_entry_gate_free_stories_sit_in_layer_zero():
    plan = Plan("p", stories=(Story("1.1"), Story("1.2"), Story("2.1")), edges=(("1.1", "1.2"),))
    pos = layered_layout(PlanGraph(plan))
    assert pos["1.1"][0] == pos["2.1"][0] == 0
    assert pos["1.2"][0] == 1


def test_long_edges_get_waypoints_between_boxes():
    plan = Plan(
        "p",
        stories=tuple(Story(s) for s in ("1.1", "1.2", "1.3", "1.4")),
        edges=(("1.1", "1.2"), ("1.2", "1.3"), ("1.3", "1.4"), ("1.1", "1.4")),
    )
    layout = compute_layout(PlanGraph(plan))
    route = layout.routes[("1.1", "1.4")]
    assert [x for x, _ in route] == [1.0, 2.0]
    assert all(y != layout.positions["1.2"][1] for _, y in route[:1])


def test_a_cycle_does_not_crash():
    plan = Plan(
        "p",
        stories=tuple(Story(s) for s in ("1.1", "1.2", "1.3", "1.4")),
        edges=(("1.1", "1.2"), ("1.2", "1.3"), ("1.3", "1.2"), ("1.3", "1.4"), ("1.4", "1.4")),
        gates=(Gate("1.1", "entry"),),
    )
    graph = PlanGraph(plan)
    layout = compute_layout(graph)
    assert set(layout.positions) == {"1.1", "1.2", "1.3", "1.4"}
    assert layout.ignored == {("1.3", "1.2")}
    for a, b in graph.g.edges:
        if a != b and (a, b) not in layout.ignored:
            assert layout.positions[a][0] < layout.positions[b][0]


def test_entry_gate_downstream_of_a_story_does_not_make_a_cycle():
    plan = Plan(
        "p",
        stories=(Story("0.1"), Story("1.1"), Story("1.2")),
        edges=(("0.1", "1.1"),),
        gates=(Gate("1.1", "entry"),),
    )
    pos = layered_layout(PlanGraph(plan))
    assert pos["0.1"][0] < pos["1.1"][0] < pos["1.2"][0]


def test_two_thousand_stories():
    plan = generated_plan(2000, seed=5)
    graph = PlanGraph(plan)
    layout = compute_layout(graph)
    pos = layout.positions
    assert len(pos) == 2000
    for a, b in graph.g.edges:
        assert pos[a][0] < pos[b][0]
    critical = graph.critical_path()
    assert [pos[s][0] for s in critical] == sorted({pos[s][0] for s in critical})
    assert {pos[s][1] for s in critical} == {0.0}


def test_empty_plan():
    assert layered_layout(PlanGraph(Plan("empty"))) == {}
