"""Buttons. Each click becomes the same service command a person could type, so a button can
never do what the command would refuse. Buttons that need words (a link, a reason) open a modal."""

from __future__ import annotations

import json

from bot.slack import ACTION_APPROVE, ACTION_CHANGES, ACTION_DONE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.modals import changes_modal, done_modal, review_modal


def button_value(body: dict) -> dict:
    """The {"plan", "story", ...} a button carries; {} when it is missing or not JSON."""
    try:
        value = json.loads(body["actions"][0].get("value") or "{}")
    except (KeyError, IndexError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def origin_channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


async def answer(body: dict, gateway, answered) -> None:
    """Reply to the clicker: beside the message when it has a response_url, else by DM."""
    reply = answered.reply
    if body.get("response_url"):
        await gateway.respond(body["response_url"], answered, response_type="ephemeral", replace_original=False)
    else:
        channel = await gateway.notifier.dm_channel(body["user"]["id"])
        await gateway.client.chat_postMessage(channel=channel, text=reply.text, blocks=answered.blocks)


def register(app, gateway) -> None:
    @app.action(ACTION_START)
    async def on_start(ack, body):
        await ack()
        value, channel = button_value(body), origin_channel(body)
        story = str(value.get("story", ""))[:20]
        answered = await gateway.run(body["user"]["id"], f"/start {story}", channel=channel, plan=value.get("plan"),
                                     kind="button")
        await answer(body, gateway, answered)
        await gateway.deliver(answered.reply, channel)

    async def open_modal(ack, body, client, build):
        await ack()
        value = button_value(body)
        story = str(value.get("story", ""))[:20]
        view = build(plan=value.get("plan"), story_id=story, story_label=value.get("label") or story,
                     channel=origin_channel(body), **({"initial_link": value["link"]} if value.get("link") else {}))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ACTION_DONE)
    async def on_done(ack, body, client):
        await open_modal(ack, body, client, done_modal)

    @app.action(ACTION_APPROVE)
    async def on_approve(ack, body, client):
        await open_modal(ack, body, client, done_modal)

    @app.action(ACTION_CHANGES)
    async def on_changes(ack, body, client):
        await open_modal(ack, body, client, changes_modal)

    @app.action(ACTION_REVIEW)
    async def on_review(ack, body, client):
        await open_modal(ack, body, client, review_modal)
