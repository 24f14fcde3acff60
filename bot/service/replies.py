"""What the service answers: a reply for the person who asked, and who else must be told.

Transport-agnostic on purpose: the console prints these, the CLI serialises them, and the Slack
layer turns them into blocks, ephemeral replies, channel posts and DMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Notification:
    """A message caused by a command. kind "channel": to the plan's channel (to=None when the plan
    has no channel: the transport posts where the command came from); kind "dm": to a person."""

    kind: str
    to: str | None
    text: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    ok: bool
    text: str
    kind: str = "info"  # which answer this is: unblocked, transition, refusal, status, story, ...
    data: dict = field(default_factory=dict)
    response_type: str = "ephemeral"  # Slack: "ephemeral" (only the caller) or "in_channel"
    notifications: tuple[Notification, ...] = ()
    concerns: tuple[str, ...] = ()  # people whose own view (App Home) this change altered

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
