"""The error boundary around every listener: a fault of ours reaches the person, with a reference.

Without it, an exception before `ack()` leaves Slack waiting (Bolt answers 404 and logs "didn't
call ack()"), and one after it is only a log line: either way the person sees nothing. The guard
acknowledges if the listener had not, logs the traceback under the same reference it gives the
person, and tells them — beside the message when Slack gave a response_url, else by DM.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.logs import get_logger, new_ref
from bot.render.findings import database_fault_text
from bot.render.text import database_unavailable_text, internal_error_text
from bot.slack.gateway import Gateway
from bot.slack.identity import Actor, actor_of
from storage.errors import DatabaseUnavailable

log = get_logger("slack.listeners")

Listener = Callable[[AsyncAck, dict[str, Any], AsyncWebClient, Gateway, Actor], Awaitable[None]]
BoltListener = Callable[[AsyncAck, dict[str, Any], AsyncWebClient, AsyncBoltContext], Awaitable[None]]


def user_of(body: dict[str, Any]) -> str | None:
    return actor_of(body, None).user or None


def home_team(context: AsyncBoltContext) -> str | None:
    """The installing workspace: Bolt's auth.test result for our bot token."""
    authorized = context.authorize_result
    return authorized.team_id if authorized is not None else None


def guarded(listener: Listener, gateway: Gateway) -> BoltListener:
    """`listener` as Bolt calls it (by argument name: ack, body, client, context), behind the
    boundary, with the person who asked resolved once for every listener."""

    async def run(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        try:
            await listener(ack, body, client, gateway, actor_of(body, home_team(context)))
        except DatabaseUnavailable as err:  # not a bug: one line, and the person hears what it is
            log.error("database unavailable: %s", err.sentence, extra={"database_fault": True})
            if ack.response is None and body.get("type") != "event_callback":
                await ack()
            with speaking(fallback_language(gateway, body)):
                text = database_unavailable_text(database_fault_text(err))
            await tell(gateway, body, text)
        except Exception:
            ref = new_ref()
            log.exception("%s failed (ref %s) for %s", listener.__name__, ref, user_of(body))
            if ack.response is None and body.get("type") != "event_callback":  # events are acked by Bolt
                await ack()
            with speaking(fallback_language(gateway, body)):
                text = internal_error_text(ref)
            await tell(gateway, body, text)

    run.__name__ = run.__qualname__ = listener.__name__
    return run


def fallback_language(gateway: Gateway, body: dict[str, Any]) -> str:
    """What to say a failure in, without the database (it may be the failure): the installation's
    one language, else the person's Slack language if it was heard, else English."""
    return gateway.quiet_language(user_of(body))


async def tell(gateway: Gateway, body: dict[str, Any], text: str) -> None:
    """Say `text` to the person behind `body`; a failure to say it is logged, never raised.
    Events (App Home opened) are nobody's request: their faults are only logged."""
    if body.get("type") == "event_callback":
        return
    try:
        if body.get("response_url"):
            await gateway.respond_text(body["response_url"], text)
            return
        user = user_of(body)
        if user:
            await gateway.client.chat_postMessage(channel=await gateway.notifier.dm_channel(user), text=text)
    except Exception:
        log.exception("could not tell %s that their request failed", user_of(body))
