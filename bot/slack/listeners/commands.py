"""Slash commands: the answer in the acknowledgement when the service gives it within a few
tens of milliseconds (`INLINE_ANSWER_S`), else an empty acknowledgement then the answer through
the command's response_url.

Slack shows a message in a slash command's HTTP response exactly as one posted to its
response_url; answered there, a command costs no second request (ours to Slack, on the event
loop that must acknowledge everyone else), and the person sees the answer with no wait. The budget is a
hundredth of Slack's 3 seconds: work that takes longer (a cold plan, a long queue, a slow
database) is acknowledged then, and answered after. A reply for the whole channel (`/team
mode`) always goes to the response_url: in the ack, Slack would also show the channel the
command as typed.

`/done ID` without a link opens the evidence modal instead, since the rules need one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.service import table
from bot.slack import COMMANDS
from bot.slack.blocks.modals import done_modal
from bot.slack.gateway import Gateway
from bot.slack.identity import Actor
from bot.slack.listeners.boundary import guarded
from bot.slack.payloads import command_text, delivery_id

# How long a command's acknowledgement waits for its answer. A warm answer takes a millisecond (a
# read) or a few (a move); Bolt sends an ack at its next 10 ms poll anyway.
INLINE_ANSWER_S = 0.03


async def on_command(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    """Any of our slash commands: the body is the command's form (command, text, user_id, ...)."""
    name, text = body["command"], command_text(body.get("text"))
    user, channel = body["user_id"], body.get("channel_id")
    command, words = table.unwrap(name.lstrip("/"), tuple(text.split()))
    if command == "done" and len(words) == 1 and body.get("trigger_id"):  # no link yet: ask for it
        await ack()
        with speaking(await gateway.language_of(user, channel)):
            view = done_modal(plan=None, story_id=words[0][:20], story_label=words[0][:20], channel=channel)
        await client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    work = asyncio.ensure_future(gateway.run(actor, f"{name} {text}", channel=channel, request_id=delivery_id(body)))
    done, _pending = await asyncio.wait({work}, timeout=INLINE_ANSWER_S)
    if done and not work.exception() and work.result().reply.response_type == "ephemeral":
        answer = work.result()
        await ack(gateway.message(answer))  # the answer is the acknowledgement
    else:
        await ack()
        answer = await work  # a failure is the boundary's to tell, now acknowledged
        await gateway.respond(body.get("response_url"), answer)
    reply = answer.reply
    if reply.kind == "graph" and channel:
        await gateway.post_graph(reply.data["plan"], channel, user, body.get("response_url"))
    await gateway.deliver(reply, channel, body.get("response_url"))


def register(app: AsyncApp, gateway: Gateway) -> None:
    listener = guarded(on_command, gateway)
    for name in COMMANDS:
        app.command(name)(listener)
