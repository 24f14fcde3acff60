"""The bridge between Slack listeners and the one service.

Listeners stay thin: they acknowledge, then hand the user's words to `Gateway.run`, which calls
the (synchronous, database-bound) service in a worker thread so the event loop keeps
acknowledging other requests within Slack's 3 seconds, then deliver the notifications.

Service work is bounded (DELIVERYBOT_MAX_PENDING calls admitted and not finished): beyond it a
request is not handed to the service at all and `run` answers at once that deliverybot is busy,
so under any load the queue, the memory and the wait stay bounded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.digest.job import DigestJob
from bot.i18n import SOURCE, _, language_or_none, speaking
from bot.logs import carry_context, get_logger, new_ref
from bot.render.digest_text import digest_outcome_text
from bot.render.mrkdwn import is_slack_id
from bot.render.text import digest_not_posted_text, graph_not_posted_text
from bot.service.delivery import DeliveryService
from bot.service.replies import Reply
from bot.slack.blocks.home import home_view
from bot.slack.blocks.replies import reply_blocks
from bot.slack.digest_post import SlackDigest, plan_png, upload_png
from bot.slack.identity import Actor
from bot.slack.locales import SlackLocales
from bot.slack.metrics import LATENCY, PENDING, REQUESTS
from bot.slack.notify import Notifier
from bot.slack.retries import SeenEvents
from storage.errors import DatabaseUnavailable

SERVICE_THREADS = 2
HOME_INTERVAL_S = 1.0  # one person's App Home is built at most once a second (`Gateway.refresh_homes`)
log = get_logger("slack.gateway")
T = TypeVar("T")


class Busy(Exception):
    """The bound on service work is reached: the call was not made (nothing of it ran)."""


@dataclass(frozen=True)
class Answer:
    """A service reply with its Block Kit rendering, both made off the event loop."""

    reply: Reply
    blocks: list[dict]


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def slack_response_url(url: str, hosts: Iterable[str]) -> bool:
    """Whether `url` is a response_url of Slack's: https on one of `hosts` (SLACK_RESPONSE_URL_HOSTS,
    hooks.slack.com), no credentials, a valid port. Plain http only for a loopback host named there
    (the tests' fake Slack). Anything else, even in a signed request, is not posted to."""
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except (ValueError, TypeError, AttributeError):
        return False
    if not host or "@" in parts.netloc or host not in set(hosts):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)


class Gateway:
    def __init__(self, service: DeliveryService, client: AsyncWebClient,
                 response_hosts: Iterable[str] | None = None, max_pending: int | None = None) -> None:
        self.service = service
        self.client = client
        hosts = service.settings.slack_response_url_hosts if response_hosts is None else response_hosts
        self.response_hosts = frozenset(hosts)
        self.notifier = Notifier(client)
        # Service work is CPU-bound Python: a few threads are enough for the database waits, and
        # more would take the GIL from the event loop that must acknowledge within 3 seconds.
        self._session: aiohttp.ClientSession | None = None
        self._blocks: dict[int, tuple[Reply, list[dict]]] = {}  # blocks of memoised replies
        self.workers = ThreadPoolExecutor(max_workers=SERVICE_THREADS, thread_name_prefix="service")
        # The bound on work handed to `workers` and not finished (queued or running): admitted on
        # the event loop, released by the worker thread that finishes it, hence the lock.
        self.max_pending = max(1, service.settings.max_pending if max_pending is None else max_pending)
        self.pending = 0
        self._pending_lock = threading.Lock()
        self.seen_events = SeenEvents()  # Events API deliveries already handled (Slack retries)
        # People whose App Home is being built or due, each with (changed again since?, the plan
        # to show), and when each one's was last built (`refresh_homes`).
        self._homes_building: dict[str, tuple[bool, str | None]] = {}
        self._home_built: dict[str, float] = {}
        self.home_interval = HOME_INTERVAL_S
        self.digest_job = DigestJob(service, SlackDigest(client, service))  # the scheduler's, /digest post's

    async def run(
        self, actor: Actor, text: str, *, channel: str | None = None, plan: str | None = None,
        request_id: str | None = None, kind: str = "command",
    ) -> Answer:
        """The service's answer to `text`, or at once, without calling it, that deliverybot is busy
        (kind "busy") when DELIVERYBOT_MAX_PENDING calls are already waiting or running."""
        started = time.perf_counter()
        call = partial(self._answer, actor.user, text, channel=channel, plan=plan, request_id=request_id,
                       guest=actor.guest)
        try:
            answer = await self.offload(call)
        except Busy:
            REQUESTS.labels(kind=kind, outcome="busy").inc()
            log.warning("busy: a %s of %s refused, %d service calls pending (DELIVERYBOT_MAX_PENDING=%d)",
                        kind, actor.user[:20], self.pending, self.max_pending)
            return self.busy_answer(actor.user)
        LATENCY.observe(time.perf_counter() - started)
        reply = answer.reply
        REQUESTS.labels(kind=kind, outcome="ok" if reply.ok else "error" if reply.kind == "error" else "refused").inc()
        return answer

    async def offload(self, call: Callable[[], T], *, over_bound: bool = False) -> T:
        """`call()` in a worker thread, in the caller's context, counted against the bound: Busy,
        and `call` never runs, when max_pending calls are already admitted and not finished.
        `over_bound` admits it anyway (work that follows an admitted request, not a new one)."""
        with self._pending_lock:
            if self.pending >= self.max_pending and not over_bound:
                raise Busy(self.pending)
            self.pending += 1
        PENDING.inc()
        try:
            future = self.workers.submit(carry_context(call))
        except BaseException:
            self._finished()
            raise
        future.add_done_callback(self._finished)  # also when cancelled before it ran
        return await asyncio.wrap_future(future)

    def _finished(self, _future: object = None) -> None:
        with self._pending_lock:
            self.pending -= 1
        PENDING.dec()

    @property
    def homes_due(self) -> int:
        """How many people's App Home is being built or waits for its interval (`refresh_homes`):
        work still to come after every service call has finished."""
        return len(self._homes_building)

    @property
    def full(self) -> bool:
        return self.pending >= self.max_pending

    def busy_answer(self, user: str | None) -> Answer:
        """What a request refused by the bound hears: nothing was done, try again. Worded without
        the database (the work waiting for it is what is full), in `quiet_language`."""
        with speaking(self.quiet_language(user)):
            reply = Reply(ok=False, text=_("deliverybot is busy right now: nothing was done. "
                                          "Try again in a few seconds."), kind="busy", data={"error": "busy"})
            return Answer(reply, reply_blocks(reply))

    def quiet_language(self, user: str | None) -> str:
        """A language for `user` without the database (it may be down, or its queue full): the
        installation's one language, else the person's Slack language if it was heard, else English."""
        locales = self.service.locales
        heard = locales.known(user or "") if isinstance(locales, SlackLocales) else None
        return self.service.settings.forced_lang or language_or_none(heard) or SOURCE

    def _answer(self, user: str, text: str, **where: Any) -> Answer:
        """In a worker thread: the service's reply and its blocks, so no CPU work lands on the loop."""
        reply = self.service.handle(user, text, **where)
        cached = self._blocks.get(id(reply))
        if cached is None or cached[0] is not reply:  # the service memoises person-independent replies
            with speaking(reply.lang):  # the blocks' own words in the reply's language
                cached = (reply, reply_blocks(reply))
            self._blocks[id(reply)] = cached
            while len(self._blocks) > 64:
                self._blocks.pop(next(iter(self._blocks)))
        return Answer(reply, cached[1])

    async def respond(self, response_url: str | None, answer: Answer, **extra) -> None:
        """Answer through the request's response_url on one shared HTTP session (Bolt's respond()
        opens a new session per call, which costs the event loop on every command)."""
        if not response_url:
            return
        await self._send(response_url, {**self.message(answer), **extra})

    @staticmethod
    def message(answer: Answer) -> dict[str, Any]:
        """The answer as a Slack message: what a response_url takes, and a command's ack."""
        return {"text": answer.reply.text, "blocks": answer.blocks, "response_type": answer.reply.response_type}

    async def respond_text(self, response_url: str, text: str) -> None:
        """A plain ephemeral line through a response_url (what the error boundary says)."""
        await self._send(response_url, {"text": text, "response_type": "ephemeral", "replace_original": False})

    async def _send(self, response_url: str, payload: dict[str, Any]) -> None:
        if not slack_response_url(response_url, self.response_hosts):
            log.warning("not answering through a response_url outside Slack's hosts: %r", str(response_url)[:80])
            return
        await AsyncWebhookClient(response_url, session=self.http_session()).send_dict(payload)

    def http_session(self) -> aiohttp.ClientSession:
        """The one HTTP session (its pooled, kept-alive connections) of this loop's calls to Slack:
        the Web API client's and the response_urls'. Without it slack_sdk opens a session and a
        connection per call, which costs the event loop more than the call on every move (a reply,
        a channel post, DMs, two App Homes). Made on the running loop, at the first call."""
        if self._session is None or self._session.closed:
            # slack_sdk gives the sessions it makes its own timeout (30 s); ours must say it too,
            # or a stalled call would hold a Home refresh or a digest for aiohttp's 5 minutes.
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.client.timeout))
            self.client.session = self._session
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self.workers.shutdown(wait=False)

    async def deliver(self, reply: Reply, channel: str | None, response_url: str | None = None) -> None:
        """Post what the reply says must be told; a digest goes out with its thread and picture.
        A digest Slack would not take (the bot is not in the channel) is said to the person who
        asked, through `response_url`."""
        for note in reply.notifications:
            if note.kind == "digest":  # today's digest, once a day like the scheduler's (a second
                # /digest post, or the same request delivered twice, hears it was already posted)
                slug = note.data["plan"]
                outcome, day = await self.digest_job.post_today(slug, note.to or channel)
                if outcome == "sent" or not response_url:
                    continue
                if outcome == "not-posted":
                    text = digest_not_posted_text(self.digest_job.last_error.get(slug) or _("Slack refused it"))
                else:
                    run = await asyncio.to_thread(self.service.store.digest_run, slug, day)
                    text = digest_outcome_text(slug, day.isoformat(), outcome, run.channel if run else None,
                                               run.message_ts if run else None, self.digest_job.last_error.get(slug))
                await self.respond_text(response_url, text)
        await self.notifier.deliver(replace(reply, notifications=tuple(
            n for n in reply.notifications if n.kind != "digest")), channel)
        await self.refresh_homes(reply.concerns, reply.data.get("plan"))

    async def refresh_homes(self, people: Iterable[str], plan: str | None = None) -> None:
        """Re-publish the App Home of each person a change concerns, so it never shows yesterday's
        state. A Home that can't be published is only logged: the change itself is done, and the
        person who made it must not hear that it failed.

        One person's Home is built at most once every `home_interval` seconds, and refreshes
        coalesce: a change while theirs is being built, or within the interval after the last
        build, only marks it to be built once more, when the interval is over, with the state as
        of then. So a burst of moves costs each person a build a second, not one per move (Slack
        counts views.publish per workspace and per minute; on a busy plan these builds were most
        of a move's cost), the first change after a quiet spell shows at once, and the Home the
        person ends up with is current."""
        for person in people:
            if not is_slack_id(person):
                continue
            if person in self._homes_building:
                self._homes_building[person] = (True, plan)  # the build under way or due goes again
                continue
            self._homes_building[person] = (False, plan)
            try:
                again = True
                while again:
                    wait = self._home_built.get(person, -self.home_interval) + self.home_interval - time.monotonic()
                    if wait > 0:  # built a moment ago: once more when the interval is over
                        await asyncio.sleep(wait)
                        _again, plan = self._homes_building[person]
                    self._homes_building[person] = (False, plan)
                    self._home_built[person] = time.monotonic()
                    await self._refresh_home(person, plan)
                    again, plan = self._homes_building[person]
            finally:
                del self._homes_building[person]
                self._forget_old_builds()

    def _forget_old_builds(self) -> None:
        """Drop the build times older than the interval (they no longer delay anything)."""
        if len(self._home_built) > 256:
            old = time.monotonic() - self.home_interval
            for person in [p for p, at in self._home_built.items() if at < old]:
                del self._home_built[person]

    async def _refresh_home(self, person: str, plan: str | None) -> None:
        """One person's App Home, built off the loop and published; failures only logged."""
        try:
            data = await self.home(person, plan, over_bound=True)  # the change was admitted: its Homes too
            if data is not None:
                with speaking(data.get("lang")):  # in the language the person reads
                    view = home_view(data)
                await self.client.views_publish(user_id=person, view=view)
        except SlackApiError as err:
            log.warning("App Home of %s not refreshed: %s", person, err.response.get("error"))
        except DatabaseUnavailable as err:  # said once, without a traceback: not a bug of ours
            log.warning("App Home of %s not refreshed: %s", person, err.sentence)
        except (TimeoutError, aiohttp.ClientError) as err:  # Slack unreachable or silent: not ours either
            log.warning("App Home of %s not refreshed: Slack did not answer (%s)", person, type(err).__name__)
        except Exception:
            log.exception("App Home of %s not refreshed (ref %s)", person, new_ref())

    async def post_digest(self, slug: str, channel: str | None, data: dict) -> str | None:
        """Today's digest of `slug` through the digest job (claimed, resumable, once a day)."""
        outcome, day = await self.digest_job.post_today(slug, channel)
        run = await asyncio.to_thread(self.service.store.digest_run, slug, day)
        return run.message_ts if run and outcome == "sent" else None

    async def post_graph(self, slug: str, channel: str, user: str, response_url: str | None = None) -> None:
        """/board graph: the picture of the plan, uploaded where it was asked for. Where the bot may
        not post (not invited), the person is told how to invite it."""
        lang = await self.language_of(user, channel, slug)  # the asker's
        png = await plan_png(self.service, slug, lang)
        try:
            with speaking(lang):
                await upload_png(self.client, channel, png, slug=slug,
                                 comment=_("<@{user}> asked for the plan's graph", user=user))
        except SlackApiError as err:
            error = str(err.response.get("error"))
            log.warning("graph of %s not uploaded in %s: %s", slug, channel, error)
            if response_url:
                await self.respond_text(response_url, graph_not_posted_text(error))

    async def language_of(self, user: str, channel: str | None = None, plan: str | None = None) -> str:
        """The language `user` reads, asked off the event loop (the database, maybe Slack's users.info):
        what a modal opened for them is worded in. When it can't be known, the installation's default;
        when service work is at its bound, the language known without the database (no wait: the
        modal's trigger_id expires in 3 s)."""
        try:
            return await self.offload(partial(self.service.language_of, user, plan, channel))
        except Busy:
            return self.quiet_language(user)
        except Exception as err:  # the database is down, no plan yet: the modal still opens
            log.warning("language of %s unknown: %s", user[:20], type(err).__name__)
            return self.service.settings.forced_lang or SOURCE

    async def first_delivery(self, delivery_id: str | None) -> bool:
        """Whether no replica handled this Events API delivery yet: this process's memory first,
        then the database that every replica shares (a retry may reach another one)."""
        if not self.seen_events.first_time(delivery_id):
            return False
        if not delivery_id:
            return True
        return await self.offload(partial(self.service.store.first_delivery, delivery_id))

    async def home(self, user: str, plan: str | None = None, *, over_bound: bool = False) -> dict | None:
        """The App Home data of `user`; Busy at the bound unless `over_bound`."""
        try:
            return await self.offload(partial(self.service.home, user, plan=plan), over_bound=over_bound)
        except LookupError:
            return None
