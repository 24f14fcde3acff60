"""What the planner and storage wrote for a person, said in the current language.

planner/ and storage/ import nothing of the bot: they keep each sentence apart from its values
(an N_-marked English template, see planner.marks); here it is translated, then filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.i18n import N_, _, n_
from planner.marks import Unreadable, say
from planner.model import Finding, Plan

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


def error_text(err: Exception) -> str:
    """Why a typed value can't be read (`planner.marks.Unreadable`), in the current language; any
    other error's own words."""
    if isinstance(err, Unreadable):
        return say(err.template, err.values, _translate)
    return str(err)


SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def finding_line(f: Finding, *, with_code: bool = True) -> str:
    """"warning: line 42: 3.3 is in no lane of the 2-dev plan [unassigned]", in the current language
    (the code in brackets is the stable, machine-readable one: never translated)."""
    severity = _(SEVERITY_WORDS.get(f.severity, f.severity))
    said = (_("{severity}: line {line}: {text}", severity=severity, line=f.line, text=finding_text(f)) if f.line
            else _("{severity}: {text}", severity=severity, text=finding_text(f)))
    return f"{said} [{f.code}]" if with_code else said


def plan_summary(plan: Plan) -> str:
    """"k3s: 18 stories, 17 dependencies, 4 gates, 3 staffing modes, 4 checkpoints"."""
    return _("{title}: {stories}, {edges}, {gates}, {modes}, {checkpoints}", title=plan.title,
             stories=n_("{n} story", "{n} stories", len(plan.stories)),
             edges=n_("{n} dependency", "{n} dependencies", len(plan.edges)),
             gates=n_("{n} gate", "{n} gates", len(plan.gates)),
             modes=n_("{n} staffing mode", "{n} staffing modes", len(plan.modes)),
             checkpoints=n_("{n} checkpoint", "{n} checkpoints", len(plan.checkpoints)))
