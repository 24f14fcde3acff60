"""The plan linter: what in a plan, as read, would surprise the team later.

Each check reports one finding per (code, story, staffing mode), with a message that names the
stories and the mode, so a lead can fix the plan line by line. Severity says how much to trust
the plan: "error" (it cannot be run as written: a cycle, a deadlock, a dangling id), "warning"
(a gap a lead should fix: a story nobody staffs), "info" (worth knowing).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from planner.graph import PlanGraph
from planner.marks import N_, Phrase, joined, phrase
from planner.model import Finding, Mode, Plan, story_sort_key


def lint(plan: Plan) -> list[Finding]:
    """Every finding about `plan`, sorted by line (findings without a line last)."""
    graph = PlanGraph(plan)
    findings: list[Finding] = []
    if not plan.stories:
        findings.append(
            Finding.said("error", "no-stories", N_("no story found: a plan lists stories such as '1.1' in dependency "
                                                   "lists ('Apres 1.1:'), developer lanes or a Stories section"))
        )  # fmt: skip
    findings += _undefined(plan)
    cycles = _cycles(plan, graph)
    findings += cycles
    findings += _deadlocks(plan, graph)
    findings += _gates(plan)
    if not cycles:
        findings += _critical_path(plan, graph)
    waits = _Waits(plan, graph)
    for mode in plan.modes:
        findings += _staffing(plan, mode)
        findings += _lane_order(plan, mode, waits)
        findings += _sprints(plan, mode, waits)
    recommended = [m for m in plan.modes if m.recommended]
    if len(recommended) > 1:
        findings.append(
            Finding.said("warning", "several-recommended",
                         N_("{n} staffing modes are marked recommended ({modes}); the first one is used"),
                         recommended[1].line, n=len(recommended), modes=joined(", ", map(_mode_name, recommended)))
        )  # fmt: skip
    return sorted(findings, key=lambda f: (f.line is None, f.line or 0))


def _mode_name(mode: Mode) -> Phrase:
    if mode.name:
        return phrase(N_("the {devs}-dev plan ({name})"), devs=mode.devs, name=mode.name)
    return phrase(N_("the {devs}-dev plan"), devs=mode.devs)


def _ids(ids) -> str:
    return ", ".join(sorted(ids, key=story_sort_key))


def _undefined(plan: Plan) -> list[Finding]:
    """Ids a plan built by hand refers to without listing them as stories (the reader drops these).
    Where an id was seen is phrased only for an id that is not a story (phrasing the lane of each
    of 10,000 stories was a third of the lint)."""
    referenced: dict[str, tuple[Phrase | str, int | None]] = {}

    def see(sid: str, where: Phrase | str, line: int | None) -> None:
        if not plan.has(sid):
            referenced.setdefault(sid, (where, line))

    def strangers(ids: Iterable[str]) -> list[str]:
        return [sid for sid in ids if not plan.has(sid)]

    for a, b in plan.edges:
        see(a, phrase(N_("a dependency")), None)
        see(b, phrase(N_("a dependency")), None)
    for gate in plan.gates:
        see(gate.story, phrase(N_("the gates")), gate.line)
    for sid in strangers(plan.critical_path):
        see(sid, phrase(N_("the critical path")), plan.critical_path_line)
    for sid in (*plan.continuous, *plan.finalisation):
        see(sid, phrase(N_("the continuous stories")), None)
    for mode in plan.modes:
        for lane in mode.lanes:
            for sid in strangers(lane.stories):
                see(sid, phrase(N_("lane {lane} of {mode}"), lane=lane.key, mode=_mode_name(mode)), lane.line)
        for sid in strangers(mode.floating):
            see(sid, phrase(N_("the floating stories of {mode}"), mode=_mode_name(mode)), mode.line)
        for sprint in mode.sprints:
            for sid in strangers(sprint.stories):
                see(sid, phrase(N_("{sprint} of {mode}"), sprint=sprint.name, mode=_mode_name(mode)), sprint.line)
    for checkpoint in plan.checkpoints:
        for sid in strangers(checkpoint.stories):
            see(sid, phrase(N_("checkpoint {name}"), name=checkpoint.name), checkpoint.line)
    return [
        Finding.said("error", "undefined-id", N_("{sid} is named in {where} but is not a story of the plan"), line,
                     sid=sid, where=where)
        for sid, (where, line) in referenced.items()
    ]


def _cycles(plan: Plan, graph: PlanGraph) -> list[Finding]:
    """One finding per knot of stories that wait on each other (a strongly connected component)."""
    if not graph.has_cycle():
        return []
    import networkx as nx  # only a plan with a cycle pays for it: the finding names the cycle as before

    findings = []
    knots = [c for c in nx.strongly_connected_components(graph.g) if len(c) > 1]
    knots += [{a} for a, b in nx.selfloop_edges(graph.g)]
    for knot in sorted(knots, key=lambda c: min(story_sort_key(s) for s in c)):
        cycle = [a for a, _ in nx.find_cycle(graph.g.subgraph(knot))]
        start = cycle.index(min(cycle, key=story_sort_key))
        cycle = cycle[start:] + cycle[:start]
        first = plan.story(cycle[0])
        # A 10,000-story cycle named in full would be a 70 KB line in every digest and plan check.
        line = first.line if first else None
        if len(cycle) <= 12:
            findings.append(
                Finding.said("error", "cycle", N_("dependency cycle: {steps} (none of these stories can ever start)"),
                             line, steps=" -> ".join([*cycle, cycle[0]]))
            )  # fmt: skip
        else:
            findings.append(
                Finding.said("error", "cycle", N_("dependency cycle: {steps} -> … {more} more -> {first} (none of these "
                                                  "stories can ever start)"),
                             line, steps=" -> ".join(cycle[:10]), more=f"{len(cycle) - 10:,}", first=cycle[0])
            )  # fmt: skip
    return findings


def _deadlocks(plan: Plan, graph: PlanGraph) -> list[Finding]:
    """Edges that contradict the two rules that are not edges: entry gate first, finalisation last."""
    findings = []
    entry = plan.entry_gate
    if entry and plan.has(entry):
        waits = sorted(graph.predecessors(entry), key=story_sort_key)
        if waits:
            gate = plan.gate_of(entry)
            findings.append(
                Finding.said("error", "entry-gate-waits",
                             N_("{entry} is the entry gate (every story waits for it) but it waits for {ids}: "
                                "none of them can ever start"), gate.line if gate else None, entry=entry, ids=_ids(waits))
            )  # fmt: skip
    for sid in plan.finalisation:
        if not plan.has(sid):
            continue
        blocked = sorted(graph.successors(sid), key=story_sort_key)
        if blocked:
            story = plan.story(sid)
            findings.append(
                Finding.said("error", "finalisation-blocks",
                             N_("{sid} is finalised at the end (it waits for every other story) but {ids} waits for it: "
                                "neither can finish") if len(blocked) == 1 else
                             N_("{sid} is finalised at the end (it waits for every other story) but {ids} wait for it: "
                                "neither can finish"), story.line if story else None, sid=sid, ids=_ids(blocked))
            )  # fmt: skip
    return findings


def _gates(plan: Plan) -> list[Finding]:
    if not plan.gates:
        return []
    entries = [g for g in plan.gates if g.kind == "entry"]
    if not entries:
        return [
            Finding.said("info", "no-entry-gate",
                         N_("the plan names gates but no entry gate: any story may start at once"), plan.gates[0].line)
        ]  # fmt: skip
    if len({g.story for g in entries}) > 1:
        return [
            Finding.said("warning", "several-entry-gates",
                         N_("{ids} are all called the entry gate; only {used} is used"), entries[1].line,
                         ids=_ids({g.story for g in entries}), used=entries[0].story)
        ]  # fmt: skip
    return []


def _critical_path(plan: Plan, graph: PlanGraph) -> list[Finding]:
    declared = [s for s in plan.critical_path if plan.has(s)]
    if not declared:
        return []
    findings = []
    line = plan.critical_path_line
    shown = " -> ".join(declared)
    gaps = [(a, b) for a, b in zip(declared, declared[1:], strict=False) if not graph.has_edge(a, b)]
    if gaps:
        findings.append(
            Finding.said("warning", "critical-path-not-a-chain",
                         N_("the declared critical path {path} is not a chain of dependencies: {gaps}"), line, path=shown,
                         gaps=joined("; ", (phrase(N_("nothing makes {later} wait for {first}"), first=a, later=b) for a, b in gaps)))
        )  # fmt: skip
    longest = graph.longest_path()
    declared_length, longest_length = graph.path_length(declared), graph.path_length(longest)
    if longest and declared_length < longest_length - 1e-9:
        findings.append(
            Finding.said("warning", "critical-path-not-longest",
                         N_("the declared critical path {path} (length {length}) is shorter than the longest path "
                            "{longest} (length {longest_length})"), line, path=shown, length=f"{declared_length:g}",
                         longest=" -> ".join(longest), longest_length=f"{longest_length:g}")
        )  # fmt: skip
    return findings


def _staffing(plan: Plan, mode: Mode) -> list[Finding]:
    name = _mode_name(mode)
    if not mode.lanes:
        return [
            Finding.said("warning", "no-lanes", N_("{mode} has no developer lane ('Dev A: 1.1 -> 1.3')"), mode.line,
                         mode=name)
        ]
    findings = []
    lanes_of: dict[str, list[str]] = {}
    for lane in mode.lanes:
        for sid in lane.stories:
            lanes_of.setdefault(sid, []).append(lane.key)
    for sid in plan.story_ids:
        keys = lanes_of.get(sid, [])
        if not keys and sid not in mode.floating:
            findings.append(Finding.said("warning", "unassigned", N_("{sid} is in no lane of {mode}"), mode.line,
                                         sid=sid, mode=name))
        elif len(keys) > 1 and len(set(keys)) == 1:
            findings.append(Finding.said("warning", "double-assigned", N_("{sid} is twice in lane {lane} of {mode}"),
                                         mode.line, sid=sid, lane=keys[0], mode=name))
        elif len(keys) > 1:
            lanes: Phrase | str = ""
            for key in dict.fromkeys(keys):
                lanes = phrase(N_("{first} and {then}"), first=lanes, then=key) if lanes else key
            findings.append(Finding.said("warning", "double-assigned", N_("{sid} is in lanes {lanes} of {mode}"),
                                         mode.line, sid=sid, lanes=lanes, mode=name))
    lane_keys = {lane.key for lane in mode.lanes}
    for key in mode.floating_lanes:
        if key not in lane_keys:
            findings.append(
                Finding.said("warning", "unknown-lane", N_("floating stories go to Dev {lane}, but {mode} has no lane {lane}"),
                             mode.line, lane=key, mode=name)
            )  # fmt: skip
    return findings


class _Waits:
    """Which stories a story waits for (transitively, entry gate included, outside its own cycle),
    asked only about the few stories a lane or a sprint ranks after it.

    The old way built every story's full ancestor set: on a deep plan (each story waiting on
    some of the 60 before it) that is n^2 memory and n^1.8 time, 3.75 GB and 29 s at 10,000
    stories. Here, for one ranking (lane positions, sprint numbers), one pass over the strongly
    connected components in topological order gives each component the highest rank among what
    it waits for; a story ranked below that has a finding, and only then are the stories named
    (`_name_them`). Linear per ranking when the lanes and sprints are in order; the findings and
    their messages are the same as before."""

    def __init__(self, plan: Plan, graph: PlanGraph) -> None:
        self.knots, self.comp = graph.components()
        parents: list[set[int]] = [set() for _ in self.knots]
        for c, knot in enumerate(self.knots):
            for sid in knot:
                parents[c].update(self.comp[p] for p in graph.predecessors(sid))
            parents[c].discard(c)
        self.parents = [sorted(p) for p in parents]
        self.entry = plan.entry_gate if plan.has(plan.entry_gate or "") else None

    def ranked_later(self, rank: dict[str, int]) -> dict[str, list[str]]:
        """For each story of `rank` that waits for stories ranked higher than itself: those stories
        (unordered). Ids of `rank` that are not stories are ignored, as they wait for nothing."""
        top = [-1] * len(self.knots)  # the highest rank among a component's own stories
        for sid, r in rank.items():
            c = self.comp.get(sid)
            if c is not None and r > top[c]:
                top[c] = r
        above = [-1] * len(self.knots)  # the highest rank among everything a component waits for
        reach = top[:]  # the highest of both
        for c, parents in enumerate(self.parents):  # topological order: parents are done already
            if parents:
                above[c] = max([reach[d] for d in parents])
                if above[c] > reach[c]:
                    reach[c] = above[c]
        entry_rank = rank.get(self.entry, -1) if self.entry else -1
        out: dict[str, list[str]] = {}
        flagged: list[tuple[str, int, int]] = []
        for sid, r in rank.items():
            c = self.comp.get(sid)
            if c is None:
                continue
            if above[c] > r:
                flagged.append((sid, r, c))
            elif entry_rank > r and sid != self.entry:
                out[sid] = [self.entry or ""]
        if flagged:
            self._name_them(rank, flagged, out)
        return out

    def _name_them(self, rank: dict[str, int], flagged: list[tuple[str, int, int]], out: dict[str, list[str]]) -> None:
        """Name what each flagged story waits for that is ranked later: one bit per ranked story,
        in rank order, folded down the components (stories x edges / 64 words; a scrambled
        10,000-story plan is 12 MB), so that "ranked after r" is a shift of the story's bits."""
        order = sorted((r, sid) for sid, r in rank.items() if sid in self.comp)
        own = [0] * len(self.knots)
        for bit, (_r, sid) in enumerate(order):
            own[self.comp[sid]] |= 1 << bit
        waits = [0] * len(self.knots)
        for c, parents in enumerate(self.parents):
            bits = 0
            for d in parents:
                bits |= own[d] | waits[d]
            waits[c] = bits
        ranks = [r for r, _sid in order]
        for sid, r, c in flagged:
            first = bisect.bisect_right(ranks, r)
            later = waits[c] >> first
            digits = bin(later)[:1:-1]  # lowest bit first
            found = {order[first + k][1] for k, digit in enumerate(digits) if digit == "1"}
            if self.entry and sid != self.entry and rank.get(self.entry, -1) > r:
                found.add(self.entry)
            out[sid] = list(found)


def _lane_order(plan: Plan, mode: Mode, waits: _Waits) -> list[Finding]:
    """A lane that lists a story before one of its own prerequisites (however many levels up).
    Linear in the plan per lane when the lane is in order (see `_Waits`)."""
    findings = []
    for lane in mode.lanes:
        first: dict[str, int] = {}
        for index, sid in enumerate(lane.stories):
            first.setdefault(sid, index)
        late = waits.ranked_later(first)
        for sid in first:
            later = sorted(late.get(sid, ()), key=first.__getitem__)
            if later:
                findings.append(
                    Finding.said("warning", "lane-order",
                                 N_("lane {lane} of {mode} puts {sid} before its prerequisite {ids}") if len(later) == 1
                                 else N_("lane {lane} of {mode} puts {sid} before its prerequisites {ids}"),
                                 lane.line, lane=lane.key, mode=_mode_name(mode), sid=sid, ids=", ".join(later))
                )  # fmt: skip
    return findings


def _sprints(plan: Plan, mode: Mode, waits: _Waits) -> list[Finding]:
    if not mode.sprints:
        return []
    findings = []
    name = _mode_name(mode)
    sprint_of: dict[str, int] = {}
    for index, sprint in enumerate(mode.sprints):
        for sid in sprint.stories:
            if sid in sprint_of and sprint_of[sid] != index:
                findings.append(
                    Finding.said("warning", "several-sprints", N_("{sid} is in {first} and {then} of {mode}"),
                                 sprint.line, sid=sid, first=mode.sprints[sprint_of[sid]].name, then=sprint.name, mode=name)
                )  # fmt: skip
            sprint_of.setdefault(sid, index)
    planned_later = waits.ranked_later(sprint_of)
    for sid in plan.story_ids:
        if sid not in sprint_of:
            findings.append(
                Finding.said("warning", "no-sprint", N_("{sid} is in no sprint of {mode}"), mode.sprints[0].line,
                             sid=sid, mode=name)
            )
            continue
        late = planned_later.get(sid, [])
        if late:
            sprint = mode.sprints[sprint_of[sid]]
            findings.append(
                Finding.said("warning", "sprint-order",
                             N_("{sid} is in {sprint} of {mode} but waits for {ids}, planned in a later sprint"),
                             sprint.line, sid=sid, sprint=sprint.name, mode=name, ids=_ids(late))
            )  # fmt: skip
    return findings
