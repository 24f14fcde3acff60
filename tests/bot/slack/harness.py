"""Drive the real app over real HTTP with requests signed as Slack signs them.

The app (Bolt + our aiohttp server) listens on 127.0.0.1 with an OS-chosen port; its Web API
client points at a FakeSlack. Every request here carries a genuine v0 HMAC signature.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

SECRET = "test-signing-secret-not-real"
_ids = itertools.count(1)


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class SlackHttp:
    """A Slack workspace talking to the app: slash commands, clicks, modal submissions, events."""

    def __init__(self, base: str, slack, session: aiohttp.ClientSession) -> None:
        self.base = base
        self.slack = slack
        self.session = session

    async def post(self, body: str, content_type: str, headers: dict | None = None) -> aiohttp.ClientResponse:
        h = {"Content-Type": content_type, **(sign(body) if headers is None else headers)}
        async with self.session.post(f"{self.base}/slack/events", data=body.encode(), headers=h) as resp:
            await resp.read()
            return resp

    async def command(self, user: str, command: str, text: str = "", channel: str = "C0PLAN") -> dict:
        """Send a slash command; returns {"status", "payload", "reply"} with the respond() post."""
        payload = self.slack.slash_command(command, text, user_id=user, user_name=user.lower(), channel_id=channel)
        resp = await self.post(urlencode(payload), "application/x-www-form-urlencoded")
        result = {"status": resp.status, "payload": payload, "reply": None}
        if resp.status == 200 and not (command == "/done" and len(text.split()) == 1):
            posts = await self.slack.wait_for_responses(payload["response_url"], timeout=20)
            result["reply"] = posts[0]
        return result

    async def click(self, user: str, action_id: str, value: str, channel: str | None = "C0PLAN",
                    response_url: bool = True) -> dict:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
            "api_app_id": "A0FAKE", "token": "legacy", "team": {"id": "T0FAKE", "domain": "fake"},
            "trigger_id": self.slack.new_trigger_id(),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                         "action_ts": f"{time.time():.6f}"}],
        }
        if channel:
            payload["channel"] = {"id": channel, "name": "delivery"}
            payload["container"] = {"type": "message", "channel_id": channel, "message_ts": "1.000001"}
        else:
            payload["container"] = {"type": "view", "view_id": "V0HOME"}
        if response_url:
            payload["response_url"] = self.slack.new_response_url()
        resp = await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        return {"status": resp.status, "payload": payload}

    async def submit(self, user: str, view: dict, values: dict) -> tuple[int, dict | None]:
        """Submit a modal the app opened, with state values {block: {action: {...}}}."""
        payload = {
            "type": "view_submission", "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
            "api_app_id": "A0FAKE", "token": "legacy", "trigger_id": self.slack.new_trigger_id(),
            "view": {**view, "id": "V0MODAL", "state": {"values": values}},
        }
        body = urlencode({"payload": json.dumps(payload)})
        h = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        async with self.session.post(f"{self.base}/slack/events", data=body.encode(), headers=h) as resp:
            text = await resp.text()
            return resp.status, (json.loads(text) if text.strip().startswith("{") else None)

    async def event(self, event: dict, event_id: str | None = None, retry: int | None = None) -> int:
        body = json.dumps({
            "token": "legacy", "team_id": "T0FAKE", "api_app_id": "A0FAKE", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{next(_ids):06d}", "event_time": int(time.time()),
        })
        headers = {"Content-Type": "application/json", **sign(body)}
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        async with self.session.post(f"{self.base}/slack/events", data=body.encode(), headers=headers) as resp:
            await resp.read()
            return resp.status


async def start_site(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"
