"""The bridge between Slack listeners and the one service.

Listeners stay thin: they acknowledge, then hand the user's words to `Gateway.run`, which calls
the (synchronous, database-bound) service in a worker thread so the event loop keeps
acknowledging other requests within Slack's 3 seconds, then deliver the notifications.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial

from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Reply
from bot.service import DeliveryService
from bot.slack.digest_post import plan_png, post_digest, upload_png
from bot.slack.metrics import LATENCY, REQUESTS
from bot.slack.notify import Notifier

SERVICE_THREADS = 2


class Gateway:
    def __init__(self, service: DeliveryService, client: AsyncWebClient) -> None:
        self.service = service
        self.client = client
        self.notifier = Notifier(client)
        # Service work is CPU-bound Python: a few threads are enough for the database waits, and
        # more would take the GIL from the event loop that must acknowledge within 3 seconds.
        self.workers = ThreadPoolExecutor(max_workers=SERVICE_THREADS, thread_name_prefix="service")

    async def run(
        self, user: str, text: str, *, channel: str | None = None, plan: str | None = None,
        request_id: str | None = None, kind: str = "command",
    ) -> Reply:
        started = time.perf_counter()
        call = partial(self.service.handle, user, text, channel=channel, plan=plan, request_id=request_id)
        reply = await asyncio.get_running_loop().run_in_executor(self.workers, call)
        LATENCY.observe(time.perf_counter() - started)
        REQUESTS.labels(kind=kind, outcome="ok" if reply.ok else "refused").inc()
        return reply

    async def deliver(self, reply: Reply, channel: str | None) -> None:
        """Post what the reply says must be told; a digest goes out with its thread and picture."""
        for note in reply.notifications:
            if note.kind == "digest":
                await self.post_digest(note.data["plan"], note.to or channel, note.data["digest"])
        await self.notifier.deliver(replace(reply, notifications=tuple(
            n for n in reply.notifications if n.kind != "digest")), channel)

    async def post_digest(self, slug: str, channel: str | None, data: dict) -> str | None:
        return await post_digest(self.client, self.service, slug, channel, data)

    async def post_graph(self, slug: str, channel: str, user: str) -> None:
        """/status graph: the picture of the plan, uploaded where it was asked for."""
        png = await plan_png(self.service, slug)
        await upload_png(self.client, channel, png, slug=slug, comment=f"<@{user}> asked for the plan's graph")

    async def home(self, user: str) -> dict | None:
        try:
            return await asyncio.get_running_loop().run_in_executor(self.workers, self.service.home, user)
        except LookupError:
            return None
