"""The bridge between Slack listeners and the one service.

Listeners stay thin: they acknowledge, then hand the user's words to `Gateway.run`, which calls
the (synchronous, database-bound) service in a worker thread so the event loop keeps
acknowledging other requests within Slack's 3 seconds, then deliver the notifications.
"""

from __future__ import annotations

import asyncio
import time

from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Reply
from bot.service import DeliveryService
from bot.slack.metrics import LATENCY, REQUESTS
from bot.slack.notify import Notifier


class Gateway:
    def __init__(self, service: DeliveryService, client: AsyncWebClient) -> None:
        self.service = service
        self.client = client
        self.notifier = Notifier(client)

    async def run(
        self, user: str, text: str, *, channel: str | None = None, plan: str | None = None,
        request_id: str | None = None, kind: str = "command",
    ) -> Reply:
        started = time.perf_counter()
        reply = await asyncio.to_thread(
            self.service.handle, user, text, channel=channel, plan=plan, request_id=request_id
        )
        LATENCY.observe(time.perf_counter() - started)
        REQUESTS.labels(kind=kind, outcome="ok" if reply.ok else "refused").inc()
        return reply

    async def deliver(self, reply: Reply, channel: str | None) -> None:
        await self.notifier.deliver(reply, channel)

    async def home(self, user: str) -> dict | None:
        try:
            return await asyncio.to_thread(self.service.home, user)
        except LookupError:
            return None
