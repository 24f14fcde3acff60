"""/help, drawn from the command table: one line per command, its other forms and sub-commands below it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table imports every handler; the help only reads its entries
    from bot.service.table import Command


def _who(who: str) -> str:
    return "" if who == "anyone" else f" ({who})"


def help_text(commands: Sequence[Command]) -> str:
    """The help as mrkdwn. Usage lines are shown as written (the service escapes the whole reply)."""
    lines = ["*deliverybot* keeps the delivery plan honest. Commands:"]
    for command in commands:
        lines.append(f"• {command.synopsis} — {command.summary}{_who(command.who)}")
        for form in command.forms:
            lines.append(f"   ◦ {form.usage} — {form.summary}{_who(form.who)}")
        for sub in command.subcommands:
            lines.append(f"   ◦ {sub.usage} — {sub.summary}{_who(sub.who)}")
    return "\n".join(lines)
