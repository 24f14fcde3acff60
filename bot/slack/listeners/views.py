"""Modal submissions. The service runs before the modal closes, so a refusal (bad link, four
eyes, wrong state) is shown in the modal next to the field, exactly as the command would say it."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.plain import modal_error
from bot.slack import MODAL_CHANGES, MODAL_DONE, MODAL_REVIEW
from bot.slack.gateway import Gateway
from bot.slack.identity import Actor
from bot.slack.listeners.boundary import guarded
from bot.slack.payloads import ModalMetadata, delivery_id

MODAL_WAIT = 2.0  # seconds of Slack's 3 the service may take before the modal closes anyway


def field(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    values = ((view.get("state") or {}).get("values") or {}).get(block) or {}
    return values.get(action) or {}


async def submit(ack: AsyncAck, gateway: Gateway, actor: Actor, meta: ModalMetadata, text: str,
                 error_block: str, request_id: str | None = None) -> None:
    user, channel = actor.user, meta.channel
    work = asyncio.ensure_future(gateway.run(actor, text, channel=channel, plan=meta.plan, kind="modal",
                                             request_id=request_id))
    # A refusal belongs next to the field, but Slack waits 3 s for the ack: when the service is
    # slower than MODAL_WAIT, close the modal and tell the person the outcome in a message.
    done, _ = await asyncio.wait({work}, timeout=MODAL_WAIT)
    if done:
        reply = work.result().reply
        if not reply.ok:
            await ack(response_action="errors", errors={error_block: modal_error(reply.text)})
            return
        await ack()
    else:
        await ack()
        reply = (await work).reply
    if channel:
        await gateway.client.chat_postEphemeral(channel=channel, user=user, text=reply.text)
    else:
        dm = await gateway.notifier.dm_channel(user)
        await gateway.client.chat_postMessage(channel=dm, text=reply.text)
    await gateway.deliver(reply, channel)


async def on_done(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    view = body["view"]
    meta = ModalMetadata.decode(view.get("private_metadata"))
    link = (field(view, "evidence", "link").get("value") or "").strip()
    await submit(ack, gateway, actor, meta, f"/done {meta.story} {link}", "evidence", delivery_id(body))


async def on_changes(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    view = body["view"]
    meta = ModalMetadata.decode(view.get("private_metadata"))
    reason = " ".join((field(view, "reason", "text").get("value") or "").split())
    await submit(ack, gateway, actor, meta, f"/review {meta.story} changes {reason}", "reason", delivery_id(body))


async def on_review(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    view = body["view"]
    meta = ModalMetadata.decode(view.get("private_metadata"))
    link = (field(view, "evidence", "link").get("value") or "").strip()
    reviewer = field(view, "reviewer", "user").get("selected_user")
    text = f"/review {meta.story} {link}" + (f" <@{reviewer}>" if reviewer else "")
    await submit(ack, gateway, actor, meta, text, "evidence", delivery_id(body))


def register(app: AsyncApp, gateway: Gateway) -> None:
    for callback_id, listener in ((MODAL_DONE, on_done), (MODAL_CHANGES, on_changes), (MODAL_REVIEW, on_review)):
        app.view(callback_id)(guarded(listener, gateway))
