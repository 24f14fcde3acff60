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
    defined = reader.defined
    findings = list(reader.findings)

    for sid, seen in reader.mentions.items():
        if sid in defined:
            continue
        places: list[Phrase] = []
        for number, where in seen:
            place = phrase(N_("{where} (line {line})"), where=where, line=number)
            if place not in places:
                places.append(place)
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
                    Lane(lane.key, lane.label, tuple(lane.stories), lane.line) for lane in draft.lanes
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
        gates=tuple(Gate(s, k, n) for s, k, n in reader.gates if s in defined),
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
    findings += lint(plan)
    findings.sort(key=lambda f: (f.line is None, f.line or 0))
    return replace(plan, findings=tuple(findings), _index={})
