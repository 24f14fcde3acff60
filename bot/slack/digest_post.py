"""Posting a digest in Slack: a short main message, the details in its thread, then the picture.

The PNG goes through files_upload_v2 (get an upload URL, send the bytes, complete the upload)
into the same thread, so the channel itself only shows one short message a day.

`SlackDigest` is the digest job's view of Slack, step by step: the main message and its thread
message carry message metadata (event type `deliverybot_digest`, payload plan, date and part), so
a resumed digest finds what went out (conversations.history / conversations.replies with
include_all_metadata) instead of posting it twice. A refusal (Slack answered ok: false) is
certain; a 5xx, a timeout or a dropped connection is not (`Unconfirmed`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date, datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncSlackResponse, AsyncWebClient

from bot.digest.job import NotPosted, Unconfirmed
from bot.i18n import _, speaking
from bot.logs import get_logger
from bot.render.digest_text import digest_summary_text
from bot.service.delivery import DeliveryService
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks

log = get_logger("digest")


async def plan_png(service: DeliveryService, slug: str, lang: str | None = None) -> bytes:
    """The dependency graph of the plan now, rendered off the event loop, its legend in `lang`
    (the plan's language when None: the digest's picture is the channel's)."""
    from bot.render.graph_png import render_png
    from bot.service.milestones import picture_part

    def render() -> bytes:
        ctx = service.context(slug)
        with speaking(lang or ctx.lang):
            return render_png(ctx.graph, ctx.statuses, title=ctx.plan.title, staffing=ctx.staffing,
                              milestones=picture_part(ctx))

    return await asyncio.to_thread(render)


async def upload_png(client: AsyncWebClient, channel: str, png: bytes, *, slug: str, thread_ts: str | None = None,
                     comment: str | None = None) -> None:
    await client.files_upload_v2(channel=channel, content=png, filename=f"{slug}-graph.png",
                                 title=_("{slug}: dependency graph", slug=slug), thread_ts=thread_ts,
                                 initial_comment=comment)


TRANSPORT = (TimeoutError, OSError, aiohttp.ClientError)  # no answer: Slack may or may not have acted
EVENT_TYPE = "deliverybot_digest"  # the metadata event type of the digest's messages
HISTORY_PAGES = 5  # pages of 200 messages looked through for a main message (since its claim)


def digest_metadata(slug: str, day: date, part: str, *, forced: bool = False) -> dict:
    """The message metadata naming a digest's plan, date and part ("main" or "details")."""
    payload: dict = {"plan": slug, "date": day.isoformat(), "part": part}
    if forced:
        payload["forced"] = True  # a --force copy: never taken for the day's digest
    return {"event_type": EVENT_TYPE, "event_payload": payload}


def is_digest_message(message: dict, slug: str, day: date, part: str) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return (meta.get("event_type") == EVENT_TYPE and payload.get("plan") == slug
            and payload.get("date") == day.isoformat() and payload.get("part") == part
            and not payload.get("forced"))


def slack_error(err: SlackApiError) -> str:
    """What Slack answered, in a few words, whatever the body was (JSON, an HTML error page)."""
    data = err.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {err.response.status_code}"


def refused(err: SlackApiError) -> bool:
    """Slack answered and certainly took nothing: ok: false with HTTP 200 (not_in_channel,
    invalid_blocks...) or 429 (rate limited, after the client's own retries). A 5xx is not certain."""
    return err.response.status_code in (200, 429) and isinstance(err.response.data, dict)


def unconfirmed(what: str, err: Exception) -> Unconfirmed:
    """"Slack did not answer in time to the digest of …": `what` is the step, a phrase the caller said."""
    if isinstance(err, SlackApiError):
        return Unconfirmed(_("Slack answered {error} to {what}", error=slack_error(err), what=what))
    if isinstance(err, TimeoutError):
        return Unconfirmed(_("Slack did not answer in time to {what}", what=what))
    error = f"{type(err).__name__}{': ' + str(err) if str(err) else ''}"
    return Unconfirmed(_("Slack could not be reached ({error}) to {what}", error=error, what=what))


class SlackDigest:
    """The digest job's steps in Slack (bot.digest.job.DigestSlack)."""

    def __init__(self, client: AsyncWebClient, service: DeliveryService, *, picture: bool = True) -> None:
        self.client = client
        self.service = service
        self.picture = picture

    async def post_main(self, slug: str, channel: str | None, day: date, data: dict, *, forced: bool = False) -> str:
        if not channel:
            raise NotPosted(_("plan {slug} has no channel: a lead runs /team channel in it first", slug=slug))
        with speaking(data.get("lang")):  # the channel's language
            text, blocks = digest_summary_text(data), digest_main_blocks(data)
        try:
            main = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks,
                unfurl_links=False, metadata=digest_metadata(slug, day, "main", forced=forced))
        except SlackApiError as err:
            if refused(err):  # Slack answered and refused (not_in_channel, ...): nothing was posted
                raise NotPosted(_("Slack refused the digest of {slug} in {channel}: {error}", slug=slug,
                                  channel=channel, error=slack_error(err))) from None
            raise unconfirmed(_("the digest of {slug} in {channel}", slug=slug, channel=channel), err) from None
        except TRANSPORT as err:
            raise unconfirmed(_("the digest of {slug} in {channel}", slug=slug, channel=channel), err) from None
        return str(main["ts"])

    async def find_main(self, slug: str, channel: str, day: date, since: datetime) -> str | None:
        oldest = f"{(since - timedelta(minutes=1)).timestamp():.6f}"
        cursor = None
        for _page in range(HISTORY_PAGES):
            page = await self._read("conversations.history", self.client.conversations_history(
                channel=channel, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor))
            for message in page.get("messages") or []:
                if is_digest_message(message, slug, day, "main"):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        raise Unconfirmed(_("more than {n} messages in {channel} since the digest was claimed: not looked through",
                            n=HISTORY_PAGES * 200, channel=channel))

    async def find_parts(self, slug: str, channel: str, day: date, ts: str) -> set[str]:
        found: set[str] = set()
        cursor = None
        for _page in range(HISTORY_PAGES):
            page = await self._read("conversations.replies", self.client.conversations_replies(
                channel=channel, ts=ts, limit=200, include_all_metadata=True, cursor=cursor))
            for message in page.get("messages") or []:
                if message.get("ts") == ts:
                    continue  # the main message itself
                if is_digest_message(message, slug, day, "details"):
                    found.add("thread")
                if any(f.get("name") == f"{slug}-graph.png" for f in message.get("files") or []):
                    found.add("picture")
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
        return found

    async def post_thread(self, slug: str, channel: str, day: date, ts: str, data: dict) -> None:
        with speaking(data.get("lang")):
            blocks, text = digest_thread_blocks(data), _("Digest details")
        try:
            await self.client.chat_postMessage(channel=channel, thread_ts=ts, blocks=blocks,
                                               unfurl_links=False, text=text,
                                               metadata=digest_metadata(slug, day, "details"))
        except SlackApiError as err:
            if not refused(err):
                raise unconfirmed(_("the digest details of {slug}", slug=slug), err) from None
            log.error("digest details of %s not posted: Slack refused them (%s)", slug, slack_error(err))
        except TRANSPORT as err:
            raise unconfirmed(_("the digest details of {slug}", slug=slug), err) from None

    async def post_picture(self, slug: str, channel: str, day: date, ts: str) -> None:
        if not self.picture:
            return
        try:
            lang = await asyncio.to_thread(self.service.language_of, None, slug)  # the channel's
            with speaking(lang):
                await upload_png(self.client, channel, await plan_png(self.service, slug, lang), slug=slug,
                                 thread_ts=ts)
        except SlackApiError as err:
            if not refused(err):
                raise unconfirmed(_("the digest picture of {slug}", slug=slug), err) from None
            log.error("digest picture of %s not uploaded: %s", slug, slack_error(err))
        except ValueError as err:  # the digest itself went out; say what didn't
            log.error("digest picture of %s not uploaded: %s", slug, err)
        except TRANSPORT as err:
            raise unconfirmed(_("the digest picture of {slug}", slug=slug), err) from None

    async def _read(self, method: str, call: Awaitable[AsyncSlackResponse]) -> dict:
        try:
            response = await call
        except SlackApiError as err:
            raise Unconfirmed(_("could not look for the digest in Slack ({method}: {error})", method=method,
                                error=slack_error(err))) from None
        except TRANSPORT as err:
            raise unconfirmed(_("{method} (looking for the digest)", method=method), err) from None
        return response.data if isinstance(response.data, dict) else {}


async def post_digest(client: AsyncWebClient, service: DeliveryService, slug: str, channel: str | None,
                      data: dict, *, picture: bool = True, day: date | None = None, forced: bool = False) -> str:
    """Post a whole digest at once, no claim (`digest --post --force`, tests); the main message's
    ts. Raises NotPosted when Slack refused the main message, Unconfirmed when it did not say."""
    slack = SlackDigest(client, service, picture=picture)
    day = day or date.fromisoformat(str(data.get("local_date") or date.today().isoformat()))
    ts = await slack.post_main(slug, channel, day, data, forced=forced)
    assert channel is not None
    await slack.post_thread(slug, channel, day, ts, data)
    await slack.post_picture(slug, channel, day, ts)
    return ts
