"""What the planner and storage wrote for a person, said in the current language.

planner/ and storage/ import nothing of the bot: they keep each sentence apart from its values
(an N_-marked English template, see planner.marks); here it is translated, then filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.i18n import _
from planner.marks import say
from planner.model import Finding

if TYPE_CHECKING:  # storage (and SQLAlchemy) is not imported for `plan check`
    from storage.errors import DatabaseUnavailable


def _translate(template: str) -> str:
    return _(template)


def finding_text(f: Finding | Mapping) -> str:
    """A finding's message in the current language. A finding read back from its JSON (the
    digest's data) is said from its "template" and "values" when it carries them, else as written."""
    if isinstance(f, Finding):
        template, values, message = f.template, f.values, f.message
    else:
        template, values, message = f.get("template") or "", f.get("values") or {}, str(f.get("message", ""))
    if not template:
        return message
    return say(template, dict(values), _translate)


def database_fault_text(err: DatabaseUnavailable) -> str:
    """What is wrong with the database and what to do, in the current language."""
    return say(err.template, err.values, _translate)
