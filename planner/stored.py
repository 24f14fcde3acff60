"""A read plan as JSON and back, whole: what `plan import` stores beside the text so that no
process reads the same text twice (a 10,000-story plan takes half a second to read, a tenth of
that to load).

`to_stored(plan)` keeps everything the reader found, lines, labels and each finding's template
and values included, so `from_stored(to_stored(plan)) == plan` field for field
(tests/planner/test_stored.py). JSON rather than pickle: the database is not trusted to run code.

`reader_key(source_sha)` names what a stored copy was read from: the text's sha and the
planner's own code. A release that reads plans differently has another key, so its first
process reads the text again (and stores its copy) rather than trust an older reading.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Sprint, Story

FORMAT = 1  # of the JSON below: bump it when it changes shape


@functools.cache
def _code_fingerprint() -> str:
    """The sha256 of the planner package's Python files (the reader, the linter, the model)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reader_key(source_sha: str) -> str:
    return f"{source_sha}:{_code_fingerprint()}"


def to_stored(plan: Plan) -> str:
    data: dict[str, Any] = {
        "title": plan.title,
        "stories": [[s.id, s.title, s.estimate, s.line] for s in plan.stories],
        "edges": plan.edges,
        "gates": [[g.story, g.kind, g.line, g.label] for g in plan.gates],
        "critical_path": plan.critical_path,
        "continuous": plan.continuous,
        "finalisation": plan.finalisation,
        "modes": [
            [m.devs, m.recommended, m.name, [[lane.key, lane.label, lane.stories, lane.line] for lane in m.lanes],
             m.floating, m.floating_lanes, [[s.name, s.stories, s.line] for s in m.sprints], m.line]
            for m in plan.modes
        ],
        "checkpoints": [[c.name, c.stories, c.proofs, c.line] for c in plan.checkpoints],
        "rules": plan.rules,
        "findings": [[f.severity, f.code, f.message, f.line, f.template, f.values] for f in plan.findings],
        "critical_path_line": plan.critical_path_line,
        "language": plan.language,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def from_stored(text: str) -> Plan:
    """The plan `to_stored` wrote. Raises ValueError (json's, or a KeyError/TypeError turned into
    one) when the text is not such a copy: the caller then reads the plan's text instead."""
    try:
        d = json.loads(text)
        return Plan(
            title=d["title"],
            stories=tuple(Story(i, t, e, n) for i, t, e, n in d["stories"]),
            edges=tuple((a, b) for a, b in d["edges"]),
            gates=tuple(Gate(s, k, n, label) for s, k, n, label in d["gates"]),
            critical_path=tuple(d["critical_path"]),
            continuous=tuple(d["continuous"]),
            finalisation=tuple(d["finalisation"]),
            modes=tuple(
                Mode(devs, rec, name, tuple(Lane(k, label, tuple(st), n) for k, label, st, n in lanes),
                     tuple(floating), tuple(floating_lanes), tuple(Sprint(sn, tuple(ss), sl) for sn, ss, sl in sprints),
                     line)
                for devs, rec, name, lanes, floating, floating_lanes, sprints, line in d["modes"]
            ),
            checkpoints=tuple(Checkpoint(nm, tuple(st), tuple(pr), n) for nm, st, pr, n in d["checkpoints"]),
            rules=tuple(d["rules"]),
            findings=tuple(Finding(sev, code, msg, n, tpl, vals) for sev, code, msg, n, tpl, vals in d["findings"]),
            critical_path_line=d["critical_path_line"],
            language=d["language"],
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"not a stored plan: {err}") from err
