"""The plan's dependency graph, and every question the team asks of it.

Nodes are story ids; an edge (a, b) means "b starts only after a is done". Two rules of the
plan are not edges, because they hold for stories no edge reaches: the entry gate holds back
every other story, and a finalisation story is done only when every other story is done.

The graph is kept as plain adjacency dicts, and every pass the plan check makes over it (cycle
detection, strongly connected components, longest path) is linear and written here: importing
networkx alone costs a cold `deliverybot plan check` more than checking a 10,000-story plan,
and its generic walks cost ten times these. `g`, the networkx view, is built on first use for
the modules that want its algorithms (layout, picture, the cycles a forced plan holds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from planner.model import Plan, story_sort_key
from planner.state import State, StoryStatus

if TYPE_CHECKING:
    import networkx as nx


class PlanGraph:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # Insertion-ordered "sets" (dicts to None), in the order networkx keeps them, so that
        # every walk, and every tie a walk breaks, goes as it did on the networkx graph.
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}
        for sid in plan.story_ids:
            self._succ.setdefault(sid, {})
            self._pred.setdefault(sid, {})
        for a, b in plan.edges:
            if a in self._succ and b in self._succ:
                self._succ[a][b] = None
                self._pred[b][a] = None
        self._g: nx.DiGraph | None = None
        self._components: tuple[list[list[str]], dict[str, int]] | None = None
        self._longest: list[str] | None = None
        self._critical_path: tuple[str, ...] | None = None
        self._critical = frozenset(self.critical_path())
        self._descendants: dict[str, list[str]] = {}  # the plan never changes under a PlanGraph
        self._reach_counts: dict[str, int] | None = None
        self._prereqs: dict[str, tuple[str, ...]] = {}
        self._ranks: dict[str, int] | None = None  # each story's place in priority order (it never changes)

    @property
    def g(self) -> nx.DiGraph:
        """The same graph as a networkx DiGraph (same node and edge order), built on first use."""
        if self._g is None:
            import networkx as nx

            g = nx.DiGraph()
            g.add_nodes_from(self._succ)
            g.add_edges_from((a, b) for a, b in self.plan.edges if a in self._succ and b in self._succ)
            self._g = g
        return self._g

    # -- structure -----------------------------------------------------------------------------

    def predecessors(self, story_id: str) -> list[str]:
        """Stories `story_id` waits on directly, by edges only, in the order the plan gave them."""
        if story_id not in self._pred:
            return list(self.g.predecessors(story_id))  # not a story: networkx's own error, as before
        return list(self._pred[story_id])

    def successors(self, story_id: str) -> list[str]:
        """Stories that wait directly on `story_id`, by edges only, in the order the plan gave them."""
        if story_id not in self._succ:
            return list(self.g.successors(story_id))
        return list(self._succ[story_id])

    def has_edge(self, a: str, b: str) -> bool:
        return b in self._succ.get(a, {})

    def components(self) -> tuple[list[list[str]], dict[str, int]]:
        """The strongly connected components in topological order (a story's prerequisites' knots
        come before its own), and each story's component index. Tarjan's algorithm, iterative (a
        10,000-story chain must not hit the recursion limit), O(stories + edges), computed once."""
        if self._components is None:
            index: dict[str, int] = {}
            low: dict[str, int] = {}
            on_stack: set[str] = set()
            stack: list[str] = []
            found: list[list[str]] = []  # in reverse topological order, as Tarjan finds them
            for root in self._succ:
                if root in index:
                    continue
                index[root] = low[root] = len(index)
                stack.append(root)
                on_stack.add(root)
                work = [(root, iter(self._succ[root]))]
                while work:
                    node, children = work[-1]
                    for child in children:
                        if child not in index:
                            index[child] = low[child] = len(index)
                            stack.append(child)
                            on_stack.add(child)
                            work.append((child, iter(self._succ[child])))
                            break
                        if child in on_stack and index[child] < low[node]:
                            low[node] = index[child]
                    else:
                        work.pop()
                        if work and low[node] < low[work[-1][0]]:
                            low[work[-1][0]] = low[node]
                        if low[node] == index[node]:
                            knot = []
                            while True:
                                member = stack.pop()
                                on_stack.discard(member)
                                knot.append(member)
                                if member == node:
                                    break
                            found.append(knot)
            found.reverse()
            self._components = (found, {sid: c for c, knot in enumerate(found) for sid in knot})
        return self._components

    def has_cycle(self) -> bool:
        knots, _ = self.components()
        return len(knots) < len(self._succ) or any(s in self._succ[s] for s in self._succ)

    def prerequisites(self, story_id: str) -> list[str]:
        """Stories that must be done before `story_id` may start: its direct edges plus the entry gate."""
        if story_id not in self._prereqs:
            prereqs = set(self.predecessors(story_id))
            entry = self.plan.entry_gate
            if entry and entry != story_id:
                prereqs.add(entry)
            self._prereqs[story_id] = tuple(sorted(prereqs, key=story_sort_key))
        return list(self._prereqs[story_id])

    def unblocks(self, story_id: str) -> list[str]:
        """Stories that wait directly on `story_id` (the entry gate: every other story)."""
        if story_id == self.plan.entry_gate:
            return [s for s in self.plan.story_ids if s != story_id]
        return sorted(self.successors(story_id), key=story_sort_key)

    def unblocks_all(self, story_id: str) -> list[str]:
        """Every story that waits on `story_id`, directly or through others."""
        if story_id not in self._descendants:
            if story_id == self.plan.entry_gate:
                found = [s for s in self.plan.story_ids if s != story_id]
            else:
                seen: set[str] = set()
                todo = self.successors(story_id)
                while todo:
                    sid = todo.pop()
                    if sid not in seen:
                        seen.add(sid)
                        todo.extend(self._succ[sid])
                seen.discard(story_id)  # as networkx's descendants: never the story itself
                found = sorted(seen, key=story_sort_key)
            self._descendants[story_id] = found
        return list(self._descendants[story_id])

    def unblocks_count(self, story_id: str) -> int:
        """len(unblocks_all(story_id)), for every story at the cost of one pass over the graph.

        Listing each story's descendants is quadratic (a 10,000-story chain or cycle: 10^8 steps,
        minutes); here the strongly connected components are folded in reverse topological order
        with one bit set (a Python int) per component, so a cycle costs no more than a chain.
        (Exact reach counts have no linear algorithm on a general DAG; the bit sets make the
        pass edges x stories / 64 machine words, a few milliseconds at 10,000 stories.)"""
        if self._reach_counts is None:
            self._reach_counts = self._count_descendants()
        return self._reach_counts.get(story_id, 0)

    def _count_descendants(self) -> dict[str, int]:
        knots, comp = self.components()
        own: list[int] = []
        index = {sid: i for i, sid in enumerate(self._succ)}
        for knot in knots:
            bits = 0
            for sid in knot:
                bits |= 1 << index[sid]
            own.append(bits)
        below = [0] * len(knots)  # component -> one bit per story it reaches, its own excluded
        for c in range(len(knots) - 1, -1, -1):
            reach = 0
            for sid in knots[c]:
                for child in self._succ[sid]:
                    d = comp[child]
                    if d != c:
                        reach |= own[d] | below[d]
            below[c] = reach
        counts = {sid: below[c].bit_count() + len(knot) - 1  # the rest of its own cycle, if any
                  for c, knot in enumerate(knots) for sid in knot}
        entry = self.plan.entry_gate
        if entry and entry in counts:
            counts[entry] = len(self.plan.story_ids) - 1
        return counts

    def cycle(self) -> list[str] | None:
        """One dependency cycle as a list of ids (first id not repeated), or None for a sound plan.
        A sound plan is told by the linear component pass; only a plan with a cycle asks networkx
        for one (the same cycle as before)."""
        if not self.has_cycle():
            return None
        import networkx as nx

        return [a for a, _ in nx.find_cycle(self.g)]

    def is_critical(self, story_id: str) -> bool:
        return story_id in self._critical

    def duration(self, story_id: str) -> float:
        story = self.plan.story(story_id)
        return story.estimate if story and story.estimate else 1.0

    def longest_path(self) -> list[str]:
        """The longest chain of finish-to-start edges, weighted by estimates (1 per story by default).

        Finalisation stories are left out: they close the delivery, they do not lengthen it.
        Returns [] when the graph has a cycle (there is no longest path then). One pass in
        topological order (Kahn's), each edge looked at once; computed once per graph.
        """
        if self._longest is None:
            self._longest = self._compute_longest_path()
        return list(self._longest)

    def _compute_longest_path(self) -> list[str]:
        final = set(self.plan.finalisation)
        nodes = [s for s in self._succ if s not in final]
        waiting = {s: sum(1 for p in self._pred[s] if p not in final) for s in nodes}
        ready = [s for s in nodes if not waiting[s]]
        order: list[str] = []
        while ready:
            node = ready.pop()
            order.append(node)
            for child in self._succ[node]:
                if child in waiting:
                    waiting[child] -= 1
                    if not waiting[child]:
                        ready.append(child)
        if len(order) < len(nodes):
            return []  # a cycle among the stories that are not finalisation
        # Ties (equal lengths) go to the smallest id, as people read ids; among equal keys, the
        # first one met wins (max's rule), as it did with networkx.
        ranks: dict[str, tuple[int, ...]] = {}

        def rank(sid: str) -> tuple[int, ...]:  # asked only on a tie of lengths: most stories never are
            if sid not in ranks:
                ranks[sid] = tuple(-x for x in story_sort_key(sid))
            return ranks[sid]

        best: dict[str, tuple[float, str | None]] = {}
        for node in order:
            length, pred = 0.0, None
            for p in self._pred[node]:
                if p in final:
                    continue
                if pred is None or best[p][0] > length or (best[p][0] == length and rank(p) > rank(pred)):
                    length, pred = best[p][0], p
            best[node] = (length + self.duration(node), pred)
        if not best:
            return []
        longest = max(length for length, _ in best.values())
        end = max((n for n in best if best[n][0] == longest), key=rank)
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
        critical path first, then gates, then those that unblock the most, then by id.

        What `is_startable` says of each story, without ordering each one's prerequisites (the
        order only matters to say what a story waits for): one pass over the edges."""
        entry = self.plan.entry_gate
        entry_open = entry is not None and _state(statuses, entry) != State.DONE

        def done(sid: str) -> bool:
            status = statuses.get(sid)
            return status is not None and status.state == State.DONE

        ids = [
            s for s in self.plan.story_ids
            if _state(statuses, s) == State.TODO
            and not (entry_open and s != entry)
            and all(done(p) for p in self._pred[s])
        ]  # fmt: skip
        return sorted(ids, key=self.priority_rank)

    def priority_rank(self, story_id: str) -> int:
        """Where `story_id` comes in `priority_key` order among all stories: the order is a property
        of the plan alone, so it is computed once and every sort of a few hundred startable
        stories (each /next, each App Home, each move) compares integers."""
        if self._ranks is None:
            ordered = sorted(self.plan.story_ids, key=self.priority_key)
            self._ranks = {sid: i for i, sid in enumerate(ordered)}
        rank = self._ranks.get(story_id)
        if rank is None:
            raise KeyError(f"{story_id} is not a story of the plan")
        return rank

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
