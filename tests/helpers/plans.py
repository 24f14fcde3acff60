"""Plans for tests: the bundled seed, the plans under tests/planner/plans, and what their text says.

The text helpers (`named_ids`, `after_edges`, `chain_links`, `line_of`) read the seed's own
Markdown with plain regular expressions, independently of `planner.reader`, so a test can
derive an expected count or line number from the plan instead of hard-coding it, without
asking the code under test for the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.model import Finding, Gate, Lane, Mode, Plan, Story, story_sort_key
from planner.reader import read_plan
from planner.state import State, StoryStatus

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT / "plans" / "k3s-mono-pgsql.md"
SEED_SLUG = SEED_PATH.stem  # what import names the bundled plan: "k3s-mono-pgsql"
TEST_PLANS = ROOT / "tests" / "planner" / "plans"

_ID = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
_AFTER = re.compile(r"^(?:Apres|Après|After) ([\d. +]+):\s*$")
_BULLET_IDS = re.compile(r"^- ([\d., ]+)$")


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def read_seed() -> Plan:
    return read_plan(seed_text())


def plan_file(name: str) -> Plan:
    """One of the plans under tests/planner/plans, read."""
    return read_plan((TEST_PLANS / name).read_text(encoding="utf-8"))


def findings(plan: Plan) -> list[tuple[str, str, str, int | None]]:
    return [(f.severity, f.code, f.message, f.line) for f in plan.findings]


def codes(plan: Plan | Iterable[Finding]) -> list[str]:
    return [f.code for f in (plan.findings if isinstance(plan, Plan) else plan)]


# -- what the seed's text says, read without the reader -------------------------------------------


def named_ids(text: str) -> list[str]:
    """Every distinct story id the text names, in numeric order. On the seed, which names no id it
    does not define, these are exactly its stories."""
    return sorted(set(_ID.findall(text)), key=story_sort_key)


def after_edges(text: str) -> set[tuple[str, str]]:
    """(before, after) pairs of the seed-style "Apres 1.3 + 1.4:" blocks and their "- 1.2" lines."""
    edges: set[tuple[str, str]] = set()
    before: list[str] = []
    for line in text.splitlines():
        label, items = _AFTER.match(line), _BULLET_IDS.match(line)
        if label:
            before = _ID.findall(label.group(1))
        elif items and before:
            edges |= {(b, a) for b in before for a in _ID.findall(items.group(1))}
        elif line.strip():
            before = []
    return edges


def chain_links(text: str, heading: str = "Chemin critique:") -> set[tuple[str, str]]:
    """The links of the `a -> b -> c` chain on the line after `heading`."""
    lines = text.splitlines()
    chain = _ID.findall(lines[lines.index(heading) + 1])
    return set(zip(chain, chain[1:], strict=False))


def downstream(edges: Iterable[tuple[str, str]], story: str) -> set[str]:
    """Every story that waits for `story` through `edges`, directly or not."""
    edges = list(edges)
    found: set[str] = set()
    todo = [story]
    while todo:
        current = todo.pop()
        for a, b in edges:
            if a == current and b not in found:
                found.add(b)
                todo.append(b)
    return found


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line of `text` that contains `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# -- a small hand-built plan, and states for it ---------------------------------------------------


def tiny_plan() -> Plan:
    """Five stories: entry gate 1.1; 1.2 -> 2.1 (data gate) -> 2.2; 9.9 continuous and finalised
    last; a recommended 2-dev mode with lanes A (core: 1.1, 1.2, 2.1) and B (2.2), 9.9 floating to B."""
    return Plan(
        title="tiny",
        stories=tuple(Story(s) for s in ("1.1", "1.2", "2.1", "2.2", "9.9")),
        edges=(("1.2", "2.1"), ("2.1", "2.2")),
        gates=(Gate("1.1", "entry"), Gate("2.1", "data")),
        critical_path=("1.1", "1.2", "2.1", "2.2"),
        continuous=("9.9",),
        finalisation=("9.9",),
        modes=(
            Mode(
                2,
                True,
                lanes=(Lane("A", "core", ("1.1", "1.2", "2.1")), Lane("B", None, ("2.2",))),
                floating=("9.9",),
                floating_lanes=("B",),
            ),
        ),
    )


def status(sid: str, state: str, assignee: str | None = None, **kw: Any) -> StoryStatus:
    return StoryStatus(sid, State(state), assignee=assignee, **kw)


def statuses(**states: tuple[str, ...]) -> dict[str, StoryStatus]:
    """statuses(**{"1_1": ("done",), "1_2": ("review", "ann")}): "_" stands for the dot of the id."""
    out = {}
    for key, (state, *assignee) in states.items():
        sid = key.replace("_", ".")
        out[sid] = status(sid, state, assignee[0] if assignee else None)
    return out


_CHECKPOINT = re.compile(r"^Checkpoint (\w+):\s*$")


def checkpoint_blocks(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (story ids, proof lines) of the seed-style "Checkpoint A:" blocks: a "- 1.1, 1.3 done"
    line lists stories, any other "- …" line is a proof, as written."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    current: str | None = None
    for line in text.splitlines():
        head = _CHECKPOINT.match(line)
        if head:
            current = head.group(1)
            out[current] = ([], [])
        elif current and line.startswith("- "):
            item = line[2:].strip()
            ids = _ID.findall(item)
            if ids and item.startswith(ids[0]):
                out[current][0].extend(ids)
            else:
                out[current][1].append(item)
        elif line.strip():
            current = None
    return out
