"""Who is asking, as Slack says it: the user id, and whether they belong to the installing workspace.

In a Slack Connect channel people of other workspaces see our messages and can click our buttons;
their payload's `user.team_id` is their own workspace. One person, one identity (DESIGN §3): only
the installing workspace's people act on the plan, so a guest is passed to the service as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: str
    team: str | None = None  # the workspace the person belongs to, when the payload says
    home: str | None = None  # the workspace that installed the app (auth.test, through Bolt)

    @property
    def guest(self) -> bool:
        """From another workspace. Unknown (no team in the payload, or Bolt had no auth.test result,
        which a bot token always gives it) counts as the installing workspace's."""
        return bool(self.team and self.home and self.team != self.home)


def actor_of(body: dict[str, Any], home: str | None) -> Actor:
    """The person behind a command, click, submission or event."""
    user = body.get("user")
    if isinstance(user, dict):  # interactivity: {"id", "team_id", ...}
        return Actor(str(user.get("id") or ""), user.get("team_id") or _team(body), home)
    if isinstance(body.get("event"), dict):
        event = body["event"]
        return Actor(str(event.get("user") or ""), event.get("user_team") or body.get("team_id"), home)
    return Actor(str(body.get("user_id") or ""), body.get("user_team_id") or body.get("team_id"), home)


def _team(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    return team.get("id") if isinstance(team, dict) else None
