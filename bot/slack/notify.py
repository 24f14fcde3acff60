"""Delivering what the service says must be told: channel announcements and DMs.

Slack allows about one message per second per channel; the Web API client carries a rate-limit
retry handler, so a 429 is waited out and retried rather than dropped. A delivery that still
fails is logged with its target, never silently lost.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import speaking
from bot.logs import get_logger
from bot.render.mrkdwn import is_slack_id
from bot.service.replies import Notification, Reply
from bot.slack.blocks.replies import announcement_blocks, dm_blocks
from bot.slack.metrics import NOTIFICATIONS

log = get_logger("slack.notify")


class Notifier:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dm_channels: dict[str, str] = {}

    async def deliver(self, reply: Reply, origin_channel: str | None) -> None:
        for note in reply.notifications:
            try:
                await self.send(note, origin_channel)
                NOTIFICATIONS.labels(kind=note.kind, result="sent").inc()
            except SlackApiError as err:
                NOTIFICATIONS.labels(kind=note.kind, result="failed").inc()
                log.error("could not deliver %s notification to %s: %s", note.kind, note.to, err.response.get("error"))
            except Exception as err:  # network trouble past the retries: the other notifications still go
                NOTIFICATIONS.labels(kind=note.kind, result="failed").inc()
                log.error("could not deliver %s notification to %s: %s", note.kind, note.to, type(err).__name__)

    async def send(self, note: Notification, origin_channel: str | None) -> None:
        if note.kind == "dm":
            if note.to is None or not is_slack_id(note.to):
                log.warning("no DM for %r: not a Slack user id (bind lanes with /team lane A @person)", note.to)
                return
            channel = await self.dm_channel(note.to)
            with speaking(note.lang):  # the blocks' own words in the language of the text
                blocks = dm_blocks(note)
            await self.client.chat_postMessage(channel=channel, text=note.text, blocks=blocks)
            return
        where = note.to or origin_channel
        if not where:
            log.warning("announcement with no channel (bind one with /team channel): %s", note.text[:80])
            return
        with speaking(note.lang):
            blocks = announcement_blocks(note)
        await self.client.chat_postMessage(channel=where, text=note.text, blocks=blocks)

    async def dm_channel(self, user: str) -> str:
        if user not in self._dm_channels:
            opened = await self.client.conversations_open(users=user)
            self._dm_channels[user] = opened["channel"]["id"]
        return self._dm_channels[user]
