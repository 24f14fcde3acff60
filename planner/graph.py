"""The plan's dependency graph, and every question the team asks of it.

Nodes are story ids; an edge (a, b) means "b starts only after a is done". Two rules of the
plan are not edges, because they hold for stories no edge reaches: the entry gate holds back
every other story, and a finalisation story is done only when every other story is done.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from planner.model import Plan, story_sort_key
from planner.state import State, StoryStatus


class PlanGraph:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.g = nx.DiGraph()
        self.g.add_nodes_from(plan.story_ids)
        self.g.add_edges_from((a, b) for a, b in plan.edges if plan.has(a) and plan.has(b))
        self._critical_path: tuple[str, ...] | None = None
        self._critical = frozenset(self.critical_path())
        self._descendants: dict[str, list[str]] = {}  # the plan never changes under a PlanGraph
        self._reach_counts: dict[str, int] | None = None
        self._prereqs: dict[str, tuple[str, ...]] = {}

    # -- structure -----------------------------------------------------------------------------

    def prerequisites(self, story_id: str) -> list[str]:
        """Stories that must be done before `story_id` may start: its direct edges plus the entry gate."""
        if story_id not in self._prereqs:
            prereqs = set(self.g.predecessors(story_id))
            entry = self.plan.entry_gate
            if entry and entry != story_id:
                prereqs.add(entry)
            self._prereqs[story_id] = tuple(sorted(prereqs, key=story_sort_key))
        return list(self._prereqs[story_id])

    def unblocks(self, story_id: str) -> list[str]:
        """Stories that wait directly on `story_id` (the entry gate: every other story)."""
        if story_id == self.plan.entry_gate:
            return [s for s in self.plan.story_ids if s != story_id]
        return sorted(self.g.successors(story_id), key=story_sort_key)

    def unblocks_all(self, story_id: str) -> list[str]:
        """Every story that waits on `story_id`, directly or through others."""
        if story_id not in self._descendants:
            if story_id == self.plan.entry_gate:
                found = [s for s in self.plan.story_ids if s != story_id]
            else:
                found = sorted(nx.descendants(self.g, story_id), key=story_sort_key)
            self._descendants[story_id] = found
        return list(self._descendants[story_id])

    def unblocks_count(self, story_id: str) -> int:
        """len(unblocks_all(story_id)), for every story at the cost of one pass over the graph.

        Listing each story's descendants is quadratic (a 10,000-story chain or cycle: 10^8 steps,
        minutes); here the strongly connected components are folded in reverse topological order
        with one bit set (a Python int) per component, so a cycle costs no more than a chain."""
        if self._reach_counts is None:
            self._reach_counts = self._count_descendants()
        return self._reach_counts.get(story_id, 0)

    def _count_descendants(self) -> dict[str, int]:
        cond = nx.condensation(self.g)  # a DAG of components; "members" holds each one's stories
        members: dict[int, set[str]] = nx.get_node_attributes(cond, "members")
        index = {sid: i for i, sid in enumerate(self.g)}
        own = {c: sum(1 << index[sid] for sid in members[c]) for c in cond}
        below: dict[int, int] = {}  # component -> one bit per story it reaches, its own excluded
        for c in reversed(list(nx.topological_sort(cond))):
            reach = 0
            for d in cond.successors(c):
                reach |= own[d] | below[d]
            below[c] = reach
        counts = {sid: below[c].bit_count() + len(members[c]) - 1  # the rest of its own cycle, if any
                  for c in cond for sid in members[c]}
        entry = self.plan.entry_gate
        if entry and entry in counts:
            counts[entry] = len(self.plan.story_ids) - 1
        return counts

    def cycle(self) -> list[str] | None:
        """One dependency cycle as a list of ids (first id not repeated), or None for a sound plan."""
        try:
            edges = nx.find_cycle(self.g)
        except nx.NetworkXNoCycle:
            return None
        return [a for a, _ in edges]

    def is_critical(self, story_id: str) -> bool:
        return story_id in self._critical

    def duration(self, story_id: str) -> float:
        story = self.plan.story(story_id)
        return story.estimate if story and story.estimate else 1.0

    def longest_path(self) -> list[str]:
        """The longest chain of finish-to-start edges, weighted by estimates (1 per story by default).

        Finalisation stories are left out: they close the delivery, they do not lengthen it.
        Returns [] when the graph has a cycle (there is no longest path then).
        """
        g = self.g.subgraph(s for s in self.g if s not in self.plan.finalisation)
        if not nx.is_directed_acyclic_graph(g):
            return []
        best: dict[str, tuple[float, str | None]] = {}
        for node in nx.topological_sort(g):
            preds = [(best[p][0], p) for p in g.predecessors(node)]
            length, pred = max(preds, key=lambda t: (t[0], [-x for x in story_sort_key(t[1])]), default=(0.0, None))
            best[node] = (length + self.duration(node), pred)
        if not best:
            return []
        end = max(best, key=lambda n: (best[n][0], [-x for x in story_sort_key(n)]))
        path = [end]
        pred = best[end][1]
        while pred is not None:
            path.append(pred)
            pred = best[pred][1]
        return path[::-1]

    def path_length(self, path: list[str] | tuple[str, ...]) -> float:
        return sum(self.duration(s) for s in path)

    def critical_path(self) -> list[str]:
        """The plan's declared critical path when it has one, the computed longest path otherwise."""
        if self._critical_path is None:
            declared = [s for s in self.plan.critical_path if self.plan.has(s)]
            self._critical_path = tuple(declared or self.longest_path())
        return list(self._critical_path)

    # -- readiness -----------------------------------------------------------------------------

    def open_prerequisites(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> list[str]:
        """Prerequisites of `story_id` that are not done yet (empty: nothing holds it back)."""
        return [p for p in self.prerequisites(story_id) if _state(statuses, p) != State.DONE]

    def is_startable(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> bool:
        return _state(statuses, story_id) == State.TODO and not self.open_prerequisites(story_id, statuses)

    def startable(self, statuses: Mapping[str, StoryStatus]) -> list[str]:
        """Stories in todo whose every prerequisite is done, ordered as people should take them:
        critical path first, then gates, then those that unblock the most, then by id."""
        ids = [s for s in self.plan.story_ids if self.is_startable(s, statuses)]
        return sorted(ids, key=self.priority_key)

    def priority_key(self, story_id: str) -> tuple:
        return (
            not self.is_critical(story_id),
            self.plan.gate_of(story_id) is None,
            -self.unblocks_count(story_id),
            story_sort_key(story_id),
        )

    def unfinished_others(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> list[str]:
        """For a finalisation story: the other stories not done yet (they must all be done first)."""
        return [s for s in self.plan.story_ids if s != story_id and _state(statuses, s) != State.DONE]

    def newly_startable(
        self, before: Mapping[str, StoryStatus], after: Mapping[str, StoryStatus]
    ) -> list[str]:
        """Stories startable in `after` that were not in `before`: who to tell after a transition."""
        was = set(self.startable(before))
        return [s for s in self.startable(after) if s not in was]

    def reopened(self, statuses: Mapping[str, StoryStatus]) -> list[str]:
        """Stories a lead reopened that are not done again yet."""
        return [s for s in self.plan.story_ids
                if (st := statuses.get(s)) is not None and st.reopened_at and st.state != State.DONE]

    def after_reopen(self, statuses: Mapping[str, StoryStatus]) -> dict[str, list[str]]:
        """For each reopened story, the stories that wait on it and were started or done after it was
        reopened: work built on something that is being redone (flagged on the board and in the digest)."""
        out: dict[str, list[str]] = {}
        for sid in self.reopened(statuses):
            at = statuses[sid].reopened_at
            hit = [d for d in self.unblocks_all(sid)
                   if (st := statuses.get(d)) is not None and st.state != State.TODO and st.since and at
                   and st.since >= at]
            if hit:
                out[sid] = hit
        return out

    def waits_on_reopened(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> list[str]:
        """The reopened stories `story_id` depends on (a gate is not announced while there are any)."""
        return [r for r in self.reopened(statuses) if story_id in self.unblocks_all(r)]


def _state(statuses: Mapping[str, StoryStatus], story_id: str) -> State:
    status = statuses.get(story_id)
    return status.state if status else State.TODO
