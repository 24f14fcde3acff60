"""Modal submissions. The service runs before the modal closes, so a refusal (bad link, four
eyes, wrong state) is shown in the modal next to the field, exactly as the command would say it."""

from __future__ import annotations

import asyncio
import json

from bot.slack import MODAL_CHANGES, MODAL_DONE, MODAL_REVIEW

MODAL_WAIT = 2.0  # seconds of Slack's 3 the service may take before the modal closes anyway


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def field(view: dict, block: str, action: str) -> dict:
    return ((view.get("state") or {}).get("values") or {}).get(block, {}).get(action, {}) or {}


def register(app, gateway) -> None:
    async def submit(ack, body, view, text: str, error_block: str):
        meta = metadata(view)
        user, channel = body["user"]["id"], meta.get("channel")
        work = asyncio.ensure_future(gateway.run(user, text, channel=channel, plan=meta.get("plan"), kind="modal"))
        # A refusal belongs next to the field, but Slack waits 3 s for the ack: when the service is
        # slower than MODAL_WAIT, close the modal and tell the person the outcome in a message.
        done, _ = await asyncio.wait({work}, timeout=MODAL_WAIT)
        if done:
            reply = work.result().reply
            if not reply.ok:
                await ack(response_action="errors", errors={error_block: reply.text[:150]})
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

    @app.view(MODAL_DONE)
    async def on_done(ack, body, view):
        link = (field(view, "evidence", "link").get("value") or "").strip()
        story = str(metadata(view).get("story", ""))[:20]
        await submit(ack, body, view, f"/done {story} {link}", "evidence")

    @app.view(MODAL_CHANGES)
    async def on_changes(ack, body, view):
        reason = " ".join((field(view, "reason", "text").get("value") or "").split())
        story = str(metadata(view).get("story", ""))[:20]
        await submit(ack, body, view, f"/review {story} changes {reason}", "reason")

    @app.view(MODAL_REVIEW)
    async def on_review(ack, body, view):
        link = (field(view, "evidence", "link").get("value") or "").strip()
        reviewer = field(view, "reviewer", "user").get("selected_user")
        story = str(metadata(view).get("story", ""))[:20]
        text = f"/review {story} {link}" + (f" <@{reviewer}>" if reviewer else "")
        await submit(ack, body, view, text, "evidence")
