"""From what was read to the frozen `Plan`: which ids are stories, and what was left out.

Only now is it known which ids a section defined. Ids only named elsewhere become one
"undefined-id" finding each and are left out, edges included; sprints naming an epic get its
stories; then the linter runs on the plan and every finding is sorted by line.
"""

from __future__ import annotations

from dataclasses import replace

from planner.lint import lint
from planner.marks import N_, Phrase, joined, phrase
from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Sprint, Story, story_sort_key
from planner.reader.drafts import LaneDraft
from planner.reader.language import detect_language
from planner.reader.lines import Reader


def read_plan(text: str, *, title: str | None = None) -> Plan:
    """The plan a person would read in `text`, with every finding of the reader and the linter.

    Never raises on any text: what cannot be read becomes a finding. `title` is used when the
    text has no `#` heading to take the title from.
    """
    reader = Reader()
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    reader.read(text if isinstance(text, str) else "")
    defined = dict(reader.defined)
    if not reader.story_list:  # no list of stories: the dependency lists say which ids are stories
        for sid, line in reader.weak.items():
            defined[sid] = min(line, defined.get(sid, line))
    findings = list(reader.findings)

    for sid, seen in reader.mentions.items():
        if sid in defined:
            continue
        places: list[Phrase] = []
        for number, where in seen:
            place = phrase(N_("{where} (line {line})"), where=where, line=number)
            if place not in places:
                places.append(place)
        if reader.story_list:  # the plan lists its stories: only that list defines them
            findings.append(
                Finding.said("error", "undefined-id",
                             N_("{sid} is named in {places} but the plan's list of stories does not define it; it is "
                                "left out of the plan") if len(places) <= 4 else
                             N_("{sid} is named in {places} and more but the plan's list of stories does not define "
                                "it; it is left out of the plan"), seen[0][0], sid=sid, places=joined(", ", places[:4]))
            )  # fmt: skip
            continue
        findings.append(
            Finding.said(
                "error",
                "undefined-id",
                N_("{sid} is named in {places} but no dependency list, lane, continuous section or Stories section "
                   "defines it; it is left out of the plan") if len(places) <= 4 else
                N_("{sid} is named in {places} and more but no dependency list, lane, continuous section or Stories "
                   "section defines it; it is left out of the plan"),
                seen[0][0],
                sid=sid,
                places=joined(", ", places[:4]),
            )
        )

    stories = tuple(
        Story(sid, reader.titles.get(sid, (0, None))[1], reader.estimates.get(sid), line)
        for sid, line in sorted(defined.items(), key=lambda kv: story_sort_key(kv[0]))
    )
    modes: list[Mode] = []
    _table_lanes(reader, findings)
    for draft in reader.modes:
        sprints: list[Sprint] = []
        for sprint in draft.sprints:
            ids: list[str] = []
            for kind, value in sprint.refs:
                if kind == "epic":
                    members = [s.id for s in stories if s.id.split(".")[0].lstrip("0") == value.lstrip("0")]
                    if not members:
                        findings.append(
                            Finding.said("warning", "unknown-epic", N_("{sprint} names epic {epic}, which has no story"),
                                         sprint.line, sprint=sprint.name, epic=value)
                        )  # fmt: skip
                    ids += members
                elif value in defined:
                    ids.append(value)
            sprints.append(Sprint(sprint.name, tuple(dict.fromkeys(ids)), sprint.line))
        modes.append(
            Mode(
                devs=draft.devs,
                recommended=draft.recommended,
                name=draft.name,
                lanes=tuple(
                    Lane(lane.key, lane.label, tuple(s for s in lane.stories if s in defined), lane.line)
                    for lane in draft.lanes
                ),
                floating=tuple(s for s in draft.floating if s in defined),
                floating_lanes=tuple(draft.floating_lanes),
                sprints=tuple(sprints),
                line=draft.line,
            )
        )
    plan = Plan(
        title=reader.title or title or "Untitled plan",
        stories=stories,
        edges=tuple(e for e in reader.edges if e[0] in defined and e[1] in defined),
        gates=tuple(Gate(s, k, n, label) for s, k, n, label in reader.gates if s in defined),
        critical_path=tuple(s for s in reader.critical if s in defined),
        continuous=tuple(reader.continuous),
        finalisation=tuple(reader.finalisation),
        modes=tuple(modes),
        checkpoints=tuple(
            Checkpoint(c.name, tuple(s for s in c.stories if s in defined), tuple(c.proofs), c.line)
            for c in reader.checkpoints
        ),
        rules=tuple(reader.rules),
        critical_path_line=reader.critical_line,
        language=detect_language(text if isinstance(text, str) else ""),
    )
    lane_lines: dict[tuple[int | None, str], dict[str, int]] = {
        (lane.line, lane.key): lane.lines for draft in reader.modes for lane in draft.lanes
    }
    cyclic = False
    for finding in lint(plan):
        if finding.code == "cycle":
            cyclic = True
            continue  # said below, on the line of the dependency that closes it
        if finding.code == "lane-order":
            # The line where the lane names the story, not the "Dev A:" line above it.
            written = lane_lines.get((finding.line, str(finding.values.get("lane"))), {})
            finding = replace(finding, line=written.get(str(finding.values.get("sid")), finding.line))
        findings.append(finding)
    if cyclic:
        findings += _cycles(plan, reader.edges)
    findings.sort(key=lambda f: (f.line is None, f.line or 0))
    return replace(plan, findings=tuple(findings), _index={})


def _table_lanes(reader: Reader, findings: list[Finding]) -> None:
    """A table's lane column fills the lanes of the modes that list none of their own ("Staffing:
    3 developers. Lane A: API, ..."), in the table's order; with no mode to hold them, it is said."""
    if not reader.table_lanes:
        return
    takers = [draft for draft in reader.modes if not any(lane.stories for lane in draft.lanes)]
    if not takers:
        if not reader.modes:
            line = min(line for rows in reader.table_lanes.values() for _, line in rows)
            findings.append(
                Finding.said("warning", "unreadable",
                             N_("the table's lane column is not read: no staffing mode ('3 developers') says who the "
                                "lanes are"), line)
            )  # fmt: skip
        return
    for draft in takers:
        for key, rows in reader.table_lanes.items():
            lane = next((lane for lane in draft.lanes if lane.key == key), None)
            if lane is None:
                lane = LaneDraft(key, None, rows[0][1])
                draft.lanes.append(lane)
            for sid, line in rows:
                lane.stories.append(sid)
                lane.lines.setdefault(sid, line)


def _cycles(plan: Plan, edge_lines: dict[tuple[str, str], int | None]) -> list[Finding]:
    """One "cycle" finding per knot of stories that wait on each other, on the line of the
    dependency read last among the knot's (the one that closed it), naming the knot and the
    stories downstream that can therefore never start either. Only a plan with a cycle pays for it."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(plan.edges)
    knots = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    knots += [{a} for a, _ in nx.selfloop_edges(graph)]
    if not knots:
        return []
    findings = []
    for knot in sorted(knots, key=lambda c: min(story_sort_key(s) for s in c)):
        inside = graph.subgraph(knot)
        cycle = [a for a, _ in nx.find_cycle(inside)]
        start = cycle.index(min(cycle, key=story_sort_key))
        cycle = cycle[start:] + cycle[:start]
        # The last-read dependency closes it; on one line, the last pair in reading order (never set order).
        closing = max(inside.edges(), key=lambda e: (edge_lines.get(e) or 0, story_sort_key(e[0]),
                                                     story_sort_key(e[1])))
        line = edge_lines.get(closing)
        if line is None:
            first = plan.story(cycle[0])
            line = first.line if first else None
        if len(cycle) <= 12:
            steps = " -> ".join([*cycle, cycle[0]])
        else:  # a 10,000-story cycle named in full would be a 70 KB line
            steps = " -> ".join(cycle[:10]) + f" -> … {len(cycle) - 10:,} more -> {cycle[0]}"
        # One walk per knot: a plan has a handful of knots, not thousands.
        later = sorted(nx.descendants(graph, next(iter(knot))) - knot, key=story_sort_key) if len(knots) <= 50 else []
        values = {"steps": steps, "line": line, "before": closing[0], "after": closing[1]}
        if not later:
            findings.append(
                Finding.said("error", "cycle",
                             N_("dependency cycle: {steps}, closed by '{after} after {before}' (line {line}): none of "
                                "these stories can ever start"), line, **values)
            )  # fmt: skip
            continue
        shown = ", ".join(later[:10]) + (f" (+{len(later) - 10:,})" if len(later) > 10 else "")
        findings.append(
            Finding.said("error", "cycle",
                         N_("dependency cycle: {steps}, closed by '{after} after {before}' (line {line}): none of "
                            "these stories can ever start, nor can what comes after them: {later}"), line, later=shown,
                         **values)
        )  # fmt: skip
    return findings
