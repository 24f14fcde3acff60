"""Posting a digest in Slack: a short main message, the details in its thread, then the picture.

The PNG goes through files_upload_v2 (get an upload URL, send the bytes, complete the upload)
into the same thread, so the channel itself only shows one short message a day.
"""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.job import NotPosted
from bot.logs import get_logger
from bot.render.digest_text import digest_summary_text
from bot.service.delivery import DeliveryService
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks

log = get_logger("digest")


async def plan_png(service: DeliveryService, slug: str) -> bytes:
    """The dependency graph of the plan now, rendered off the event loop."""
    from bot.render.graph_png import render_png
    from bot.service.milestones import picture_part

    def render() -> bytes:
        ctx = service.context(slug)
        return render_png(ctx.graph, ctx.statuses, title=ctx.plan.title, staffing=ctx.staffing,
                          milestones=picture_part(ctx))

    return await asyncio.to_thread(render)


async def upload_png(client: AsyncWebClient, channel: str, png: bytes, *, slug: str, thread_ts: str | None = None,
                     comment: str | None = None) -> None:
    await client.files_upload_v2(channel=channel, content=png, filename=f"{slug}-graph.png",
                                 title=f"{slug}: dependency graph", thread_ts=thread_ts, initial_comment=comment)


async def post_digest(client: AsyncWebClient, service: DeliveryService, slug: str, channel: str | None,
                      data: dict, *, picture: bool = True) -> str | None:
    """Post the digest; returns the main message's ts. Raises when the main message can't be posted."""
    if not channel:
        raise NotPosted(f"plan {slug} has no channel: a lead runs /team channel in it first")
    try:
        main = await client.chat_postMessage(channel=channel, text=digest_summary_text(data),
                                             blocks=digest_main_blocks(data), unfurl_links=False)
    except SlackApiError as err:  # Slack answered and refused (not_in_channel, ...): nothing was posted
        raise NotPosted(f"Slack refused the digest of {slug} in {channel}: {err.response.get('error')}") from None
    ts = main["ts"]
    await client.chat_postMessage(channel=channel, thread_ts=ts, blocks=digest_thread_blocks(data),
                                  unfurl_links=False, text="Digest details")
    if picture:
        try:
            await upload_png(client, channel, await plan_png(service, slug), slug=slug, thread_ts=ts)
        except (SlackApiError, ValueError) as err:  # the digest itself went out; say what didn't
            log.error("digest picture of %s not uploaded: %s", slug, err)
    return ts
