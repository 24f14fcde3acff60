"""Events API: App Home. Slack retries a delivery it thinks failed (X-Slack-Retry-Num); the
event_id is remembered — in the process, and in the database every replica shares — so a retry
has no second effect wherever it lands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.slack.blocks.home import home_view
from bot.slack.gateway import Gateway
from bot.slack.identity import Actor
from bot.slack.listeners.boundary import guarded


async def on_home(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, gateway: Gateway,
                 actor: Actor) -> None:
    event = body["event"]
    if event.get("tab", "home") != "home" or not await gateway.first_delivery(body.get("event_id")):
        return
    data = await gateway.home(event["user"])
    if data is not None:
        with speaking(data.get("lang")):  # in the language the person reads
            view = home_view(data)
        await client.views_publish(user_id=event["user"], view=view)


def register(app: AsyncApp, gateway: Gateway) -> None:
    app.event("app_home_opened")(guarded(on_home, gateway))
