"""What our own interactive elements carry back to us: a button's value and a modal's metadata.

Both are JSON we wrote, but they come back through Slack from anyone who can craft a request, so
decoding never trusts them: wrong types, missing keys or garbage give an empty record (the service
then refuses with a clear "which story?"), never an exception.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

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


# -- the body of a request to POST /slack/events ------------------------------------------------

MAX_DEPTH = 64  # Slack's deepest payloads (a modal's state, rich text) nest about 12 levels
_INTERACTIVE = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action",
                "block_suggestion", "interactive_message")
_OBJECT_OR_TEXT = ("team", "user", "enterprise", "channel")  # Bolt reads .id of these when they are objects
_OBJECTS = ("event", "view", "container", "message", "state", "item", "assistant_thread", "function_data")


def request_body(raw: str, content_type: str | None) -> dict[str, Any] | None:
    """A signed request's body as Bolt will read it (JSON, a form, or a form's `payload=` JSON), or
    None when it is not one: broken or too deeply nested JSON, an array or a string where an object
    belongs. Never raises, whatever the bytes."""
    if not raw:
        return None
    try:
        if content_type == "application/json" or raw.startswith("{"):
            data: Any = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            data = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and _depth(data) <= MAX_DEPTH else None


def _depth(data: Any) -> int:
    """How deeply `data` nests (iteratively: the depth is what is being checked)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            todo.extend((item, level + 1) for item in value)
    return deepest


def body_problem(body: dict[str, Any]) -> str | None:
    """What makes a signed body something no Slack request is, as a short phrase; None when Bolt and
    our listeners can read it. Checked before either does, so a body that is not what it claims is
    a 400, never a traceback: the fields Bolt and the listeners index have the type Slack gives them."""
    for key in _OBJECT_OR_TEXT:
        if body.get(key) is not None and not isinstance(body[key], (dict, str)):
            return f"{key} is neither an object nor a string"
    for key in _OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"{key} is not an object"
    for key in ("authorizations", "response_urls"):
        if body.get(key) is not None and not _objects(body[key]):
            return f"{key} is not a list of objects"
    for key in ("type", "command", "text", "user_id", "channel_id", "team_id", "trigger_id", "response_url",
                "event_id", "challenge", "callback_id", "api_app_id", "token"):
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"{key} is not a string"
    if "command" in body and (not body["command"].startswith("/") or not body.get("user_id")):
        return "a slash command without its name or user"  # Bolt routes on the key, whatever the type
    kind = body.get("type")
    if kind in _INTERACTIVE:
        return _interaction_problem(body)
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "an event without its type"
        if not all(isinstance(event.get(key), str) for key in ("user",) if key in event):
            return "the event's user is not a string"
        if event["type"] == "app_home_opened" and not event.get("user"):
            return "app_home_opened without a user"
        return None
    if kind == "url_verification":
        return None if body.get("challenge") else "url_verification without a challenge"
    if kind is None and "command" not in body and "ssl_check" not in body:
        return "neither a command, an interaction nor an event"
    return None


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _interaction_problem(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        return f"{body['type']} without a user"
    if user.get("team_id") is not None and not isinstance(user["team_id"], str):
        return "the user's team is not a string"
    for key in ("team", "channel"):
        value = body.get(key)
        if isinstance(value, dict) and value.get("id") is not None and not isinstance(value["id"], str):
            return f"the {key}'s id is not a string"
    if body["type"] == "block_actions":
        actions = body.get("actions")
        if not _objects(actions) or not actions:
            return "block_actions without actions"
        for action in actions:
            for key in ("action_id", "block_id", "value", "action_ts"):
                if action.get(key) is not None and not isinstance(action[key], str):
                    return f"an action's {key} is not a string"
    if body["type"] in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict):
            return f"{body['type']} without a view"
        for key in ("callback_id", "private_metadata", "id", "hash"):
            if view.get(key) is not None and not isinstance(view[key], str):
                return f"the view's {key} is not a string"
        state = view.get("state") or {}
        if not isinstance(state, dict) or not _form_state(state.get("values") or {}):
            return "the view's state is not a form's"
    return None


def _form_state(values: Any) -> bool:
    """{block_id: {action_id: {"value": "…" | "selected_user": "U…", …}}}, as a modal's state is."""
    if not isinstance(values, dict):
        return False
    for block in values.values():
        if not isinstance(block, dict):
            return False
        for field in block.values():
            if not isinstance(field, dict):
                return False
            if any(field.get(key) is not None and not isinstance(field[key], str)
                   for key in ("value", "selected_user", "type")):
                return False
    return True


# -- one delivery, one request id, on every replica ------------------------------------------------


def delivery_id(body: dict[str, Any]) -> str | None:
    """The request id of a Slack delivery, the same each time Slack (or anything between) delivers
    it again: derived from what identifies it (a command's or a click's trigger_id, the click's
    action_ts, a submission's view and values, an event's event_id), never from the process. The
    events table keeps request ids UNIQUE, so a second delivery, on this replica or another, finds
    the first one's event and has no second effect. None when the body names nothing unique."""
    kind = body.get("type")
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    if kind == "event_callback":
        unique: list[Any] = [body.get("event_id")]
        parts: list[Any] = ["event", body.get("team_id")]
    elif kind == "block_actions":
        actions = body.get("actions")
        action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
        unique = [body.get("trigger_id"), action.get("action_ts")]
        parts = ["click", user_id, action.get("action_id")]
    elif kind == "view_submission":
        view = body["view"] if isinstance(body.get("view"), dict) else {}
        state: dict[str, Any] = view["state"] if isinstance(view.get("state"), dict) else {}
        unique = [body.get("trigger_id"), view.get("id"), view.get("hash")]
        parts = ["submit", user_id, json.dumps(state.get("values"), sort_keys=True, default=str)]
    elif "command" in body:
        unique = [body.get("trigger_id") or body.get("response_url")]
        parts = ["command", user_id, body.get("command")]
    else:
        return None
    if not any(isinstance(part, str) and part for part in unique):
        return None  # nothing that tells one delivery from another: a fresh id each time
    parts += unique
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"slack-{parts[0]}-{digest[:32]}"
