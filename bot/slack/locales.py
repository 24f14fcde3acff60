"""Each person's Slack language, asked once and kept a while (`users.info` with `include_locale`,
the `users:read` scope).

The service asks from its worker threads (`DeliveryService.locales`) while the Slack client lives
on the event loop: the question is run on the loop and waited for, briefly. Slack's answer is
kept for an hour — people rarely change their language, and a command should not wait on Slack
each time. When Slack does not answer (an error, a timeout, a token without the scope) the
person reads the plan's language, and Slack is asked again only after a few minutes.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from planner.people import is_slack_id

KEEP_S = 3600.0  # a locale Slack gave
RETRY_S = 300.0  # no answer: ask again after this
WAIT_S = 2.0  # how long a command waits for Slack's answer
log = get_logger("slack.locales")


class SlackLocales:
    """`locales(user_id) -> "fr-FR" | None`, cached per process."""

    def __init__(self, client: AsyncWebClient, loop: asyncio.AbstractEventLoop,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.loop = loop
        self.clock = clock
        self._known: dict[str, tuple[float, str | None]] = {}  # user -> (until, locale)
        self._lock = threading.Lock()

    def __call__(self, person: str) -> str | None:
        if not is_slack_id(person):
            return None  # a console name: no Slack to ask
        now = self.clock()
        with self._lock:
            known = self._known.get(person)
        if known and known[0] > now:
            return known[1]
        if self._on_loop():  # never block the loop on itself: what is known, without asking
            return known[1] if known else None
        locale = self._ask(person)
        with self._lock:
            self._known[person] = (now + (KEEP_S if locale else RETRY_S), locale)
            if len(self._known) > 10_000:  # a workspace's people, not an unbounded log
                self._known.pop(next(iter(self._known)))
        return locale

    def known(self, person: str) -> str | None:
        """The locale last heard for `person`, even expired, without asking Slack (for the event
        loop, and when the database that holds people's choices can't be read)."""
        with self._lock:
            known = self._known.get(person)
        return known[1] if known else None

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def _ask(self, person: str) -> str | None:
        try:
            future = asyncio.run_coroutine_threadsafe(
                self.client.users_info(user=person, include_locale=True), self.loop)
            answer = future.result(timeout=WAIT_S)
        except Exception as err:  # Slack down, a 500, a timeout, a missing scope: the plan's language
            log.warning("no Slack locale for %s: %s", person[:20], type(err).__name__)
            return None
        user = answer.get("user") if answer else None
        locale = user.get("locale") if isinstance(user, dict) else None
        return str(locale) if locale else None
