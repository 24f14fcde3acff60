"""Events API: App Home. Slack retries a delivery it thinks failed (X-Slack-Retry-Num); the
event_id is remembered — in the process, and in the database every replica shares — so a retry
has no second effect wherever it lands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.logs import get_logger
from bot.slack.blocks.home import home_view
from bot.slack.gateway import Busy, Gateway
from bot.slack.identity import Actor
from bot.slack.listeners.boundary import guarded

log = get_logger("slack.listeners")


async def on_home(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    event = body["event"]
    if event.get("tab", "home") != "home":
        return
    try:  # at the bound on service work the Home stays as last published, the delivery unmarked
        if gateway.full:
            raise Busy(gateway.pending)
        if not await gateway.first_delivery(body.get("event_id")):
            return
        data = await gateway.home(event["user"])
    except Busy:
        log.warning("busy: App Home of %s not refreshed", str(event.get("user"))[:20])
        return
    if data is not None:
        with speaking(data.get("lang")):  # in the language the person reads
            view = home_view(data)
        await client.views_publish(user_id=event["user"], view=view)


def register(app: AsyncApp, gateway: Gateway) -> None:
    app.event("app_home_opened")(guarded(on_home, gateway))
