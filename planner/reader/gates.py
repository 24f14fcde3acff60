"""Gate lines: which story is a gate, of which kind, and what it must come before.

"1.1 est le gate d'entree", "4.1 is the data gate before 5.2": the kind is the word that
qualifies "gate" (or, failing that, a known kind word anywhere on the line). The entry gate's
special power (it holds back every story) belongs to the graph, not to the reader.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
from planner.reader.scan import LineScan
from planner.reader.text import words_in, wordset
from planner.reader.tokens import ID_RE

GATE_WORDS = frozenset({"gate", "gates", "verrou", "verrous"})
GATE_PARTICLES = frozenset({"d", "de", "du", "des", "of", "l", "la", "le", "the", "for", "pour"})
GATE_STOP = wordset(
    "avant before apres after pour sur on is est and et story stories this ce c qui which that it il elle"
    " comme as en in au du de des d of le la les l the a an un une"
)
GATE_KINDS = {
    "entree": "entry", "entry": "entry", "acceleration": "acceleration", "accelerateur": "acceleration",
    "data": "data", "donnees": "data", "donnee": "data", "recovery": "recovery", "reprise": "recovery",
    "restauration": "recovery", "restore": "recovery", "securite": "security", "security": "security",
    "sortie": "exit", "exit": "exit", "release": "release", "qualite": "quality", "quality": "quality",
    "critique": "critical", "critical": "critical", "production": "production", "prod": "production",
}  # fmt: skip


class GateBlocks(ReaderState):
    """Items of the gates block."""

    def item_gates(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        ids = ID_RE.findall(scan.masked)
        if not ids:
            if is_bullet:
                self.unreadable(number, text, N_("expected a story id and the gate's kind"))
            return
        story = ids[0]
        kind = _gate_kind(scan.masked)
        if kind is None:
            self.unreadable(number, text, phrase(N_("which kind of gate is {story}? (entry, acceleration, data, ...)"),
                                                 story=story))
            return
        self.mention(story, number, phrase(N_("the gates")))
        first = next((item for item in scan.items if item.id == story), None)
        if first:
            self.name_it(story, first.title, 1)
            if first.estimate is not None:
                self.estimates.setdefault(story, first.estimate)
        before = re.search(r"\b(?:avant|before|prior to|ahead of)\b", scan.masked)
        if before:
            for later in ID_RE.findall(scan.masked[before.end() :]):
                self.mention(later, number, phrase(N_("the gates")))
                self.edge(story, later)
        if (story, kind) not in [(s, k) for s, k, _ in self.gates]:
            self.gates.append((story, kind, number))


def _gate_kind(masked: str) -> str | None:
    """'est le gate d'entree' -> entry; 'is the recovery gate before 5.2' -> recovery."""
    tokens = words_in(ID_RE.sub(" ", masked))
    at = next((i for i, t in enumerate(tokens) if t in GATE_WORDS), None)
    if at is None:
        return next((GATE_KINDS[t] for t in tokens if t in GATE_KINDS), None)
    after = list(tokens[at + 1 :])
    while after and after[0] in GATE_PARTICLES:
        after.pop(0)
    if after and after[0] not in GATE_STOP and after[0] not in GATE_WORDS:
        return _kind(after[0])
    before = [t for t in tokens[:at] if t not in ("the", "le", "la", "l", "un", "une", "a", "an")]
    if before and before[-1] not in GATE_STOP:
        return _kind(before[-1])
    return None


def _kind(token: str) -> str:
    return GATE_KINDS.get(token) or token.encode("ascii", "ignore").decode() or "gate"
