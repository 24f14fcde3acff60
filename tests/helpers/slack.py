"""Helpers shared by the Slack tests: the plan's channel, a signed-HTTP harness, Block Kit readers.

The harness drives the real app over real HTTP with requests signed as Slack signs them: the app
(Bolt + our aiohttp server) listens on 127.0.0.1 with an OS-chosen port; its Web API client points
at a FakeSlack. Every request here carries a genuine v0 HMAC signature. The fixtures built on it
(`fake_slack`, `seeded_service`, `workspace`) stay in tests/bot/slack/conftest.py.

The Block Kit readers pull what a person sees (mrkdwn texts, buttons and their values) out of the
blocks our builders return, and `slack_accepts` checks them against the fake's Block Kit rules.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web
from fakeslack.blocks import check_blocks as fake_check_blocks

from bot.service.table import unwrap
from planner.graph import PlanGraph
from planner.model import Checkpoint, Gate, Lane, Mode, Plan, Story
from planner.staffing import Staffing
from tests.helpers.bot import NASTY

SECRET = "test-signing-secret-not-real"
CHANNEL = "C0PLAN"  # the channel the seed plan is imported with
_ids = itertools.count(1)


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def shown_on_ack(slack, form: dict[str, str], answered: bytes) -> None:
    """What Slack does with the app's HTTP response to a slash command (`form`): a message in it
    is shown as one posted to the command's response_url (`FakeSlack.immediate_response`)."""
    if form.get("command") and form.get("response_url") and answered.strip().startswith(b"{"):
        slack.immediate_response(form["response_url"], json.loads(answered))


class SlackHttp:
    """A Slack workspace talking to the app: slash commands, clicks, modal submissions, events."""

    def __init__(self, base: str, slack, session: aiohttp.ClientSession) -> None:
        self.base = base
        self.slack = slack
        self.session = session

    async def post(self, body: str, content_type: str, headers: dict | None = None) -> aiohttp.ClientResponse:
        """POST to the app as Slack does; a message in a slash command's HTTP response is shown as
        Slack shows it, with the command's response_url posts (`FakeSlack.immediate_response`)."""
        h = {"Content-Type": content_type, **(sign(body) if headers is None else headers)}
        async with self.session.post(f"{self.base}/slack/events", data=body.encode(), headers=h) as resp:
            answered = await resp.read()
        if resp.status == 200 and content_type.startswith("application/x-www-form-urlencoded"):
            shown_on_ack(self.slack, dict(parse_qsl(body)), answered)
        return resp

    async def command(self, user: str, command: str, text: str = "", channel: str = CHANNEL,
                      user_team: str | None = None) -> dict:
        """Send a slash command; returns {"status", "payload", "reply"} with the respond() post."""
        payload = self.slack.slash_command(command, text, user_id=user, user_name=user.lower(), channel_id=channel)
        if user_team:
            payload["team_id"] = user_team
        resp = await self.post(urlencode(payload), "application/x-www-form-urlencoded")
        result = {"status": resp.status, "payload": payload, "reply": None}
        name, words = unwrap(command.lstrip("/"), tuple(text.split()))
        if resp.status == 200 and not (name == "done" and len(words) == 1):  # that one opens the modal
            posts = await self.slack.wait_for_responses(payload["response_url"], timeout=20)
            result["reply"] = posts[0]
        return result

    async def click(self, user: str, action_id: str, value: str, channel: str | None = CHANNEL,
                    response_url: bool = True, user_team: str | None = None) -> dict:
        """Click a button; `user_team` other than the installing workspace's is a Slack Connect guest."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": user_team or self.slack.team_id},
            "api_app_id": "A0FAKE", "token": "legacy", "team": {"id": self.slack.team_id, "domain": "fake"},
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

    async def submit(self, user: str, view: dict, values: dict,
                     user_team: str | None = None) -> tuple[int, dict | None]:
        """Submit a modal the app opened, with state values {block: {action: {...}}}."""
        payload = {
            "type": "view_submission", "team": {"id": self.slack.team_id, "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": user_team or self.slack.team_id},
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
            "token": "legacy", "team_id": self.slack.team_id, "api_app_id": "A0FAKE", "type": "event_callback",
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


# -- Block Kit, as a person reads it ---------------------------------------------------------------


def slack_accepts(blocks: list[dict], limit: int = 50) -> list[dict]:
    """The blocks, after asserting the fake Slack finds nothing to refuse in them."""
    assert fake_check_blocks(blocks, limit) == []
    return blocks


def buttons(blocks: list[dict]) -> list[tuple[int, dict]]:
    """Every button in reading order, with its block index."""
    out = []
    for i, block in enumerate(blocks):
        if block.get("accessory", {}).get("type") == "button":
            out.append((i, block["accessory"]))
        for el in block.get("elements", []):
            if el.get("type") == "button":
                out.append((i, el))
    return out


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    texts = []
    for block in blocks:
        for obj in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                texts.append(obj["text"])
    return texts


def all_text(blocks: list[dict]) -> str:
    """Every mrkdwn text, then the headers' plain text."""
    return "\n".join(mrkdwn_texts(blocks) + [b["text"]["text"] for b in blocks if b["type"] == "header"])


def value(button: dict) -> dict:
    """A button's value, decoded."""
    return json.loads(button["value"])


# -- generated plans to render ---------------------------------------------------------------------


def ids(n: int) -> list[str]:
    """n story ids: 1.1 ... 1.100, 2.1 ..."""
    return [f"{1 + i // 100}.{1 + i % 100}" for i in range(n)]


def make_plan(n, *, entry_gate=False, bindings=None, critical=0, checkpoint=0) -> Staffing:
    """The staffing of n stories in 4 lanes (A and B bound unless `bindings` says otherwise); no
    edges (everything startable) unless an entry gate holds them; story 1.2 is titled NASTY."""
    sids = ids(n)
    stories = tuple(Story(sid, title=NASTY if i == 1 else f"task {i}") for i, sid in enumerate(sids))
    lanes = tuple(Lane(key, f"lane {key.lower()}", tuple(sids[k::4])) for k, key in enumerate("ABCD"))
    gates = (Gate(sids[0], "entry"),) if entry_gate else (Gate(sids[2], "data"),)
    plan = Plan(
        title="big",
        stories=stories,
        gates=gates,
        critical_path=tuple(sids[:critical]),
        modes=(Mode(devs=4, recommended=True, lanes=lanes),),
        checkpoints=(Checkpoint("A", tuple(sids[:checkpoint])),) if checkpoint else (),
    )
    graph = PlanGraph(plan)
    return Staffing(graph, 4, bindings if bindings is not None else {"A": "U0ALICE", "B": "U0BOB"})
