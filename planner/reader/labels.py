"""What a heading or a label line announces: a staffing mode, "Apres X:", a lane, a gate list...

`classify` is the reader's vocabulary of sections, French or English, with or without accents.
A heading it does not recognise opens a section the reader skips whole ("Vision"); a label it
does not recognise ("Gain attendu:") closes the current block, so its lines are not misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planner.reader.scan import scan_line
from planner.reader.text import fold, split_colon, top_groups, wordset
from planner.reader.tokens import CONNECTORS, ID_RE

MODE_RES = (
    re.compile(
        r"^(?:le |the |un |a )?(?:plan|staffing|mode|equipe|team)\s+(?:a |with |for |de |of )?(\d{1,2})\s*-?\s*"
        r"(?:devs?|developpeurs?|developers?|people|personnes)\b"
    ),
    re.compile(
        r"^(?:le |the |un |a )?(\d{1,2})\s*-?\s*(?:devs?|developers?|developpeurs?)\s+(?:plan|staffing|mode|team)\b"
    ),
    # "### 2 developers (recommended)": the count alone, then nothing but a bracket.
    re.compile(r"^(\d{1,2})\s*-?\s*(?:devs?|developers?|developpeurs?|people|personnes)\s*(?=\(|$)"),
)
# "Staffing: 3 developers (recommended). Lane A: API, lane B: data": a mode on one line.
STAFFING_RE = re.compile(r"^(?:staffing|effectifs?|equipe|team|dotation|staffing modes?|modes? de staffing)$")
STAFFING_COUNT_RE = re.compile(r"^\s*(\d{1,2})\s*-?\s*(?:devs?|developers?|developpeurs?|people|personnes)\b")
# "Lane A: API, lane B: data" inside a mode: lanes and what each is for, stories given elsewhere.
LANE_DECL_RE = re.compile(r"\b(?:lane|dev|developer|couloir)\s+([a-z0-9]{1,2})\s*(?::|—|–|-|\()\s*([^,;.()]+)")
# "Evidence: ..." after a one-line checkpoint's stories.
PROOF_RE = re.compile(r"\b(?:evidence|proofs?|preuves?)\s*:")
RECOMMENDED_RE = re.compile(r"\b(?:recommandee?s?|recommended|conseillee?|preferred|preferee?)\b")
AFTER_LABEL_RE = re.compile(r"^(?:apres|after|une fois|once|des que|as soon as)\s+(.*)$")
AFTER_WORDS = CONNECTORS | wordset(
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
LANE_RE = re.compile(r"^(?:dev|developpeur|developpeuse|developer|lane|couloir)\s+([a-z0-9]{1,2})\b(.*)$")
SPRINTS_RE = re.compile(r"^(?:rythme|rhythm|cadence|sprints|iterations|planning|calendrier|schedule)\b")
SPRINT_RE = re.compile(r"^(?:sprint|iteration)\s*(\d{1,4}|(?<=\s)[a-z])\b")
FLOATING_RE = re.compile(
    r"^(?:en )?fil rouge\b|^floating\b|^flottante?s?\b|^in the background\b|^background\b|^side stories\b"
)
# A dependency table's columns, by header: what each holds (the first column is the story's id).
TABLE_COLUMNS = (
    ("after", re.compile(r"after|apres|depend|prereq|needs|waits|bloque")),
    ("lane", re.compile(r"^(?:lanes?|devs?|developers?|developpeurs?|couloirs?|owners?)$")),
    ("estimate", re.compile(r"estim|effort|days|jours|charge|points")),
    ("title", re.compile(r"titre|title|name|nom|summary|resume|description")),
    ("notes", re.compile(r"^(?:notes?|comments?|commentaires?|remarques?|story|stories|id|us)$")),
)
NONE_CELLS = frozenset({"—", "–", "-", "none", "aucun", "aucune", "n/a", ""})
# Gate lines (reader/gates.py): the words that say "gate", the kinds it knows, and the small words around them.
GATE_WORDS = frozenset({"gate", "gates", "verrou", "verrous"})
GATE_PARTICLES = frozenset({"d", "de", "du", "des", "of", "l", "la", "le", "the", "for", "pour"})
GATE_STOP = wordset(
    "avant before apres after pour sur on is est and et story stories this ce c qui which that it il elle"
    " comme as en in au du de des d of le la les l the a an un une"
)
# Words that end a kind written after "gate" ("gate de mise en production avant 3.2").
GATE_BOUNDARY = wordset("avant before apres after prior ahead pour for once des which qui that is est and et")
GATE_KINDS = {
    "entree": "entry", "entry": "entry", "acceleration": "acceleration", "accelerateur": "acceleration",
    "data": "data", "donnees": "data", "donnee": "data", "recovery": "recovery", "reprise": "recovery",
    "restauration": "recovery", "restore": "recovery", "securite": "security", "security": "security",
    "sortie": "exit", "exit": "exit", "release": "release", "qualite": "quality", "quality": "quality",
    "critique": "critical", "critical": "critical", "production": "production", "prod": "production",
}  # fmt: skip
UNKNOWN_LABEL_RE = re.compile(r"^[^:]{1,60}:(?:\s|$)")


@dataclass
class Label:
    kind: str  # mode after critical gates continuous stories story checkpoint checkpoints rules lane sprints sprint floating
    inline: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # devs, recommended, name, preds, key, label, head


def classify(text: str, *, in_mode: bool, heading: bool) -> Label | None:
    """What a heading or a label line ("Apres 1.1:", "Dev A (core):") announces, or None."""
    head, inline = split_colon(text)
    fhead = fold(head).strip()
    if not fhead:
        return None
    # A head that starts with a digit ("1.5, 1.6", "3 devs plan") can only be a staffing mode:
    # every other pattern starts with a word. Most lines of a big plan stop here.
    for mode_re in MODE_RES[1:] if fhead[0].isdigit() else MODE_RES:
        match = mode_re.match(fhead)
        if match:
            parts = [p.strip() for a, b in top_groups(head) for p in re.split(r"[,;]", head[a + 1 : b - 1])]
            names = [p for p in parts if p and not RECOMMENDED_RE.fullmatch(fold(p))]
            return Label(
                "mode",
                inline,
                {"devs": int(match.group(1)), "recommended": bool(RECOMMENDED_RE.search(fhead)),
                 "name": ", ".join(names) or None},
            )  # fmt: skip
    if fhead[0].isdigit():
        return None
    if STAFFING_RE.match(fhead) and inline:
        staffing = _staffing_line(inline)
        if staffing:
            return staffing
    if heading and STAFFING_RE.match(fhead) and not inline:
        return Label("staffing")  # "## Staffing": its modes are sub-headings or "N developers:" lines
    match = AFTER_LABEL_RE.match(fhead)
    if match:
        rest = scan_line(head[match.start(1) :])
        if rest.all_ids and all(word in AFTER_WORDS for word in rest.residue):
            return Label("after", inline, {"preds": rest.all_ids})
    if heading:
        match = STORY_HEADING_RE.match(fhead)
        if match:
            return Label("story", text[match.start(1) :])
    if in_mode:
        match = LANE_RE.match(fhead)
        if match and (not match.group(2).strip() or match.group(2).lstrip()[0] in "(-–—"):
            after_key = head[match.start(2) :].strip()
            groups = top_groups(after_key)
            label = (
                after_key[groups[0][0] + 1 : groups[0][1] - 1]
                if groups and groups[0][0] == 0
                else after_key.lstrip("-–— ")
            )
            return Label(
                "lane", inline, {"key": match.group(1).upper(), "label": " ".join(label.split()) or None}
            )
        match = SPRINT_RE.match(fhead)
        if match:
            return Label("sprint", inline, {"name": f"Sprint {head[match.start(1) : match.end(1)]}"})
        if SPRINTS_RE.match(fhead) and not ID_RE.search(fhead):
            return Label("sprints", inline)
        if FLOATING_RE.match(fhead):
            return Label("floating", inline, {"head": head})
    match = CRITICAL_RE.match(fhead)
    if match:
        if inline is None and ID_RE.search(fhead):
            inline = head[match.end() :]
        return Label("critical", inline)
    match = CHECKPOINT_RE.match(fhead)
    if match and ID_RE.search(fhead) and not heading:
        # "Checkpoint A — 1.1, 1.2 done. Evidence: ...": the stories and proofs on the same line.
        after_name = text[match.end() :].lstrip(" -–—:")
        return Label("checkpoint", after_name, {"name": head[match.start(1) : match.end(1)]})
    if ID_RE.search(fhead) and not heading:
        return None
    if match:
        return Label("checkpoint", inline, {"name": head[match.start(1) : match.end(1)]})
    for kind, regex in (
        ("gates", GATES_RE),
        ("continuous", CONTINUOUS_RE),
        ("checkpoints", CHECKPOINTS_RE),
        ("rules", RULES_RE),
        ("stories", STORIES_RE),
    ):
        match = regex.match(fhead)
        if match:
            return Label(kind, inline)
    return None


def _staffing_line(inline: str) -> Label | None:
    """ "3 developers (recommended). Lane A: API" after "Staffing:": the mode, and the rest of the
    line for the mode's block to read."""
    count = STAFFING_COUNT_RE.match(fold(inline))
    if count is None:
        return None
    end = count.end()
    parts: list[str] = []
    for a, b in top_groups(inline):
        if inline[end:a].strip():
            break
        parts += [p.strip() for p in re.split(r"[,;]", inline[a + 1 : b - 1])]
        end = b
    names = [p for p in parts if p and not RECOMMENDED_RE.fullmatch(fold(p))]
    return Label(
        "mode",
        inline[end:].lstrip(" .;:") or None,
        {"devs": int(count.group(1)), "recommended": any(RECOMMENDED_RE.search(fold(p)) for p in parts),
         "name": ", ".join(names) or None},
    )  # fmt: skip


SECTION_OF = {
    "after": "stories", "story": "stories", "stories": "stories", "critical": "critical", "gates": "gates",
    "continuous": "continuous", "checkpoint": "checkpoints", "checkpoints": "checkpoints", "rules": "rules",
    "staffing": "staffing",
}  # fmt: skip
