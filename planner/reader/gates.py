"""Gate lines: which story is a gate, of which kind, and what it must come before.

"1.1 est le gate d'entree", "4.1 is the data gate before 5.2", "Gates: 1.1 (entry), 2.1 (API
contract frozen)": the kind is the words that qualify "gate" (or, failing that, a known kind word
anywhere on the line, or the brackets after each id of a gate list). `Gate.kind` is the
vocabulary's kind when one applies (labels.GATE_KINDS: entry, data, ...), else the words as
written; `Gate.label` keeps the words as written ("mise en production") when they say more than
the kind, so a team reads its own words back. The entry gate's special power (it holds back every
story) belongs to the graph, not to the reader.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
from planner.reader.labels import GATE_BOUNDARY, GATE_KINDS, GATE_PARTICLES, GATE_STOP, GATE_WORDS
from planner.reader.scan import LineScan
from planner.reader.text import fold, words_in
from planner.reader.tokens import ID_RE


class GateBlocks(ReaderState):
    """Items of the gates block."""

    def item_gates(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        ids = ID_RE.findall(scan.masked)
        if not ids:
            if is_bullet:
                self.unreadable(number, text, N_("expected a story id and the gate's kind"))
            return
        if _is_gate_list(scan):
            # "Gates: 1.1 (entry), 2.1 (API contract frozen)": each id carries its kind in brackets.
            for item in scan.items:
                kind, label = _normalised(item.title or "")
                self.add_gate(item.id, kind, label, number)
            return
        story = ids[0]
        found = _gate_kind(text, scan.masked)
        if found is None:
            self.unreadable(number, text, phrase(N_("which kind of gate is {story}? (entry, acceleration, data, ...)"),
                                                 story=story))
            return
        first = next((item for item in scan.items if item.id == story), None)
        if first:
            self.name_it(story, first.title, 1)
            if first.estimate is not None:
                self.estimates.setdefault(story, first.estimate)
        before = re.search(r"\b(?:avant|before|prior to|ahead of)\b", scan.masked)
        if before:
            for later in ID_RE.findall(scan.masked[before.end() :]):
                self.mention(later, number, phrase(N_("the gates")))
                self.edge(story, later, number)
        self.add_gate(story, found[0], found[1], number)

    def add_gate(self, story: str, kind: str, label: str | None, number: int) -> None:
        self.mention(story, number, phrase(N_("the gates")))
        if (story, kind) not in [(s, k) for s, k, _, _ in self.gates]:
            self.gates.append((story, kind, number, label))


def _is_gate_list(scan: LineScan) -> bool:
    """A line of ids each followed by a bracketed kind, with no "gate" word: a list of gates."""
    return (
        bool(scan.items)
        and all(item.title for item in scan.items)
        and not any(word in GATE_WORDS for word in words_in(scan.masked))
    )


def _normalised(written: str) -> tuple[str, str | None]:
    """(kind, label) for a kind as written: the vocabulary's kind when one of its words is known
    ("mise en production" -> production), else the words as written; the label keeps the words
    as written unless they are just the vocabulary's word ("entrée", "data"), which says nothing more."""
    written = " ".join(written.split())
    words = words_in(fold(written))
    kind = next((GATE_KINDS[w] for w in words if w in GATE_KINDS), None)
    if kind is None:
        return (written or "gate"), (written or None)
    return kind, (None if len(words) == 1 else written)


def _gate_kind(text: str, masked: str) -> tuple[str, str | None] | None:
    """'est le gate d'entree' -> entry; 'is the recovery gate before 5.2' -> recovery;
    'est le gate de mise en production.' -> (production, 'mise en production').

    The kind is the run of words right after "gate" (past "de", "d'", "of"...) up to punctuation
    or "before"/"avant", else the run right before it ("the API contract gate"); it is cut from
    `text` as written, so accents and several words are kept.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(ID_RE.sub(_blank, masked))]
    at = next((i for i, t in enumerate(tokens) if t[2] in GATE_WORDS), None)
    if at is None:
        return next(((GATE_KINDS[t], None) for _, _, t in tokens if t in GATE_KINDS), None)
    i = at + 1
    while i < len(tokens) and tokens[i][2] in GATE_PARTICLES and _joined(masked, tokens[i - 1], tokens[i]):
        i += 1
    run = []
    if i < len(tokens) and tokens[i][2] not in GATE_STOP and tokens[i][2] not in GATE_WORDS and _joined(
        masked, tokens[i - 1], tokens[i]
    ):
        run = [tokens[i]]
        while (
            len(run) < 5 and i + 1 < len(tokens) and tokens[i + 1][2] not in GATE_BOUNDARY
            and tokens[i + 1][2] not in GATE_WORDS and _joined(masked, tokens[i], tokens[i + 1])
        ):  # fmt: skip
            i += 1
            run.append(tokens[i])
        while run and run[-1][2] in GATE_STOP:
            run.pop()
    if not run:
        j = at - 1
        while (
            len(run) < 4 and j >= 0 and tokens[j][2] not in GATE_STOP and tokens[j][2] not in GATE_WORDS
            and _joined(masked, tokens[j], tokens[j + 1])
        ):  # fmt: skip
            run.insert(0, tokens[j])
            j -= 1
    if not run:
        return None
    return _normalised(text[run[0][0] : run[-1][1]])


_WORD_RE = re.compile(r"[^\W\d_]+")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _joined(masked: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Nothing but spaces, an apostrophe or a hyphen between two words (no '.', ':', ',', id)."""
    return re.fullmatch(r"[\s'\-]*", masked[left[1] : right[0]]) is not None
