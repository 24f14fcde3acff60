"""Read a delivery plan written in Markdown, French or English, the way a person reads it.

The reader is lenient about form (`## 3) Plan 2 dev` or `3) Plan 2 dev`, bullets or numbers,
accents or none, backticks, bold) and strict about meaning: a line inside a section it knows
either says something it understood or becomes an "unreadable" finding with its line number, so
nothing a lead wrote is silently lost. Sections it does not know ("Vision", "Execution
immediate") are skipped whole, because a plan is allowed to talk about other things.

Reading happens in one pass over the lines. Headings open sections; label lines ("Apres 1.1:",
"Dev A (platform core):", "Checkpoint A:") open blocks inside them; every other line is an item
of the current block. Ids are collected with where they were seen, and only at the end do we
decide which ids are stories: those a dependency list, a lane, the continuous section or a
Stories section defines. An id only named elsewhere (a gate, the critical path, a checkpoint, a
sprint) is a typo until proven otherwise, so it is reported and left out, edges included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from planner.lint import lint
from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Sprint, Story, story_sort_key

# -- text helpers ------------------------------------------------------------------------------

_FOLD_CACHE: dict[str, str] = {}


def fold(text: str) -> str:
    """Lowercase and drop accents, one character for one character (so spans stay valid)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        folded = _FOLD_CACHE.get(ch)
        if folded is None:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            base = base if len(base) == 1 else ch
            low = base.lower()
            folded = low if len(low) == 1 else base
            folded = "'" if folded in "\u2019\u2018\u02bc" else folded
            _FOLD_CACHE[ch] = folded
        out.append(folded)
    return "".join(out)


# A story id: two dotted numbers, not glued to a word, a dot or a third number (so 1.2.3,
# v1.2, python3.11, 10.02.2026 are not ids; "1." alone is a list marker, not an id).
ID_RE = re.compile(r"(?<![\w.])\d{1,9}\.\d{1,9}(?!\w|\.\d)")
ARROW_RE = re.compile(r"-{1,2}>|=>|[→⟶➜➔➝]")
_NUM = r"\d{1,6}(?:[.,]\d{1,3})?"
_UNIT = r"(?:jh|j|d|days?|jours?|pts?|points?|sp)"
EST_ONLY_RE = re.compile(rf"^\s*~?\s*({_NUM})\s*({_UNIT})?\s*$")
EST_INLINE_RE = re.compile(
    rf"\b(?:estimate|estimation|effort|est\.)\s*[:=]?\s*~?\s*({_NUM})(?:\s*{_UNIT}\b)?"
)
DEPS_KW_RE = re.compile(
    r"\b(?:apres|after|depends on|depends upon|depend de|dependant de|needs|requires|blocked by"
    r"|bloquee? par|waits for|attend)\b"
)
FINAL_PART_RE = re.compile(r"^(?:finali[sz]ation|finali[sz]ed|done last|en dernier)\b")
FINAL_LINE_RE = re.compile(
    r"finali[sz]ation en fin|finali[sz]ed? (?:at the end|last)|en fin de lot|fin de lot"
    r"|at the end of the (?:batch|delivery|lot|project|plan)|done last|en dernier"
)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONNECTORS = _wordset(
    "and et or ou then puis plus story stories us done fait faite faits faites termine terminee"
    " termines terminees valide validee valides validees complete completed complet complets"
)
HASH_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
NUM_HEADING_RE = re.compile(r"^\s{0,3}(\d{1,2})\)\s+(\S.*)$")
BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?")
FENCE_RE = re.compile(r"^\s*(?:```|~~~|(?:-\s*){3,}$|(?:\*\s*){3,}$|(?:_\s*){3,}$|<!--.*-->\s*$)")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LEAD_RE = re.compile(r"^(?:[\s\-–—>→=:*#]|story\b|stories\b|us\b|user stor(?:y|ies)\b)*")


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _top_groups(text: str) -> list[tuple[int, int]]:
    """Spans of top-level (...) and [...] groups; unbalanced brackets are left as text."""
    groups: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in "([":
            stack.append((ch, i))
        elif ch in ")]":
            want = "(" if ch == ")" else "["
            if stack and stack[-1][0] == want:
                _, start = stack.pop()
                if not stack:
                    groups.append((start, i + 1))
            elif stack:
                stack.clear()  # a stray closer: give up on the open groups rather than guess
    return groups


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def _split_colon(text: str) -> tuple[str, str | None]:
    """Split "head: rest" at the first colon outside brackets (a URL's "https:" does not count)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0 and text[i + 1 : i + 3] != "//":
            return text[:i], text[i + 1 :]
    return text, None


# -- one line, analysed ------------------------------------------------------------------------


@dataclass
class _Item:
    id: str
    start: int
    end: int
    title: str | None = None  # from a (parenthesis) right after the id
    text_title: str | None = None  # from the words after the id ("- 1.1 Baseline hardening")
    estimate: float | None = None
    final: bool = False
    after: list[str] = field(default_factory=list)  # "(after 1.1)"


@dataclass
class _Scan:
    items: list[_Item]  # ids before any "after X" clause, outside brackets, in order
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
    for match in list(re.finditer(r"[,;]", content)) + [None]:
        end = match.start() if match else len(content)
        part, fpart = content[start:end].strip(), folded[start:end].strip()
        start = end + 1
        est = EST_ONLY_RE.match(fpart)
        inline = EST_INLINE_RE.fullmatch(fpart)
        if est and est.group(2):
            estimate = _num(est.group(1))
        elif inline:
            estimate = _num(inline.group(1))
        elif FINAL_PART_RE.match(fpart):
            final = True
        elif DEPS_KW_RE.match(fpart) and ID_RE.search(fpart):
            deps += ID_RE.findall(fpart)
        elif title is None and _words(part):
            title = " ".join(part.split())
    return title, estimate, final, deps


def _scan(text: str) -> _Scan:
    folded = fold(text)
    groups = _top_groups(text)
    masked = _blank(folded, groups)
    estimates = [(m.start(), m.end(), _num(m.group(1))) for m in EST_INLINE_RE.finditer(masked)]
    masked = _blank(masked, [(a, b) for a, b, _ in estimates])
    ids = [(m.start(), m.end(), m.group()) for m in ID_RE.finditer(masked)]
    dep = next((m for m in DEPS_KW_RE.finditer(masked) if ID_RE.search(masked, m.end())), None)
    cut = dep.start() if dep else len(masked)
    subjects = [t for t in ids if t[0] < cut]
    items: list[_Item] = []
    plain = _blank(text, groups + [(ea, eb) for ea, eb, _ in estimates])  # the words, without brackets
    for k, (a, b, sid) in enumerate(subjects):
        item = _Item(sid, a, b)
        tail_end = subjects[k + 1][0] if k + 1 < len(subjects) else cut
        attached: list[tuple[int, int]] = []
        pos = b
        for ga, gb in groups:  # groups right after the id: "1.1 (title) [3d]"
            if ga >= pos and not text[pos:ga].strip():
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
                item.estimate = _num(est.group(1))
            elif DEPS_KW_RE.match(fcontent.strip()) and ID_RE.search(fcontent):
                item.after += ID_RE.findall(fcontent)
            elif FINAL_PART_RE.match(fcontent.strip()):
                item.final = True
        for ea, _eb, value in estimates:
            if b <= ea < tail_end:
                item.estimate = value
        words = plain[b:tail_end].strip(" \t:-–—.,;/+&|")
        words = " ".join(words.split())
        if words and _words(words) and not ARROW_RE.search(words) and fold(words) not in CONNECTORS:
            item.text_title = words
        items.append(item)
    chain: list[list[str]] = []
    previous_end: int | None = None
    for a, b, sid in subjects:
        if previous_end is None or ARROW_RE.search(masked[previous_end:a]):
            chain.append([])
        chain[-1].append(sid)
        previous_end = b
    rest = _blank(masked, [(a, b) for a, b, _ in ids])
    residue = [w for w in _words(ARROW_RE.sub(" ", rest)) if w not in CONNECTORS]
    lead = LEAD_RE.match(masked)  # always matches, possibly empty
    leading = bool(subjects) and lead is not None and lead.end() >= subjects[0][0]
    return _Scan(
        items=items,
        all_ids=[sid for _, _, sid in ids],
        deps=[sid for a, _, sid in ids if a >= cut] if dep else [],
        chain=chain,
        arrows=bool(ARROW_RE.search(masked)),
        residue=residue,
        leading=leading,
        masked=masked,
    )


# -- what a heading or label line announces ----------------------------------------------------

MODE_RES = (
    re.compile(
        r"^(?:le |the |un |a )?(?:plan|staffing|mode|equipe|team)\s+(?:a |with |for |de |of )?(\d{1,2})\s*-?\s*"
        r"(?:devs?|developpeurs?|developers?|people|personnes)\b"
    ),
    re.compile(
        r"^(?:le |the |un |a )?(\d{1,2})\s*-?\s*(?:devs?|developers?|developpeurs?)\s+(?:plan|staffing|mode|team)\b"
    ),
)
RECOMMENDED_RE = re.compile(r"\b(?:recommandee?s?|recommended|conseillee?|preferred|preferee?)\b")
AFTER_LABEL_RE = re.compile(r"^(?:apres|after|une fois|once|des que|as soon as)\s+(.*)$")
AFTER_WORDS = CONNECTORS | _wordset(
    "is are est sont has have been a ete ont finished merged finie finies fini finis livree livrees livre livres"
    " gate gates the le la les l"
)
CRITICAL_RE = re.compile(r"^(?:le |the |declared )?(?:chemin critique|critical path)\b")
GATES_RE = re.compile(
    r"^(?:les |the )?(?:verrous?(?: critiques?)?|(?:critical |key |quality |entry )?gates|gates? critiques?)\b"
)
CONTINUOUS_RE = re.compile(
    r"^(?:peut|peuvent|can|may) (?:tourner|run|avancer|be done|se faire|proceed)\b.{0,40}?\bcontinu"
    r"|^runs? continuously\b|^continuous(?:ly)?\b|^(?:en )?(?:flux )?(?:quasi[ -])?continu\b"
)
STORIES_RE = re.compile(
    r"^(?:les |the )?(?:user stories|stories|backlog|story list|liste des stories|dependances|dependencies"
    r"|dependency|prerequis|prerequisites|parallel(?:isable)? stories|epics?\s+\d{1,9}\b)"
)
STORY_HEADING_RE = re.compile(r"^(?:user story|story|us)\s*#?\s*(\d{1,9}\.\d{1,9})(?!\w|\.\d)")
CHECKPOINT_RE = re.compile(
    r"^(?:checkpoint|point de controle|jalon|milestone)\s+([a-z0-9][\w-]{0,15})(?=\s|\(|:|$)"
)
CHECKPOINTS_RE = re.compile(
    r"^(?:les |the )?(?:points? de controle|checkpoints|jalons|milestones|definition of progress)\b"
)
RULES_RE = re.compile(
    r"^(?:les |the |our |nos )?(?:regles?(?: anti-?chaos| du jeu| de travail)?|anti-?chaos(?: rules)?"
    r"|(?:ground |working |team |delivery )?rules)\b"
)
LANE_RE = re.compile(r"^(?:dev|developpeur|developpeuse|developer)\s+([a-z0-9]{1,2})\b(.*)$")
SPRINTS_RE = re.compile(r"^(?:rythme|rhythm|cadence|sprints|iterations|planning|calendrier|schedule)\b")
SPRINT_RE = re.compile(r"^(?:sprint|iteration)\s*(\d{1,4}|(?<=\s)[a-z])\b")
FLOATING_RE = re.compile(
    r"^(?:en )?fil rouge\b|^floating\b|^flottante?s?\b|^in the background\b|^background\b|^side stories\b"
)
LANE_KEYS_RE = re.compile(
    r"\b(?:devs?|developers?|developpeurs?|lanes?)\s+([a-z0-9]{1,2}\b(?:(?:\s*[/,&+]\s*|\s+(?:ou|or|et|and)\s+)"
    r"(?:devs?\s+)?[a-z0-9]{1,2}\b)*)"
)
EPIC_RE = re.compile(r"\bepics?\s+(\d{1,9}(?![.\d])(?:(?:\s*[,&]\s*|\s+(?:et|and)\s+)\d{1,9}(?![.\d]))*)")
UNKNOWN_LABEL_RE = re.compile(r"^[^:]{1,60}:(?:\s|$)")
GATE_WORDS = frozenset({"gate", "gates", "verrou", "verrous"})
GATE_PARTICLES = frozenset({"d", "de", "du", "des", "of", "l", "la", "le", "the", "for", "pour"})
GATE_STOP = _wordset(
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


@dataclass
class _Label:
    kind: str  # mode after critical gates continuous stories story checkpoint checkpoints rules lane sprints sprint floating
    inline: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # devs, recommended, name, preds, key, label, head


def _classify(text: str, *, in_mode: bool, heading: bool) -> _Label | None:
    """What a heading or a label line ("Apres 1.1:", "Dev A (core):") announces, or None."""
    head, inline = _split_colon(text)
    fhead = fold(head).strip()
    if not fhead:
        return None
    for mode_re in MODE_RES:
        match = mode_re.match(fhead)
        if match:
            parts = [p.strip() for a, b in _top_groups(head) for p in re.split(r"[,;]", head[a + 1 : b - 1])]
            names = [p for p in parts if p and not RECOMMENDED_RE.fullmatch(fold(p))]
            return _Label(
                "mode",
                inline,
                {"devs": int(match.group(1)), "recommended": bool(RECOMMENDED_RE.search(fhead)),
                 "name": ", ".join(names) or None},
            )  # fmt: skip
    match = AFTER_LABEL_RE.match(fhead)
    if match:
        rest = _scan(head[match.start(1) :])
        if rest.all_ids and all(word in AFTER_WORDS for word in rest.residue):
            return _Label("after", inline, {"preds": rest.all_ids})
    if heading:
        match = STORY_HEADING_RE.match(fhead)
        if match:
            return _Label("story", text[match.start(1) :])
    if in_mode:
        match = LANE_RE.match(fhead)
        if match and (not match.group(2).strip() or match.group(2).lstrip()[0] in "(-–—"):
            after_key = head[match.start(2) :].strip()
            groups = _top_groups(after_key)
            label = (
                after_key[groups[0][0] + 1 : groups[0][1] - 1]
                if groups and groups[0][0] == 0
                else after_key.lstrip("-–— ")
            )
            return _Label(
                "lane", inline, {"key": match.group(1).upper(), "label": " ".join(label.split()) or None}
            )
        match = SPRINT_RE.match(fhead)
        if match:
            return _Label("sprint", inline, {"name": f"Sprint {head[match.start(1) : match.end(1)]}"})
        if SPRINTS_RE.match(fhead) and not ID_RE.search(fhead):
            return _Label("sprints", inline)
        if FLOATING_RE.match(fhead):
            return _Label("floating", inline, {"head": head})
    match = CRITICAL_RE.match(fhead)
    if match:
        if inline is None and ID_RE.search(fhead):
            inline = head[match.end() :]
        return _Label("critical", inline)
    if ID_RE.search(fhead) and not heading:
        return None
    match = CHECKPOINT_RE.match(fhead)
    if match:
        return _Label("checkpoint", inline, {"name": head[match.start(1) : match.end(1)]})
    for kind, regex in (
        ("gates", GATES_RE),
        ("continuous", CONTINUOUS_RE),
        ("checkpoints", CHECKPOINTS_RE),
        ("rules", RULES_RE),
        ("stories", STORIES_RE),
    ):
        match = regex.match(fhead)
        if match:
            return _Label(kind, inline)
    return None


SECTION_OF = {
    "after": "stories", "story": "stories", "stories": "stories", "critical": "critical", "gates": "gates",
    "continuous": "continuous", "checkpoint": "checkpoints", "checkpoints": "checkpoints", "rules": "rules",
}  # fmt: skip


# -- drafts, filled while reading --------------------------------------------------------------


@dataclass
class _LaneDraft:
    key: str
    label: str | None
    line: int
    stories: list[str] = field(default_factory=list)


@dataclass
class _SprintDraft:
    name: str
    line: int
    refs: list[tuple[str, str]] = field(default_factory=list)  # ("id", "3.1") or ("epic", "2")


@dataclass
class _ModeDraft:
    devs: int
    recommended: bool
    name: str | None
    line: int
    lanes: list[_LaneDraft] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)
    floating_lanes: list[str] = field(default_factory=list)
    sprints: list[_SprintDraft] = field(default_factory=list)


@dataclass
class _CheckpointDraft:
    name: str
    line: int
    stories: list[str] = field(default_factory=list)
    proofs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Block:
    """The block the current line belongs to, and the draft its items fill."""

    kind: str  # skip mode after story lane sprints floating checkpoint critical gates continuous checkpoints rules stories
    preds: tuple[str, ...] = ()  # after: what every story of the block waits for
    story: str | None = None  # story: the story a "### Story 1.1" heading opened
    lane: _LaneDraft | None = None  # lane
    sprint: _SprintDraft | None = None  # sprints: None under "Rythme:" until a "Sprint N:"
    checkpoint: _CheckpointDraft | None = None  # checkpoint


_SKIP = _Block("skip")


class _Reader:
    def __init__(self) -> None:
        self.title: str | None = None
        self.defined: dict[str, int] = {}
        self.mentions: dict[str, list[tuple[int, str]]] = {}
        self.titles: dict[str, tuple[int, str]] = {}
        self.estimates: dict[str, float] = {}
        self.edges: dict[tuple[str, str], None] = {}
        self.gates: list[tuple[str, str, int]] = []
        self.critical: list[str] = []
        self.critical_line: int | None = None
        self.critical_open = False
        self.continuous: list[str] = []
        self.finalisation: list[str] = []
        self.modes: list[_ModeDraft] = []
        self.checkpoints: list[_CheckpointDraft] = []
        self.rules: list[str] = []
        self.findings: list[Finding] = []
        self.section, self.level = "unknown", 0
        self.block = _SKIP
        self.list_number = 0  # the last "N)" list item seen in this section
        self.section_number = 0
        self.table_headers: list[str] = []

    # -- bookkeeping ---------------------------------------------------------------------------

    def define(self, sid: str, line: int) -> None:
        self.defined.setdefault(sid, line)

    def mention(self, sid: str, line: int, where: str) -> None:
        self.mentions.setdefault(sid, []).append((line, where))

    def edge(self, a: str, b: str) -> None:
        self.edges.setdefault((a, b), None)

    def name_it(self, sid: str, title: str | None, rank: int) -> None:
        if title and rank > self.titles.get(sid, (0, ""))[0]:
            self.titles[sid] = (rank, title)

    def unreadable(self, line: int, text: str, why: str) -> None:
        shown = text.strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        self.findings.append(Finding("warning", "unreadable", f"cannot read '{shown}': {why}", line))

    def take_items(self, scan: _Scan, line: int, *, rank: int, text_titles: bool = False) -> None:
        """Define the line's ids as stories, with what the line says about each."""
        for item in scan.items:
            self.define(item.id, line)
            self.name_it(item.id, item.title, rank)
            if text_titles and len(scan.items) == 1:
                self.name_it(item.id, item.text_title, rank)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)
            for before in item.after + scan.deps:
                self.mention(before, line, "a dependency")
                self.edge(before, item.id)
        for first, then in zip(scan.chain, scan.chain[1:], strict=False):
            for a in first:
                for b in then:
                    self.edge(a, b)

    def note_items(self, scan: _Scan, line: int, where: str) -> None:
        """Titles and estimates from a line that refers to stories without defining them."""
        for item in scan.items:
            self.mention(item.id, line, where)
            self.name_it(item.id, item.title, 1)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)

    @property
    def mode(self) -> _ModeDraft | None:
        return self.modes[-1] if self.section == "mode" and self.modes else None

    # -- the pass ------------------------------------------------------------------------------

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.split("\n"), start=1):
            line = CONTROL_RE.sub(" ", raw.replace("\t", "    ")).rstrip()
            if not line.strip() or FENCE_RE.match(line):
                continue
            line = re.sub(r"^\s*(?:>\s*)+", "", line)
            try:
                self.read_line(number, line)
            except Exception as err:  # noqa: BLE001 -- a reader bug must cost one line, not the whole plan
                self.findings.append(
                    Finding(
                        "warning",
                        "unreadable",
                        f"cannot read this line (reader error: {type(err).__name__})",
                        number,
                    )
                )

    def read_line(self, number: int, line: str) -> None:
        heading = HASH_HEADING_RE.match(line)
        if heading:
            text = heading.group(2).replace("*", "").replace("`", "").strip()
            if self.title is None and text:
                self.title = text
            numbered = re.match(r"^(\d{1,2})[.)]\s+", text)
            if numbered:
                self.section_number = int(numbered.group(1))
            self.open_heading(number, text[numbered.end() :] if numbered else text, len(heading.group(1)))
            self.list_number = 0
            return
        numbered = NUM_HEADING_RE.match(line)
        if numbered and self.numbered_heading(int(numbered.group(1)), numbered.group(2)):
            self.section_number = int(numbered.group(1))
            self.open_heading(number, numbered.group(2).replace("*", "").strip(), 2)
            self.list_number = 0
            return
        if numbered:
            self.list_number = int(numbered.group(1))
        bullet = BULLET_RE.match(line)
        is_bullet = bool(bullet)
        content = line[bullet.end() :] if bullet else line.strip()
        if self.block.kind == "rules" and is_bullet:
            self.rules.append(" ".join(content.split()))
            return
        text = content.replace("`", " ").replace("*", "").strip()
        if not text:
            return
        label = _classify(text, in_mode=self.section == "mode", heading=False)
        if label and (not is_bullet or label.kind in ("after", "lane", "sprint", "checkpoint", "floating")):
            self.open_label(number, label)
            return
        if (
            not is_bullet
            and self.block.kind not in ("rules", "story", "checkpoint")
            and UNKNOWN_LABEL_RE.match(text)
            and not ID_RE.search(fold(_split_colon(text)[0]))
        ):
            self.block = _SKIP  # "Gain attendu:", "Notes:": a sub-section we do not read
            return
        self.read_item(number, text, is_bullet)

    def numbered_heading(self, n: int, text: str) -> bool:
        """Is "3) Plan 2 dev" a section heading, or the third item of a ")"-numbered list?

        A heading carries a section number higher than the last one and no story id; a list
        item restarts low, continues the list it is in (2 after 1), or ends like a sentence.
        """
        if (
            ID_RE.search(fold(text))
            or n <= self.section_number
            or (self.list_number and n == self.list_number + 1)
        ):
            return False
        label = _classify(text, in_mode=False, heading=True)
        return label is not None or not text.rstrip().endswith((".", ";", "!", "?", ","))

    def open_heading(self, number: int, text: str, level: int) -> None:
        in_mode = self.section == "mode" and level > self.level
        label = _classify(text, in_mode=in_mode, heading=True)
        nested = self.section != "unknown" and level > self.level
        if label is None:
            if nested:
                self.block = _SKIP
            else:
                self.section, self.level, self.block = "unknown", level, _SKIP
            return
        if label.kind == "mode" or not nested:
            self.section, self.level = (
                ("mode" if label.kind == "mode" else SECTION_OF.get(label.kind, "unknown")),
                level,
            )
        self.open_label(number, label)

    def open_label(self, number: int, label: _Label) -> None:
        kind, data, inline = label.kind, label.data, label.inline
        mode = self.mode
        if kind == "mode":
            self.modes.append(_ModeDraft(data["devs"], data["recommended"], data["name"], number))
            if self.section != "mode":
                self.section = "mode"
            self.block = _Block("mode")
        elif kind == "after":
            for pred in data["preds"]:
                self.define(pred, number)
            self.block = _Block("after", preds=tuple(data["preds"]))
        elif kind == "story":
            scan = _scan(inline or "")
            self.take_items(scan, number, rank=3, text_titles=True)
            self.block = _Block("story", story=scan.items[0].id) if scan.items else _SKIP
            return
        elif kind == "lane" and mode is not None:
            lane = next((lane for lane in mode.lanes if lane.key == data["key"]), None)
            if lane is None:
                lane = _LaneDraft(data["key"], data["label"], number)
                mode.lanes.append(lane)
            self.block = _Block("lane", lane=lane)
        elif kind == "sprint" and mode is not None:
            sprint = _SprintDraft(data["name"], number)
            mode.sprints.append(sprint)
            self.block = _Block("sprints", sprint=sprint)
            self.sprint_refs(sprint, inline or "", number)
            return
        elif kind == "sprints" and mode is not None:
            self.block = _Block("sprints")
        elif kind == "floating" and mode is not None:
            self.block = _Block("floating")
            self.floating_lanes(mode, fold(data["head"]), data["head"])
        elif kind == "checkpoint":
            checkpoint = _CheckpointDraft(data["name"], number)
            self.checkpoints.append(checkpoint)
            self.block = _Block("checkpoint", checkpoint=checkpoint)
        elif kind in ("critical", "gates", "continuous", "checkpoints", "rules", "stories"):
            self.block = _Block(kind)
            self.table_headers = []
            if kind == "critical":
                self.critical_open = False
        else:
            self.block = _SKIP
        if inline and inline.strip():
            self.read_item(number, inline.strip(), False)

    # -- items ---------------------------------------------------------------------------------

    def read_item(self, number: int, text: str, is_bullet: bool) -> None:
        kind = self.block.kind
        if kind == "skip":
            return
        getattr(self, f"item_{kind}")(number, text, is_bullet, _scan(text))

    def expect_ids(self, number: int, text: str, is_bullet: bool, scan: _Scan, what: str) -> bool:
        """True when the line lists stories; otherwise report it when it looked like content."""
        if scan.items and scan.leading:
            return True
        if is_bullet or scan.all_ids:
            self.unreadable(number, text, what)
        return False

    def item_stories(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if text.lstrip().startswith("|"):
            self.table_row(number, text)
            return
        if self.expect_ids(number, text, is_bullet, scan, "expected a story id such as '1.1 Title'"):
            self.take_items(scan, number, rank=3, text_titles=True)

    def item_after(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if self.expect_ids(number, text, is_bullet, scan, "expected the ids of the stories that wait"):
            self.take_items(scan, number, rank=2)
            for item in scan.items:
                for pred in self.block.preds:
                    self.edge(pred, item.id)

    def item_story(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        sid = self.block.story
        assert sid is not None  # a story block always names its story
        head, rest = _split_colon(text)
        fhead = fold(head).strip()
        if rest is not None and re.fullmatch(r"(?:estimate|estimation|effort|charge)", fhead):
            value = EST_ONLY_RE.match(fold(rest))
            if value:
                self.estimates.setdefault(sid, _num(value.group(1)))
            else:
                self.unreadable(number, text, "expected a number of days")
        elif re.fullmatch(
            r"(?:after|apres|depends on|depend de|dependencies|dependances|prerequisites|prerequis|needs|requires"
            r"|blocked by)",
            fhead,
        ):
            ids = ID_RE.findall(fold(rest or ""))
            if not ids:
                self.unreadable(number, text, "expected the ids this story waits for")
            for before in ids:
                self.mention(before, number, "a dependency")
                self.edge(before, sid)
        elif rest is not None and fhead in ("title", "titre"):
            self.name_it(sid, " ".join(rest.split()) or None, 3)
        # anything else is the story's description

    def item_gates(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        ids = ID_RE.findall(scan.masked)
        if not ids:
            if is_bullet:
                self.unreadable(number, text, "expected a story id and the gate's kind")
            return
        story = ids[0]
        kind = _gate_kind(scan.masked)
        if kind is None:
            self.unreadable(number, text, f"which kind of gate is {story}? (entry, acceleration, data, ...)")
            return
        self.mention(story, number, "the gates")
        first = next((item for item in scan.items if item.id == story), None)
        if first:
            self.name_it(story, first.title, 1)
            if first.estimate is not None:
                self.estimates.setdefault(story, first.estimate)
        before = re.search(r"\b(?:avant|before|prior to|ahead of)\b", scan.masked)
        if before:
            for later in ID_RE.findall(scan.masked[before.end() :]):
                self.mention(later, number, "the gates")
                self.edge(story, later)
        if (story, kind) not in [(s, k) for s, k, _ in self.gates]:
            self.gates.append((story, kind, number))

    def item_critical(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if not scan.all_ids:
            if is_bullet:
                self.unreadable(number, text, "expected a chain such as '1.1 -> 1.3 -> 2.1'")
            return
        continues = self.critical_open or bool(ARROW_RE.match(scan.masked.lstrip()))
        if self.critical and not continues:
            self.findings.append(
                Finding("warning", "critical-path-twice",
                        f"a second critical path is ignored; the one at line {self.critical_line} is kept", number)
            )  # fmt: skip
            return
        chain = _chain(scan)
        if self.critical and chain:
            chain = [[self.critical[-1]], *chain]
        for first, then in zip(chain, chain[1:], strict=False):
            for a in first:
                for b in then:
                    self.edge(a, b)
        for sid in scan.all_ids:
            self.mention(sid, number, "the critical path")
            if sid not in self.critical:
                self.critical.append(sid)
        self.note_items(scan, number, "the critical path")
        self.critical_line = self.critical_line or number
        self.critical_open = bool(re.search(r"(?:-{1,2}>|=>|[→⟶➜➔➝])\s*$", scan.masked))

    def item_continuous(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if not self.expect_ids(number, text, is_bullet, scan, "expected the ids of continuous stories"):
            return
        self.take_items(scan, number, rank=2)
        final_line = bool(FINAL_LINE_RE.search(fold(text)))
        for item in scan.items:
            if item.id not in self.continuous:
                self.continuous.append(item.id)
            if (final_line or item.final) and item.id not in self.finalisation:
                self.finalisation.append(item.id)

    def item_mode(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if scan.all_ids:
            self.unreadable(number, text, "not a lane ('Dev A:'), a sprint or floating stories")

    def item_lane(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if not self.expect_ids(
            number, text, is_bullet, scan, "expected the lane's stories, e.g. '1.1 -> 1.3'"
        ):
            return
        lane = self.block.lane
        assert lane is not None  # a lane block always has its lane
        for sid in scan.all_ids:
            self.define(sid, number)
        for item in scan.items:  # titles and estimates written in a lane still count
            self.name_it(item.id, item.title, 2)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)
        lane.stories += scan.all_ids

    def item_sprints(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        sprint = self.block.sprint
        if sprint is None or not (scan.all_ids or EPIC_RE.search(fold(text))):
            if is_bullet or scan.all_ids:
                self.unreadable(number, text, "expected 'Sprint N: Epic 1 + 3.1'")
            return
        self.sprint_refs(sprint, text, number)

    def sprint_refs(self, sprint: _SprintDraft, text: str, number: int) -> None:
        folded = fold(text)
        refs: list[tuple[int, str, str]] = []
        epics = list(EPIC_RE.finditer(folded))
        for match in epics:
            for epic in re.findall(r"\d+", match.group(1)):
                refs.append((match.start(), "epic", str(int(epic))))
        masked = _blank(_blank(folded, _top_groups(text)), [m.span() for m in epics])
        for match in ID_RE.finditer(masked):
            refs.append((match.start(), "id", match.group()))
            self.mention(match.group(), number, sprint.name)
        sprint.refs += [(kind, value) for _, kind, value in sorted(refs)]

    def item_floating(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        mode = self.mode
        if mode is None:
            return
        found = self.floating_lanes(mode, scan.masked, text)
        for sid in scan.all_ids:
            self.mention(sid, number, f"the floating stories of the {mode.devs}-dev plan")
            if sid not in mode.floating:
                mode.floating.append(sid)
        if not scan.all_ids and not found and (is_bullet or scan.residue):
            self.unreadable(number, text, "expected floating story ids and who takes them ('par Dev B/C')")

    def floating_lanes(self, mode: _ModeDraft, folded: str, text: str) -> bool:
        """Who takes the floating stories: "par Dev B/C", "by Dev B or Dev C"."""
        found = False
        for match in LANE_KEYS_RE.finditer(folded):
            for key in re.findall(
                r"[a-z0-9]{1,2}\b", re.sub(r"\b(?:devs?|ou|or|et|and)\b", " ", match.group(1))
            ):
                if key.upper() not in mode.floating_lanes:
                    mode.floating_lanes.append(key.upper())
                    found = True
        return found

    def item_checkpoint(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        checkpoint = self.block.checkpoint
        assert checkpoint is not None  # a checkpoint block always has its checkpoint
        if scan.items and scan.leading:
            for sid in scan.all_ids:
                self.mention(sid, number, f"checkpoint {checkpoint.name}")
                if sid not in checkpoint.stories:
                    checkpoint.stories.append(sid)
            self.note_items(scan, number, f"checkpoint {checkpoint.name}")
        else:
            checkpoint.proofs.append(" ".join(text.split()))

    def item_checkpoints(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        if scan.all_ids:
            self.unreadable(number, text, "stories listed outside a 'Checkpoint X:' block")

    def item_rules(self, number: int, text: str, is_bullet: bool, scan: _Scan) -> None:
        pass  # rules are the bullets (handled before labels); prose around them is commentary

    def table_row(self, number: int, text: str) -> None:
        """A row of a Markdown table in a Stories section: | 1.1 | Title | 3d | 1.0 |"""
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return
        first = _scan(cells[0])
        if not (first.items and first.leading):
            self.table_headers = [fold(c) for c in cells]
            return
        sid = first.items[0].id
        self.define(sid, number)
        headers = self.table_headers
        for index, cell in enumerate(cells[1:], start=1):
            header = headers[index] if index < len(headers) else ""
            fcell = fold(cell)
            estimate = EST_ONLY_RE.match(fcell)
            if re.search(r"after|apres|depend|prereq|needs|waits|bloque", header):
                for before in ID_RE.findall(fcell):
                    self.mention(before, number, "a dependency")
                    self.edge(before, sid)
            elif estimate and (re.search(r"estim|effort|days|jours|charge|points", header) or not header):
                self.estimates.setdefault(sid, _num(estimate.group(1)))
            elif re.search(r"titre|title|name|nom|summary|resume|description", header) or (
                not header and _words(cell)
            ):
                self.name_it(sid, " ".join(cell.split()) or None, 3)


def _chain(scan: _Scan) -> list[list[str]]:
    """The critical path as steps: arrows separate steps; a plain list is one step per id."""
    if scan.arrows:
        steps: list[list[str]] = []
        previous_end: int | None = None
        for match in ID_RE.finditer(scan.masked):
            if previous_end is None or ARROW_RE.search(scan.masked[previous_end : match.start()]):
                steps.append([])
            steps[-1].append(match.group())
            previous_end = match.end()
        return steps
    return [[sid] for sid in scan.all_ids]


def _gate_kind(masked: str) -> str | None:
    """'est le gate d'entree' -> entry; 'is the recovery gate before 5.2' -> recovery."""
    tokens = _words(ID_RE.sub(" ", masked))
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


# -- assembling the plan -----------------------------------------------------------------------


def read_plan(text: str, *, title: str | None = None) -> Plan:
    """The plan a person would read in `text`, with every finding of the reader and the linter.

    Never raises on any text: what cannot be read becomes a finding. `title` is used when the
    text has no `#` heading to take the title from.
    """
    reader = _Reader()
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    reader.read(text if isinstance(text, str) else "")
    defined = reader.defined
    findings = list(reader.findings)

    for sid, seen in reader.mentions.items():
        if sid in defined:
            continue
        places: list[str] = []
        for number, where in seen:
            place = f"{where} (line {number})"
            if place not in places:
                places.append(place)
        findings.append(
            Finding(
                "error",
                "undefined-id",
                f"{sid} is named in {', '.join(places[:4])}{' and more' if len(places) > 4 else ''} but no dependency "
                "list, lane, continuous section or Stories section defines it; it is left out of the plan",
                seen[0][0],
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
                            Finding("warning", "unknown-epic", f"{sprint.name} names epic {value}, which has no story",
                                    sprint.line)
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
    )
    findings += lint(plan)
    findings.sort(key=lambda f: (f.line is None, f.line or 0))
    return replace(plan, findings=tuple(findings), _index={})
