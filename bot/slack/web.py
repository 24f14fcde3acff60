"""The HTTP server: POST /slack/events (commands, interactivity, events), GET /healthz (liveness),
GET /readyz (readiness), GET /metrics.

Signature headers are checked for shape before Bolt sees them: Bolt's verifier calls int() on
the timestamp and compare_digest on the signature, which raise (a 500) on garbage such as
letters, 5,000 digits or non-ASCII. Anything malformed is a 401 that touches nothing.

Then the signature is checked here, before anything parses the body (Bolt parses it when it builds
its request, before its own check), and the signed body is read defensively
(`payloads.request_body`, `payloads.body_problem`): broken JSON, an array, a `payload=` that is
not JSON, a click without a user, JSON nested 100,000 deep are a 400 and one WARNING line, never a
500 and a traceback. Unsigned, they are a 401 like anything unsigned (logged at DEBUG only).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.service.delivery import DeliveryService
from storage.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from bot.logs import get_logger
from bot.slack.metrics import REGISTRY, REJECTED
from bot.slack.payloads import body_problem, request_body

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
MAX_BODY = 1024 * 1024
log = get_logger("slack.web")
PROBE_TIMEOUT_S = 2.0  # /readyz answers within the manifests' 3 s probe timeout, database or not
# The access log's line (aiohttp's format): who, the request, status, bytes, seconds taken, the
# client. Not aiohttp's default: its %t formats a second clock on every request (the log record
# has its time), and Slack sends no Referer.
ACCESS_LOG_FORMAT = '%a "%r" %s %b %Tf "%{User-Agent}i"'


def well_formed(request: web.Request) -> bool:
    """One timestamp and one signature header, each of the shape Slack sends. Bolt keeps the last
    of repeated headers while a check of the first would pass, so a repeat is malformed too."""
    timestamps = request.headers.getall("X-Slack-Request-Timestamp", [])
    signatures = request.headers.getall("X-Slack-Signature", [])
    if len(timestamps) != 1 or len(signatures) != 1:
        return False
    return bool(_TIMESTAMP.match(timestamps[0]) and _SIGNATURE.match(signatures[0]))


class Readiness:
    """What /readyz checks: the database answers and, in Socket Mode, the connection to Slack is up.
    The runner hands it the Socket Mode client once it exists (`socket`)."""

    def __init__(self, service: DeliveryService) -> None:
        self.service = service
        self.socket: AsyncBaseSocketModeClient | None = None
        self.socket_mode = False
        self.draining = False  # set on SIGTERM: not ready, so the Service stops sending us requests

    def _database(self) -> tuple[DatabaseUnavailable | None, int]:
        fault = self.service.store.health()
        return fault, 0 if fault is not None else len(self.service.store.list_plans())

    async def check(self) -> tuple[bool, dict[str, object]]:
        report: dict[str, object] = {}
        try:
            # The SQLite file still the one opened, a read, and after a failed write a write that
            # changes nothing (storage.errors: deleted, full, read-only, unreachable, ...).
            fault, plans = await asyncio.wait_for(asyncio.to_thread(self._database), PROBE_TIMEOUT_S)
            if fault is None:
                report["plans"], report["database"] = plans, "ok"
            else:
                report["database"], report["database_problem"] = fault.kind, fault.sentence
        except TimeoutError:
            report["database"] = "timeout"
        except Exception as err:  # the probe must answer, whatever broke
            report["database"] = type(err).__name__
        if self.draining:
            report["stopping"] = True
        if self.socket_mode:
            connected = self.socket is not None and await self.socket.is_connected()
            report["slack"] = "connected" if connected else "not connected"
        ok = report["database"] == "ok" and report.get("slack", "connected") == "connected" and not self.draining
        return ok, {"ok": ok, **report}


def build_web_app(bolt: AsyncApp, service: DeliveryService, readiness: Readiness | None = None, *,
                  signing_secret: str | None = None) -> web.Application:
    """`signing_secret`: the one Slack signs with, by default the Bolt app's. Without one (Socket
    Mode) POST /slack/events answers 401 to everything: nothing unsigned reaches Bolt."""
    readiness = readiness or Readiness(service)
    secret = signing_secret if signing_secret is not None else getattr(bolt, "_signing_secret", "") or ""
    verifier = SignatureVerifier(secret) if secret else None

    def refused(status: int, why: str) -> web.Response:
        REJECTED.inc()  # one line, no traceback: a stranger's bytes must not fill the log
        if status == 401:  # unsigned: anyone can send it; the access log has its line already
            log.debug("POST /slack/events refused (401): %s", why)
        else:  # signed, yet not a Slack request: worth an operator's look
            log.warning("POST /slack/events refused (400): %s", why)
        return web.json_response({"error": "invalid request" if status == 401 else "malformed request"},
                                 status=status)

    async def slack_events(request: web.Request) -> web.Response:
        if not well_formed(request) or verifier is None:
            return refused(401, "no signature of Slack's shape" if verifier else "no signing secret (Socket Mode)")
        try:  # not request.text(): a body that is not UTF-8, or a bogus charset, would be a 500
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return refused(401, "a body that is not UTF-8")
        # The signature first, on the bytes as sent: nothing a stranger wrote is parsed before it.
        if not verifier.is_valid(body, request.headers["X-Slack-Request-Timestamp"],
                                 request.headers["X-Slack-Signature"]):
            return refused(401, "bad or stale signature")
        headers: dict[str, str | Sequence[str]] = dict(request.headers.items())  # a repeat: the last wins
        types = [str(value) for name, value in headers.items() if name.lower() == "content-type"]
        content_type = (types[-1] if types else "").split(";")[0].strip() or None  # as Bolt will read it
        parsed = request_body(body, content_type)
        if parsed is None:
            return refused(400, "not a JSON object, a form or a form's JSON payload")
        problem = body_problem(parsed)
        if problem:
            return refused(400, problem)
        try:  # Bolt reads the body again (ours checked it); anything it still can't read is a 400
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=headers)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as err:
            return refused(400, f"unreadable ({type(err).__name__})")
        if bolt_request.body != parsed:  # Bolt reads any form holding the word "payload" (a command's
            bolt_request.body = parsed   # text: "/incident major payload too big") as an empty body
            bolt_request.context = build_async_context(AsyncBoltContext({}), parsed)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    async def healthz(_request: web.Request) -> web.Response:
        """Liveness: the process answers. A database or Slack outage is /readyz's business, so a
        cluster takes the pod out of service instead of restarting it in a loop."""
        return web.json_response({"ok": True})

    async def readyz(_request: web.Request) -> web.Response:
        ok, report = await readiness.check()
        return web.json_response(report, status=200 if ok else 503)

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app
