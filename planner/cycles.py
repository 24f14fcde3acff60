"""Stories a dependency cycle holds back for good, and the cycle that does it.

A plan with a cycle is refused at import unless a lead forces it in; then the stories of the
cycle, and every story waiting on them, would otherwise read as ordinary waits ("waits for 3.2")
although nothing anyone finishes will ever free them. Here each such story gets the cycle that
holds it, so every place that shows a wait can say "can never start: cycle 2.2 → 3.2 → 2.2".

Only stories not done count: a lead who forced one story of the cycle through and got it done
has broken the cycle, and what waited on it becomes an ordinary wait again. Kept apart from
`planner/graph.py` (a pure function of a PlanGraph and the states) so the graph stays the
structure and this stays one linear pass, whatever the plan's size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from planner.graph import PlanGraph
from planner.model import story_sort_key
from planner.state import State, StoryStatus

if TYPE_CHECKING:
    import networkx as nx


def held_by_cycles(graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> dict[str, tuple[str, ...]]:
    """Every story to do that can never start because of a cycle, mapped to that cycle as ids in
    the order of its edges, first id repeated at the end (("2.2", "3.2", "2.2")). Empty for a
    sound plan. O(stories + edges): one condensation of the stories not done yet, and only for a
    plan with a cycle — a sound one is told by the graph's cached component pass, without networkx
    (this runs on every /board ID and /unblocked all)."""
    if not graph.has_cycle():
        return {}
    import networkx as nx

    def done(sid: str) -> bool:
        status = statuses.get(sid)
        return status is not None and status.state == State.DONE

    undone = graph.g.subgraph(s for s in graph.g if not done(s))
    cond = nx.condensation(undone)
    members: dict[int, set[str]] = nx.get_node_attributes(cond, "members")
    held: dict[int, tuple[str, ...]] = {}
    for c in nx.topological_sort(cond):  # a component's cycle reaches everything after it
        if _is_cycle(undone, members[c]):  # its own cycle first, even when an earlier one holds it too
            held[c] = _one_cycle(undone, members[c])
        cycle = held.get(c)
        if cycle is not None:
            for d in cond.successors(c):
                held.setdefault(d, cycle)
    out = {sid: cycle for c, cycle in held.items() for sid in members[c]}
    entry = graph.plan.entry_gate
    if entry and entry in out:  # every other story waits on the entry gate: none of them can start either
        out.update({sid: out[entry] for sid in graph.plan.story_ids if not done(sid)})
    return {sid: cycle for sid, cycle in out.items()
            if (st := statuses.get(sid)) is None or st.state == State.TODO}


def _is_cycle(g: nx.DiGraph, members: set[str]) -> bool:
    if len(members) > 1:
        return True
    (only,) = members
    return g.has_edge(only, only)


def _one_cycle(g: nx.DiGraph, members: set[str]) -> tuple[str, ...]:
    """One cycle through the component, starting at its smallest id, as people read ids."""
    import networkx as nx

    start = min(members, key=story_sort_key)
    edges = nx.find_cycle(g.subgraph(members), source=start)
    ids = [a for a, _ in edges]
    first = ids.index(min(ids, key=story_sort_key))
    ids = ids[first:] + ids[:first]
    return (*ids, ids[0])
