"""Buttons. Each click becomes the same service command a person could type, so a button can
never do what the command would refuse. Buttons that need words (a link, a reason) open a modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.slack import ACTION_APPROVE, ACTION_CHANGES, ACTION_DONE, ACTION_PREPARE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.modals import changes_modal, done_modal, review_modal
from bot.slack.gateway import Answer, Gateway
from bot.slack.identity import Actor
from bot.slack.listeners.boundary import Listener, guarded
from bot.slack.payloads import ButtonValue, delivery_id

ModalBuilder = Callable[..., dict[str, Any]]


def clicked(body: dict[str, Any]) -> ButtonValue:
    """The value of the button that was clicked; an empty record when it is missing or not ours."""
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions[0], dict) else {}
    return ButtonValue.decode(first.get("value"))


def origin_channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


async def answer(body: dict[str, Any], gateway: Gateway, answered: Answer) -> None:
    """Reply to the clicker: beside the message when it has a response_url, else by DM."""
    reply = answered.reply
    if body.get("response_url"):
        await gateway.respond(body["response_url"], answered, response_type="ephemeral", replace_original=False)
    else:
        channel = await gateway.notifier.dm_channel(body["user"]["id"])
        await gateway.client.chat_postMessage(channel=channel, text=reply.text, blocks=answered.blocks)


async def on_start(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    await run_clicked(ack, body, gateway, actor, "/start")


async def on_prepare(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                     actor: Actor) -> None:
    await run_clicked(ack, body, gateway, actor, "/prepare")


async def run_clicked(ack: AsyncAck, body: dict[str, Any], gateway: Gateway, actor: Actor, command: str) -> None:
    """A button that is a command on its story: `command ID` through the service, answered like one."""
    await ack()
    value, channel = clicked(body), origin_channel(body)
    answered = await gateway.run(actor, f"{command} {value.story}", channel=channel, plan=value.plan, kind="button",
                                 request_id=delivery_id(body))  # a click delivered twice: one effect
    await answer(body, gateway, answered)
    await gateway.deliver(answered.reply, channel, body.get("response_url"))


async def open_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, build: ModalBuilder,
                     gateway: Gateway) -> None:
    await ack()
    value = clicked(body)
    extra = {"initial_link": value.link} if value.link else {}
    with speaking(await gateway.language_of(body["user"]["id"], origin_channel(body), value.plan)):
        view = build(plan=value.plan, story_id=value.story, story_label=value.label or value.story,
                     channel=origin_channel(body), **extra)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def opens(build: ModalBuilder) -> Listener:
    """A button listener that opens the modal `build` makes, for the story the button carries."""

    async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                       actor: Actor) -> None:
        await open_modal(ack, body, client, build, gateway)

    listener.__name__ = listener.__qualname__ = f"open_{build.__name__}"
    return listener


on_done = opens(done_modal)  # the holder's or a reviewer's Done: the evidence modal
on_approve = opens(done_modal)  # the reviewer's DM: the evidence modal, prefilled with the PR link
on_changes = opens(changes_modal)
on_review = opens(review_modal)


def register(app: AsyncApp, gateway: Gateway) -> None:
    for action_id, listener in ((ACTION_START, on_start), (ACTION_PREPARE, on_prepare), (ACTION_DONE, on_done),
                                (ACTION_APPROVE, on_approve), (ACTION_CHANGES, on_changes), (ACTION_REVIEW, on_review)):
        app.action(action_id)(guarded(listener, gateway))
