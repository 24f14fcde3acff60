"""The small things any line may hold: story ids, arrows, estimates, "after" and "finalised" words.

These are read the same way wherever they appear (a Stories list, a lane, a gate line), so they
live apart from the sections that use them. Patterns run on folded text (lowercase, no accents).
"""

from __future__ import annotations

import re

from planner.reader.text import wordset

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
CONNECTORS = wordset(
    "and et or ou then puis plus story stories us done fait faite faits faites termine terminee"
    " termines terminees valide validee valides validees complete completed complet complets"
)
