"""One line, analysed: which ids it holds, what it says about each, and what is left over.

Every block reads its lines through `scan_line`, so "1.1 (baseline hardening) [3d] (after 1.0)"
means the same thing in a Stories list, under "Apres 1.1:" or in a lane. The scan is pure: it
records, and the block decides what the ids mean (define a story, name a gate, order a lane).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.reader.text import blank_out, fold, parse_number, top_groups, words_in
from planner.reader.tokens import (
    ARROW_RE,
    CONNECTORS,
    DEPS_KW_RE,
    EST_INLINE_RE,
    EST_ONLY_RE,
    FINAL_PART_RE,
    ID_RE,
)

_PART_SEP_RE = re.compile(r"[,;]")  # between the parts of a parenthesis; compiled once (one per title)
LEAD_RE = re.compile(r"^(?:[\s\-–—>→=:*#]|story\b|stories\b|us\b|user stor(?:y|ies)\b)*")
# "1.5, 1.6, 1.7" or "1.1 -> 1.4 -> 1.7": a line of ids and separators only, most lines of a big
# plan. Such a line has no title, estimate, clause or residue, so `scan_line` skips the general
# analysis for it (tests/planner/reader/test_scan.py checks both ways agree on such lines).
_ID = r"(?<![\w.])\d{1,9}\.\d{1,9}(?!\w|\.\d)"
ID_LIST_RE = re.compile(rf"\s*{_ID}(?:\s*(?:[,;+]|-{{1,2}}>|=>|[→⟶➜➔➝])\s*{_ID})*\s*[.,;]?\s*")


@dataclass
class LineItem:
    id: str
    start: int
    end: int
    title: str | None = None  # from a (parenthesis) right after the id
    text_title: str | None = None  # from the words after the id ("- 1.1 Baseline hardening")
    estimate: float | None = None
    final: bool = False
    after: list[str] = field(default_factory=list)  # "(after 1.1)"


@dataclass
class LineScan:
    items: list[LineItem]  # ids before any "after X" clause, outside brackets, in order
    all_ids: list[str]  # every id outside brackets, in order
    deps: list[str]  # ids of an inline "after X" clause
    chain: list[list[str]]  # subject ids grouped by arrows: [[1.3, 1.4], [1.2]] for "1.3 + 1.4 -> 1.2"
    arrows: bool
    residue: list[str]  # words left once ids, brackets, separators and connectors are gone
    leading: bool  # the line starts with an id ("Story 1.1 ..." counts)
    masked: str  # folded text with brackets and estimates blanked


def _paren(content: str) -> tuple[str | None, float | None, bool, list[str]]:
    """(title, estimate, finalisation, after-ids) from "(documentation/matrice, finalisation ...)"."""
    title: str | None = None
    estimate: float | None = None
    final = False
    deps: list[str] = []
    folded = fold(content)
    start = 0
    for match in [*_PART_SEP_RE.finditer(content), None]:
        end = match.start() if match else len(content)
        part, fpart = content[start:end].strip(), folded[start:end].strip()
        start = end + 1
        est = EST_ONLY_RE.match(fpart)
        inline = EST_INLINE_RE.fullmatch(fpart)
        if est and est.group(2):
            estimate = parse_number(est.group(1))
        elif inline:
            estimate = parse_number(inline.group(1))
        elif FINAL_PART_RE.match(fpart):
            final = True
        elif DEPS_KW_RE.match(fpart) and ID_RE.search(fpart):
            deps += ID_RE.findall(fpart)
        elif title is None and words_in(part):
            title = " ".join(part.split())
    return title, estimate, final, deps


def scan_line(text: str) -> LineScan:
    """What `text` holds; a line of ids and separators only takes the short way."""
    if ID_LIST_RE.fullmatch(text):
        masked = fold(text)
        ids = [(m.start(), m.end(), m.group()) for m in ID_RE.finditer(masked)]
        return LineScan(
            items=[LineItem(sid, a, b) for a, b, sid in ids],
            all_ids=[sid for _, _, sid in ids],
            deps=[],
            chain=_chain(masked, ids),
            arrows=bool(ARROW_RE.search(masked)),
            residue=[],
            leading=True,
            masked=masked,
        )
    return scan_any_line(text)


def _chain(masked: str, subjects: list[tuple[int, int, str]]) -> list[list[str]]:
    """The subject ids grouped by arrows: [[1.3, 1.4], [1.2]] for "1.3 + 1.4 -> 1.2"."""
    chain: list[list[str]] = []
    previous_end: int | None = None
    for a, b, sid in subjects:
        if previous_end is None or ARROW_RE.search(masked[previous_end:a]):
            chain.append([])
        chain[-1].append(sid)
        previous_end = b
    return chain


def scan_any_line(text: str) -> LineScan:
    """The general analysis, for any line."""
    folded = fold(text)
    groups = top_groups(text)
    masked = blank_out(folded, groups)
    estimates = (  # every word EST_INLINE_RE starts with holds "est" or is "effort": most lines skip the regex
        [(m.start(), m.end(), parse_number(m.group(1))) for m in EST_INLINE_RE.finditer(masked)]
        if "est" in masked or "effort" in masked else []
    )  # fmt: skip
    masked = blank_out(masked, [(a, b) for a, b, _ in estimates])
    ids = [(m.start(), m.end(), m.group()) for m in ID_RE.finditer(masked)]
    dep = next((m for m in DEPS_KW_RE.finditer(masked) if ID_RE.search(masked, m.end())), None)
    cut = dep.start() if dep else len(masked)
    subjects = [t for t in ids if t[0] < cut]
    items: list[LineItem] = []
    plain = blank_out(text, groups + [(ea, eb) for ea, eb, _ in estimates])  # the words, without brackets
    for k, (a, b, sid) in enumerate(subjects):
        item = LineItem(sid, a, b)
        tail_end = subjects[k + 1][0] if k + 1 < len(subjects) else cut
        attached: list[tuple[int, int]] = []
        pos = b
        for ga, gb in groups:  # groups right after the id: "1.1 (title) [3d]"
            if ga < pos:
                continue
            if text[pos:ga].strip():
                break  # words before this group, so before every later one: none of them is attached
            attached.append((ga, gb))
            pos = gb
        for ga, gb in groups:
            if not b <= ga < tail_end:
                continue
            content, fcontent = text[ga + 1 : gb - 1], folded[ga + 1 : gb - 1]
            if (ga, gb) in attached and text[ga] == "(":
                title, paren_estimate, final, after = _paren(content)
                item.title = item.title or title
                item.estimate = paren_estimate if paren_estimate is not None else item.estimate
                item.final = item.final or final
                item.after += after
                continue
            est = EST_ONLY_RE.match(fcontent)
            if est and (text[ga] == "[" or est.group(2)):
                item.estimate = parse_number(est.group(1))
            elif DEPS_KW_RE.match(fcontent.strip()) and ID_RE.search(fcontent):
                item.after += ID_RE.findall(fcontent)
            elif FINAL_PART_RE.match(fcontent.strip()):
                item.final = True
        for ea, _eb, value in estimates:
            if b <= ea < tail_end:
                item.estimate = value
        words = plain[b:tail_end].strip(" \t:-–—.,;/+&|")
        words = " ".join(words.split())
        if words and words_in(words) and not ARROW_RE.search(words) and fold(words) not in CONNECTORS:
            item.text_title = words
        items.append(item)
    chain = _chain(masked, subjects)
    rest = blank_out(masked, [(a, b) for a, b, _ in ids])
    residue = [w for w in words_in(ARROW_RE.sub(" ", rest)) if w not in CONNECTORS]
    lead = LEAD_RE.match(masked)  # always matches, possibly empty
    leading = bool(subjects) and lead is not None and lead.end() >= subjects[0][0]
    return LineScan(
        items=items,
        all_ids=[sid for _, _, sid in ids],
        deps=[sid for a, _, sid in ids if a >= cut] if dep else [],
        chain=chain,
        arrows=bool(ARROW_RE.search(masked)),
        residue=residue,
        leading=leading,
        masked=masked,
    )
