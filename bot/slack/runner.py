"""`deliverybot run` with Slack tokens: Socket Mode or HTTP, chosen from the environment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from bot.digest.scheduler import start_scheduler
from bot.logs import get_logger
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.web import ACCESS_LOG_FORMAT, Readiness, build_web_app

log = get_logger("")

DRAIN_S = 2.0  # HTTP mode on SIGTERM: seconds not-ready before the listener stops, then to finish acked work


async def serve(settings: Settings, service: DeliveryService, *, ready: asyncio.Event | None = None,
                sock: socket.socket | None = None, schedule: bool = True) -> None:
    """Run until cancelled or SIGTERM (what Docker and systemd send; as PID 1 in a container an
    unhandled SIGTERM is ignored). HTTP mode always serves /healthz and /metrics on PORT; Socket Mode too.
    `sock`: a listening socket shared with other workers (`run_workers`) instead of binding PORT;
    `schedule`: whether this process runs the digest scheduler."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Not possible on Windows or outside the main thread: then only Ctrl-C / cancellation stop it.
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    app, gateway = build_app(settings, service)
    readiness = Readiness(service)
    readiness.socket_mode = settings.slack_mode == "socket"
    runner = web.AppRunner(build_web_app(app, service, readiness), access_log_format=ACCESS_LOG_FORMAT)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, "0.0.0.0", settings.port)
    await site.start()
    handler = scheduler = None
    try:
        if settings.slack_mode == "socket" and settings.slack_app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value())
            readiness.socket = handler.client
            log.info("connecting to Slack in Socket Mode (health on :%s/healthz, readiness on /readyz)",
                     settings.port)
            if not await _until_stopped(handler.connect_async(), stop):
                return  # SIGTERM while Slack could not be reached: stop now, not after its retries
            log.info("connected to Slack in Socket Mode")
        else:
            log.info("HTTP mode, Slack request URL http://<host>:%s/slack/events", settings.port)
        if schedule:
            scheduler = start_scheduler(gateway.digest_job)
            log.info("daily digest scheduler on (checks every minute)")
        if ready:
            ready.set()
        await stop.wait()
        if not handler:  # HTTP: let the Service notice /readyz is 503, then finish what was acked
            readiness.draining = True
            await asyncio.sleep(DRAIN_S)
            await _finish_acked_work(DRAIN_S)
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGTERM)
        if handler:
            await handler.close_async()
        await runner.cleanup()
        await gateway.close()


async def _until_stopped(work: Coroutine[Any, Any, Any], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` is set first (then cancel it): True when the work finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task in done:
        task.result()  # a failure to connect is raised here, as before
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return False


async def _finish_acked_work(timeout: float) -> None:
    """Wait a little for listeners Slack already has an ack for (their replies and announcements)."""
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


def run_slack(settings: Settings, service: DeliveryService) -> int:
    """Serve until SIGTERM or Ctrl-C; logging is configured by the entry point."""
    if settings.slack_mode != "socket" and settings.web_workers > 1:
        return run_workers(settings, service)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings, service))
    return 0


def run_workers(settings: Settings, service: DeliveryService) -> int:
    """HTTP mode on DELIVERYBOT_WEB_WORKERS processes: this one binds PORT once, forks the workers
    (each serves the shared socket with its own event loop, service threads and plan cache, right
    by the plans' change counter; only the first runs the digest scheduler, and the digest is
    claimed in the database anyway), forwards SIGTERM and Ctrl-C to them, and when one ends, stops
    the others: the pod restarts whole rather than serve on fewer workers unseen."""
    sock = socket.create_server(("0.0.0.0", settings.port), backlog=1024)
    service.store.engine.dispose()  # no pooled connection crosses a fork: each worker opens its own
    workers: list[int] = []
    for n in range(settings.web_workers):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
                with contextlib.suppress(KeyboardInterrupt):
                    asyncio.run(serve(settings, service, sock=sock, schedule=n == 0))
                code = 0
            except BaseException:  # noqa: BLE001 -- said in the log, then this worker's exit code
                log.exception("HTTP worker %d stopped on an error", n + 1)
            finally:
                os._exit(code)
        workers.append(pid)
    sock.close()
    log.info("HTTP mode on %d worker processes (%s)", len(workers), ", ".join(map(str, workers)))

    stopping: list[bool] = []

    def stop_all(_signum: int = signal.SIGTERM, _frame: object = None) -> None:
        """SIGTERM to every worker, once: a second one could land after a worker put its handler
        away to clean up, and kill it mid-way."""
        if stopping:
            return
        stopping.append(True)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    codes: list[int] = []
    while len(codes) < len(workers):
        pid, status = os.wait()
        if pid in workers:
            codes.append(os.waitstatus_to_exitcode(status))
            stop_all()  # one ended: the others too (a no-op once they are all stopping)
    return 0 if all(code == 0 for code in codes) else 1
