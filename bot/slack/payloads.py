"""What our own interactive elements carry back to us: a button's value and a modal's metadata.

Both are JSON we wrote, but they come back through Slack from anyone who can craft a request, so
decoding never trusts them: wrong types, missing keys or garbage give an empty record (the service
then refuses with a clear "which story?"), never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack.blocks.limits import BUTTON_VALUE_MAX

STORY_MAX = 20  # a story id is short; anything longer is not one of ours


def command_text(raw: str | None) -> str:
    """A slash command's text as the person typed it. With should_escape (the manifest asks for it,
    so mentions arrive as <@U123|name>), Slack sends a typed &, < and > as &amp;, &lt; and &gt;;
    decoded here once, so the reply's own escaping doesn't show "&amp;amp;"."""
    text = (raw or "").strip()
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _loads(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(data: dict[str, Any], key: str, limit: int | None = None) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text[:limit] if limit else text


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ButtonValue:
    """A button on a story: {"plan", "story"}, plus "label"/"link" that prefill the modal it opens."""

    story: str
    plan: str | None = None
    label: str | None = None
    link: str | None = None

    def encode(self) -> str:
        """The JSON, never over Slack's 2,000 characters: the link is dropped first, then the label."""
        data: dict[str, Any] = {"plan": self.plan, "story": self.story}
        if self.label and self.label != self.story:
            data["label"] = self.label
        if self.link:
            data["link"] = self.link
        encoded = _compact(data)
        for key in ("link", "label"):
            if len(encoded) <= BUTTON_VALUE_MAX:
                break
            data.pop(key, None)
            encoded = _compact(data)
        return encoded

    @classmethod
    def decode(cls, raw: str | None) -> ButtonValue:
        data = _loads(raw)
        return cls(story=_text(data, "story", STORY_MAX) or "", plan=_text(data, "plan"),
                   label=_text(data, "label"), link=_text(data, "link"))


@dataclass(frozen=True)
class ModalMetadata:
    """A modal's private_metadata: which story of which plan, and the channel it was opened from."""

    story: str
    plan: str | None = None
    channel: str | None = None

    def encode(self) -> str:
        return _compact({"plan": self.plan, "story": self.story, "channel": self.channel})

    @classmethod
    def decode(cls, raw: str | None) -> ModalMetadata:
        data = _loads(raw)
        return cls(story=_text(data, "story", STORY_MAX) or "", plan=_text(data, "plan"),
                   channel=_text(data, "channel"))
