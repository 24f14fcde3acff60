"""What the service answers: a reply for the person who asked, and who else must be told.

Transport-agnostic on purpose: the console prints these, the CLI serialises them, and the Slack
layer turns them into blocks, ephemeral replies, channel posts and DMs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.i18n import current, speaking

if TYPE_CHECKING:
    from bot.service.context import Context


@dataclass(frozen=True)
class Notification:
    """A message caused by a command. kind "channel": to the plan's channel (to=None when the plan
    has no channel: the transport posts where the command came from); kind "dm": to a person."""

    kind: str
    to: str | None
    text: str
    data: dict = field(default_factory=dict)
    lang: str = field(default_factory=current)  # what `text` is written in: the transport words the rest alike


@dataclass(frozen=True)
class Reply:
    ok: bool
    text: str
    kind: str = "info"  # which answer this is: unblocked, transition, refusal, status, story, ...
    data: dict = field(default_factory=dict)
    response_type: str = "ephemeral"  # Slack: "ephemeral" (only the caller) or "in_channel"
    notifications: tuple[Notification, ...] = ()
    concerns: tuple[str, ...] = ()  # people whose own view (App Home) this change altered
    lang: str = field(default_factory=current)  # the asker's language, which `text` is written in

    def to_json(self, blocks: list | None = None) -> dict:
        """The `deliverybot cmd --json` contract (DESIGN §5)."""
        return {
            "ok": self.ok,
            "text": self.text,
            "blocks": blocks or [],
            "response_type": self.response_type,
            "data": {"kind": self.kind, **self.data},
            "notifications": [
                {"kind": n.kind, "to": n.to, "text": n.text} for n in self.notifications
            ],
        }


def refusal(text: str, code: str, **data) -> Reply:
    return Reply(ok=False, text=text, kind="refusal", data={"error": code, **data})


def to_channel(ctx: Context, words: Callable[[], str], data: dict | None = None) -> Notification:
    """A post in the plan's channel, worded in the plan's language (whoever caused it)."""
    with speaking(ctx.lang):
        return Notification("channel", ctx.channel, words(), data or {})


def to_person(ctx: Context, person: str, words: Callable[[], str], data: dict | None = None) -> Notification:
    """A direct message, worded in the language `person` reads."""
    with speaking(ctx.language_of(person)):
        return Notification("dm", person, words(), data or {})
