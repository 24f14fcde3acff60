"""/help, drawn from the command table: one line per command, its other forms and sub-commands below it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.i18n import _

if TYPE_CHECKING:  # the table imports every handler; the help only reads its entries
    from bot.service.table import Command


def _said(text: str) -> str:
    """A table entry (marked with N_ there) in the current language; "" stays "" (gettext's header)."""
    return _(text) if text else text


def _who(who: str) -> str:
    return "" if who == "anyone" else f" ({_said(who)})"


def help_text(commands: Sequence[Command]) -> str:
    """The help as mrkdwn. Usage lines are shown as written (the service escapes the whole reply)."""
    lines = [_("*deliverybot* keeps the delivery plan honest. Commands:")]
    for command in commands:
        lines.append(f"• {_said(command.synopsis)} — {_said(command.summary)}{_who(command.who)}")
        for form in command.forms:
            lines.append(f"   ◦ {_said(form.usage)} — {_said(form.summary)}{_who(form.who)}")
        for sub in command.subcommands:
            lines.append(f"   ◦ {_said(sub.usage)} — {_said(sub.summary)}{_who(sub.who)}")
    return "\n".join(lines)
