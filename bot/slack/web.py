"""The HTTP server: POST /slack/events (commands, interactivity, events), GET /healthz (liveness),
GET /readyz (readiness), GET /metrics.

Signature headers are checked for shape before Bolt sees them: Bolt's verifier calls int() on
the timestamp and compare_digest on the signature, which raise (a 500) on garbage such as
letters, 5,000 digits or non-ASCII. Anything malformed is a 401 that touches nothing.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.service.delivery import DeliveryService

if TYPE_CHECKING:
    from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from bot.slack.metrics import REGISTRY, REJECTED

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
MAX_BODY = 1024 * 1024
PROBE_TIMEOUT_S = 2.0  # /readyz answers within the manifests' 3 s probe timeout, database or not


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

    async def check(self) -> tuple[bool, dict[str, object]]:
        report: dict[str, object] = {}
        try:
            plans = await asyncio.wait_for(asyncio.to_thread(self.service.store.list_plans), PROBE_TIMEOUT_S)
            report["plans"], report["database"] = len(plans), "ok"
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


def build_web_app(bolt: AsyncApp, service: DeliveryService, readiness: Readiness | None = None) -> web.Application:
    readiness = readiness or Readiness(service)

    async def slack_events(request: web.Request) -> web.Response:
        if not well_formed(request):
            REJECTED.inc()
            return web.json_response({"error": "invalid request"}, status=401)
        try:  # not request.text(): a body that is not UTF-8, or a bogus charset, would be a 500
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            REJECTED.inc()
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string,
                                        headers=dict(request.headers.items()))  # a repeat: the last wins, as before
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
