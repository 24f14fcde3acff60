"""A fake Slack (Web API, file uploads, response_urls, Socket Mode) served by aiohttp on 127.0.0.1.

Usage from async tests::

    async with FakeSlack() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        await client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].args["text"] == "hi"

From sync code, or to serve a subprocess::

    with FakeSlack.start_in_thread() as slack:   # or slack = ...; slack.stop()
        env["SLACK_API_URL"] = slack.api_url
        ...
        slack.sync(slack.wait_for("chat.postMessage"))
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import mimetypes
import os
import secrets
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web
from aiohttp.web_request import FileField

from .blocks import MESSAGE_BLOCKS_MAX, MESSAGE_TEXT_MAX, check_blocks, check_view
from .records import Call, Fault, ResponsePost, ResponseUrl, Upload

T = TypeVar("T")

#: Arguments slack_sdk (or anyone) may send JSON-encoded inside a form or query string.
JSON_ARGS = frozenset({"blocks", "attachments", "view", "files", "metadata"})

#: Slack's documented response_url limit: 5 uses within 30 minutes of the interaction.
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL = 30 * 60

BOT_TOKEN_PREFIXES = ("xoxb-", "xoxp-")
APP_TOKEN_PREFIXES = ("xapp-",)
#: Methods that take an app-level token instead of a bot/user token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class SlackError(Exception):
    """Raised by a method handler: answered as ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _dm_channel_for(user_id: str) -> str:
    """The DM channel id the fake gives a user: ``U123ABC`` -> ``D123ABC``."""
    return "D" + user_id[1:]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


class FakeSlack:
    """Fake Slack server. See the package docstring for the API."""

    def __init__(
        self,
        *,
        team_id: str = "T0FAKE01",
        team_domain: str = "fake-workspace",
        team_name: str = "Fake Workspace",
        bot_user_id: str = "U0BOT001",
        bot_id: str = "B0BOT001",
        bot_name: str = "deliverybot",
        app_id: str = "A0FAKE01",
        validate_blocks: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.validate_blocks = validate_blocks
        #: Clock for response_url expiry; replace it to jump past the 30 minutes.
        self.clock = clock

        # Records (read them from tests).
        self.calls: list[Call] = []
        self.messages: list[dict[str, Any]] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.reactions: list[dict[str, str]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, Upload] = {}
        #: Messages sharing a completed upload into a thread (also in ``messages``, with ``upload``).
        self.file_shares: list[dict[str, Any]] = []
        self.responses: dict[str, list[ResponsePost]] = {}
        #: Presets for users.info, merged over the derived defaults.
        self.users: dict[str, dict[str, Any]] = {}
        #: Envelopes pushed to the app / every JSON message the app sent back / acks by envelope_id.
        self.socket_sent: list[dict[str, Any]] = []
        self.socket_received: list[dict[str, Any]] = []
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self._envelopes: dict[str, dict[str, Any]] = {}  # sent, by envelope_id (whose ack may carry a message)
        #: WebSocket connections ever accepted.
        self.socket_connects = 0

        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = {}
        self._messages_by_key: dict[tuple[str, str], dict[str, Any]] = {}
        self._open_dms: set[str] = set()
        self._response_urls: dict[str, ResponseUrl] = {}
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._counter = itertools.count(1)
        self._last_ts_us = 0

        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "reactions.add": self._reactions_add,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSlack:
        if self._runner is not None:
            raise RuntimeError("FakeSlack already started")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_post("/response/{rid}", self._handle_response)
        app.router.add_get("/socket", self._handle_socket)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        self.port = runner.addresses[0][1]
        return self

    async def aclose(self) -> None:
        if self._runner is None:
            return
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"server shutdown")
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @classmethod
    def start_in_thread(cls, **kwargs: Any) -> FakeSlack:
        """Start a FakeSlack on its own event loop in a daemon thread; ``stop()`` ends it."""
        slack = cls(**kwargs)
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(slack.start())
            except BaseException as exc:  # handed to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(slack.aclose())
                for task in asyncio.all_tasks(loop):
                    task.cancel()
                loop.run_until_complete(asyncio.sleep(0))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name="fakeslack", daemon=True)
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("FakeSlack thread did not start within 10 s")
        if failure:
            raise failure[0]
        slack._thread = thread
        return slack

    def stop(self) -> None:
        """Stop a server started with ``start_in_thread()``."""
        if self._thread is None or self._loop is None:
            raise RuntimeError("stop() is for start_in_thread(); use `async with` / aclose() otherwise")
        loop, thread = self._loop, self._thread
        asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeSlack:
        if self._thread is None:
            raise RuntimeError("use `with FakeSlack.start_in_thread() as slack:`")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sync(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        """Run one of the fake's coroutines on its loop from another thread, and wait for it."""
        if self._loop is None:
            raise RuntimeError("FakeSlack is not running")
        if threading.current_thread() is self._thread:
            raise RuntimeError("sync() called from the fake's own thread")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _on_loop(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the server's loop, whichever loop the caller is on."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("FakeSlack is not running")
        if asyncio.get_running_loop() is self._loop:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    # ------------------------------------------------------------------ URLs

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeSlack is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Web API base URL for ``SLACK_API_URL`` / ``AsyncWebClient(base_url=...)``; ends in ``/``."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ test helpers

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """Calls of ``method``; ``ok=True`` only successful ones, ``ok=False`` only failed ones."""
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if c.method == method and (ok is None or c.ok == ok)]

    def clear(self) -> None:
        """Forget recorded calls (state such as messages, views and uploads is kept)."""
        with self._lock:
            self.calls.clear()

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int | None = None,
        retry_after: int | None = 1,
        times: int = 1,
        *,
        after: bool = False,
        text: str | None = None,
        match: Callable[[dict], bool] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``.

        ``status`` defaults to 429 for ``ratelimited`` (with a ``Retry-After: retry_after`` header)
        and 200 for anything else, as Slack does. Faults queue up in the order they were added.
        ``after``: the method does its work first (Slack posted, then answered 500: ambiguous);
        ``text``: the body is that text, not JSON (an HTML error page); ``match``: only calls
        whose args it accepts take the fault.
        """
        if status is None:
            status = 429 if error == "ratelimited" else 200
        fault = Fault(error=error, status=status, retry_after=retry_after, remaining=times, after=after,
                      text=text, match=match)
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    def stall(self, method: str, seconds: float, times: int = 1, match: Callable[[dict], bool] | None = None) -> None:
        """Make the next ``times`` calls of ``method`` do their work, then answer only after
        ``seconds`` (a client with a shorter timeout never hears that it worked)."""
        fault = Fault(error="", status=200, retry_after=None, remaining=times, delay=seconds, match=match)
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    def kill_on(self, method: str, pid: int, *, after: bool = True,
                match: Callable[[dict], bool] | None = None) -> None:
        """SIGKILL process ``pid`` when the next (matching) call of ``method`` arrives: before its
        work is done, or ``after`` it (the message is posted; the process never hears so)."""
        fault = Fault(error="process_killed", status=500, retry_after=None, remaining=1, after=after,
                      kill=pid, match=match)
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5) -> list[Call]:
        """Wait until ``count`` successful calls of ``method`` arrived; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            done = self.calls_to(method, ok=True)
            if len(done) >= count:
                return done
            if time.monotonic() >= deadline:
                seen = [f"{c.method}{'' if c.ok else '(' + str(c.error) + ')'}" for c in self.calls]
                raise TimeoutError(
                    f"{len(done)}/{count} successful {method} calls after {timeout} s; calls seen: {seen}"
                )
            await asyncio.sleep(0.01)

    def new_response_url(self) -> str:
        """A response_url on the fake: ``http://127.0.0.1:PORT/response/<id>``."""
        rid = f"{next(self._counter)}-{secrets.token_hex(6)}"
        self._response_urls[rid] = ResponseUrl(rid=rid, issued_at=self.clock())
        self.responses[rid] = []
        return f"{self.base_url}/response/{rid}"

    def responses_for(self, url_or_id: str) -> list[ResponsePost]:
        """Every POST to that response_url (accepted and refused)."""
        rid = url_or_id.rstrip("/").rsplit("/", 1)[-1]
        return self.responses.get(rid, [])

    def immediate_response(self, url_or_id: str, body: Any) -> ResponsePost | None:
        """What Slack does with a message in a slash command's HTTP response (or in a Socket Mode
        ack's payload): shows it as if posted to the command's response_url. Recorded with those
        posts (``immediate=True``), checked like them, not counted as one of the URL's uses. A
        bare acknowledgement (no body, or no message in it) shows nothing: None."""
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return None
        rid = url_or_id.rstrip("/").rsplit("/", 1)[-1]
        post = ResponsePost(body=body, at=time.time(), immediate=True)
        errors = self._message_errors(body, require_content=True)
        if errors is not None:
            post.refused, post.error, post.status = True, errors.error, 400
        self.responses.setdefault(rid, []).append(post)
        return post

    async def wait_for_responses(
        self, url_or_id: str, count: int = 1, timeout: float = 5
    ) -> list[ResponsePost]:
        """Wait until ``count`` accepted POSTs reached that response_url; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            accepted = [p for p in self.responses_for(url_or_id) if not p.refused]
            if len(accepted) >= count:
                return accepted
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(accepted)}/{count} responses to {url_or_id} after {timeout} s")
            await asyncio.sleep(0.01)

    def new_trigger_id(self) -> str:
        return f"{next(self._counter)}.{int(time.time())}.{secrets.token_hex(16)}"

    def slash_command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U0USER01",
        user_name: str = "alice",
        channel_id: str = "C0CHAN01",
        channel_name: str = "delivery",
    ) -> dict[str, str]:
        """A slash command payload as Slack sends it (all strings), with a fresh response_url and
        trigger_id. Form-encode it for HTTP mode, or ``socket_send("slash_commands", it)``."""
        return {
            "token": "fake-verification-token",
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self.new_response_url(),
            "trigger_id": self.new_trigger_id(),
        }

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages posted (and as since updated) in a channel, oldest first."""
        return [m for m in self.messages if m["channel"] == channel]

    # ------------------------------------------------------------------ Socket Mode helpers

    async def wait_socket_connected(self, timeout: float = 5, count: int = 1) -> int:
        """Wait until ``count`` WebSocket connections were accepted in all and one is open."""
        deadline = time.monotonic() + timeout
        while not (self.socket_connects >= count and self._open_sockets()):
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{self.socket_connects}/{count} Socket Mode connections after {timeout} s "
                    f"({len(self._open_sockets())} open)"
                )
            await asyncio.sleep(0.01)
        return self.socket_connects

    async def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
    ) -> dict[str, Any]:
        """Push an envelope (``slash_commands`` | ``interactive`` | ``events_api``) to the app over
        the newest open Socket Mode connection; returns the envelope sent."""
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or (
                envelope_type == "interactive"
                and payload.get("type") in ("view_submission", "block_suggestion")
            )
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id or str(uuid.uuid4()),
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self._envelopes[envelope["envelope_id"]] = envelope
        await self._on_loop(self._send_to_socket(envelope))
        self.socket_sent.append(envelope)
        return envelope

    async def socket_ack(self, envelope: str | dict[str, Any], timeout: float = 5) -> dict[str, Any]:
        """Wait for the app's acknowledgement ``{"envelope_id": ..., "payload"?: ...}`` and return it."""
        envelope_id = envelope["envelope_id"] if isinstance(envelope, dict) else envelope
        deadline = time.monotonic() + timeout
        while envelope_id not in self.socket_acks:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout} s")
            await asyncio.sleep(0.01)
        return self.socket_acks[envelope_id]

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message (the client is expected to reconnect)."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-1"}}
        await self._on_loop(self._send_to_socket(message))

    async def socket_drop(self) -> None:
        """Close every open Socket Mode connection from the server side."""
        await self._on_loop(self._close_sockets())

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        return [ws for ws in self._sockets if not ws.closed]

    async def _send_to_socket(self, message: dict[str, Any]) -> None:
        open_sockets = self._open_sockets()
        if not open_sockets:
            raise RuntimeError("no open Socket Mode connection (did the app connect?)")
        await open_sockets[-1].send_str(json.dumps(message))

    async def _close_sockets(self) -> None:
        for ws in self._open_sockets():
            await ws.close(code=1001, message=b"going away")

    # ------------------------------------------------------------------ HTTP handlers

    async def _parse_args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError as exc:
                    raise SlackError("invalid_json") from exc
                if not isinstance(body, dict):
                    raise SlackError("invalid_json")
                args.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key in form:
                    value = form[key]
                    if isinstance(value, FileField):
                        content = value.file.read()
                        args[key] = {"filename": value.filename, "length": len(content)}
                    else:
                        args[key] = value
        for key in JSON_ARGS & args.keys():
            value = args[key]
            if isinstance(value, str) and value.startswith(("[", "{")):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(value)
        return args

    def _check_token(self, method: str, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        expected = APP_TOKEN_PREFIXES if method in APP_TOKEN_METHODS else BOT_TOKEN_PREFIXES
        if token.startswith(expected):
            return
        if token.startswith(("xox", "xapp-")):
            raise SlackError("not_allowed_token_type")
        raise SlackError("invalid_auth")

    def _take_fault(self, method: str, args: dict[str, Any] | None = None) -> Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            if fault.match is not None and not fault.match(args or {}):
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            return fault

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        headers = dict(request.headers)
        call = Call(method=method, args={}, headers=headers, at=time.time())
        extra_headers: dict[str, str] = {}
        status = 200
        try:
            call.args = await self._parse_args(request)
            token_arg = call.args.pop("token", None)
            auth = request.headers.get("Authorization", "")
            call.token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else token_arg
            handler = self._handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            self._check_token(method, call.token)
            fault = self._take_fault(method, call.args)
            if fault is not None and fault.kill is not None and not fault.after:
                os.kill(fault.kill, signal.SIGKILL)
            if fault is not None and (fault.after or fault.delay):
                handler(call.args)  # the work is done; only the answer goes wrong
                if fault.kill is not None:
                    os.kill(fault.kill, signal.SIGKILL)
                if fault.delay:
                    call.failed, call.error, call.response = True, "timeout", {"ok": True}
                    with self._lock:
                        self.calls.append(call)
                    await asyncio.sleep(fault.delay)
                    return web.json_response({"ok": True})
            if fault is not None:
                status = fault.status
                if fault.status == 429 and fault.retry_after is not None:
                    extra_headers["Retry-After"] = str(fault.retry_after)
                if fault.text is not None:
                    call.failed, call.error, call.status = True, fault.error, status
                    with self._lock:
                        self.calls.append(call)
                    return web.Response(status=status, text=fault.text, content_type="text/html")
                raise SlackError(fault.error)
            body: dict[str, Any] = {"ok": True, **handler(call.args)}
        except SlackError as exc:
            body = {"ok": False, "error": exc.error, **exc.extra}
            call.failed = True
            call.error = exc.error
        call.status = status
        call.response = body
        with self._lock:
            self.calls.append(call)
        return web.json_response(body, status=status, headers=extra_headers)

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        upload = self.uploads.get(file_id)
        if upload is None:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            data = b""
            for value in form.values():
                if isinstance(value, FileField):
                    data = value.file.read()
                    break
        else:
            data = await request.read()
        upload.data = data
        return web.Response(status=200, text=f"OK - {len(data)}", content_type="text/plain")

    async def _handle_response(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        try:
            body = await request.json()
        except ValueError:
            body = None
        post = ResponsePost(body=body if isinstance(body, dict) else None, at=time.time())
        entry = self._response_urls.get(rid)
        if post.body is None:
            post.refused, post.error, post.status = True, "invalid_payload", 400
        elif entry is None:
            post.refused, post.error, post.status = True, "invalid_url", 404
        elif self.clock() - entry.issued_at > RESPONSE_URL_TTL:
            post.refused, post.error, post.status = True, "expired_url", 404
        elif entry.uses >= RESPONSE_URL_MAX_USES:
            post.refused, post.error, post.status = True, "used_url", 404
        else:
            errors = self._message_errors(post.body, require_content=not post.delete_original)
            if errors is not None:
                post.refused, post.error, post.status = True, errors.error, 400
            else:
                entry.uses += 1
        self.responses.setdefault(rid, []).append(post)
        if post.refused:
            return web.json_response({"ok": False, "error": post.error}, status=post.status)
        return web.json_response({"ok": True})

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        ws = web.WebSocketResponse(autoping=True)
        if not ws.can_prepare(request).ok:
            return web.json_response({"ok": False, "error": "websocket_required"}, status=400)
        self._tickets.discard(ticket)  # tickets are single use
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connects += 1
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._open_sockets()),
                    "debug_info": {
                        "host": "applink-fake-1",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                self.socket_received.append(data)
                if isinstance(data, dict) and "envelope_id" in data:
                    first = data["envelope_id"] not in self.socket_acks
                    self.socket_acks.setdefault(data["envelope_id"], data)
                    sent = self._envelopes.get(data["envelope_id"])
                    if first and sent is not None and sent["type"] == "slash_commands":
                        self.immediate_response(sent["payload"].get("response_url", ""), data.get("payload"))
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    # ------------------------------------------------------------------ helpers for methods

    def _next_ts(self) -> str:
        now_us = time.time_ns() // 1000
        self._last_ts_us = max(self._last_ts_us + 1, now_us)
        us = self._last_ts_us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):04d}{secrets.token_hex(3).upper()}"

    def _resolve_channel(self, channel: str) -> str:
        # Posting to a user id posts into the bot's DM with that user, as Slack does.
        if channel[:1] in ("U", "W"):
            return _dm_channel_for(channel)
        return channel

    def _message_errors(self, args: dict[str, Any], *, require_content: bool = True) -> SlackError | None:
        text, blocks, attachments = args.get("text"), args.get("blocks"), args.get("attachments")
        if require_content and not text and not blocks and not attachments:
            return SlackError("no_text")
        if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
            return SlackError("msg_too_long")
        if blocks is not None and self.validate_blocks:
            if isinstance(blocks, str):
                return SlackError("invalid_blocks_format")
            errors = check_blocks(blocks, MESSAGE_BLOCKS_MAX)
            if errors:
                return SlackError(
                    "invalid_blocks",
                    errors=errors,
                    response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
                )
        return None

    def _require(self, args: dict[str, Any], name: str, error: str) -> Any:
        value = args.get(name)
        if value in (None, "", []):
            raise SlackError(error)
        return value

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": args.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key) is not None:
                message[key] = args[key]
        return message

    # ------------------------------------------------------------------ Web API methods

    def _api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"args": args} if args else {}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return {"url": f"ws://127.0.0.1:{self.port}/socket?ticket={ticket}&app_id={self.app_id}"}

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(str(self._require(args, "channel", "channel_not_found")))
        error = self._message_errors(args)
        if error is not None:
            raise error
        ts = self._next_ts()
        message = self._message(args, ts)
        stored = {"channel": channel, **message}
        self.messages.append(stored)
        self._messages_by_key[(channel, ts)] = stored
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(str(self._require(args, "channel", "channel_not_found")))
        user = self._require(args, "user", "user_not_found")
        error = self._message_errors(args)
        if error is not None:
            raise error
        ts = self._next_ts()
        self.ephemerals.append({"channel": channel, "user": user, **self._message(args, ts)})
        return {"message_ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(str(self._require(args, "channel", "channel_not_found")))
        ts = str(self._require(args, "ts", "message_not_found"))
        stored = self._messages_by_key.get((channel, ts))
        if stored is None:
            raise SlackError("message_not_found")
        error = self._message_errors(args)
        if error is not None:
            raise error
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                stored[key] = args[key]
        stored["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        message = {k: v for k, v in stored.items() if k != "channel"}
        return {"channel": channel, "ts": ts, "text": stored.get("text", ""), "message": message}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(self._require(args, "channel", "channel_not_found"))
        ts = str(self._require(args, "message_ts", "message_not_found"))
        permalink = f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    def _visible(self, message: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in message.items() if k != "channel"}
        if str(args.get("include_all_metadata", "")).lower() not in ("1", "true"):
            shown.pop("metadata", None)
        elif "metadata" in shown:
            shown["metadata"] = {"event_type": shown["metadata"].get("event_type"),
                                 "event_payload": shown["metadata"].get("event_payload", {}),
                                 "app_id": self.app_id}
        return shown

    def _page(self, found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        """A page of ``found`` (cursor = offset), as Slack pages conversations.history/replies."""
        start = int(args.get("cursor") or 0)
        limit = max(1, min(int(args.get("limit") or 100), 1000))
        page = found[start:start + limit]
        more = start + limit < len(found)
        return {"messages": [self._visible(m, args) for m in page], "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages of a channel, newest first, between ``oldest`` and ``latest``;
        their ``metadata`` only with ``include_all_metadata``."""
        channel = str(self._require(args, "channel", "channel_not_found"))
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 1e12)
        with self._lock:
            found = [m for m in self.messages if m["channel"] == channel and m.get("thread_ts") in (None, m["ts"])
                     and oldest < float(m["ts"]) < latest]
        return self._page(sorted(found, key=lambda m: float(m["ts"]), reverse=True), args)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent, then its replies, oldest first (file shares included)."""
        channel = str(self._require(args, "channel", "channel_not_found"))
        ts = str(self._require(args, "ts", "thread_not_found"))
        with self._lock:
            parent = self._messages_by_key.get((channel, ts))
            if parent is None:
                raise SlackError("thread_not_found")
            replies = [m for m in self.messages if m["channel"] == channel and m.get("thread_ts") == ts
                       and m["ts"] != ts]
        return self._page([parent, *sorted(replies, key=lambda m: float(m["ts"]))], args)

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": args["channel"]}, "no_op": True, "already_open": True}
        users = _as_list(args.get("users"))
        if not users:
            raise SlackError("users_list_not_supplied")
        if any(u[:1] not in ("U", "W") for u in users):
            raise SlackError("user_not_found")
        if len(users) == 1:
            channel_id = _dm_channel_for(users[0])
        else:
            digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:8].upper()
            channel_id = f"G{digest}"
        already = channel_id in self._open_dms
        self._open_dms.add(channel_id)
        return {"channel": {"id": channel_id}, "no_op": already, "already_open": already}

    def _user_object(self, user_id: str) -> dict[str, Any]:
        preset = dict(self.users.get(user_id, {}))
        preset_profile = preset.pop("profile", {})
        real_name = preset.get("real_name", f"User {user_id}")
        name = preset.get("name", f"user.{user_id.lower()}")
        tz = preset.get("tz", "Europe/London")
        offset = ZoneInfo(tz).utcoffset(datetime.now())
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": ZoneInfo(tz).tzname(datetime.now()) or tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": user_id == self.bot_user_id,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        user.update(preset)
        user["profile"] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "email": f"{name}@example.com",
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
            "team": self.team_id,
            **preset_profile,
        }
        return user

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(self._require(args, "user", "user_not_found"))
        if user_id[:1] not in ("U", "W") and user_id not in self.users:
            raise SlackError("user_not_found")
        user = self._user_object(user_id)
        locale = user.pop("locale", "en-US")  # Slack gives it only when asked (include_locale)
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            user["locale"] = locale
        return {"user": user}

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(self._require(args, "channel", "channel_not_found"))
        ts = str(self._require(args, "timestamp", "no_item_specified"))
        name = str(self._require(args, "name", "invalid_name"))
        reaction = {"channel": channel, "timestamp": ts, "name": name}
        if reaction in self.reactions:
            raise SlackError("already_reacted")
        self.reactions.append(reaction)
        return {}

    def _view_errors(self, view: Any, allowed: tuple[str, ...]) -> None:
        if view in (None, ""):
            raise SlackError(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: view"]}
            )
        if not self.validate_blocks:
            return
        errors = check_view(view, allowed)
        if errors:
            raise SlackError(
                "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
            )

    def _store_view(self, view: dict[str, Any], view_id: str | None = None, **extra: Any) -> dict[str, Any]:
        view_id = view_id or self._new_id("V")
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
            **extra,
        }
        self.views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "trigger_id", "invalid_trigger_id")
        self._view_errors(args.get("view"), ("modal",))
        return {"view": self._store_view(args["view"])}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "trigger_id", "invalid_trigger_id")
        self._view_errors(args.get("view"), ("modal",))
        return {"view": self._store_view(args["view"])}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments")
        current = self.views.get(view_id) if view_id else None
        if current is None and external_id:
            current = next((v for v in self.views.values() if v.get("external_id") == external_id), None)
        if current is None:
            raise SlackError("not_found")
        self._view_errors(args.get("view"), ("modal",))
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._store_view(args["view"], view_id=current["id"])}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(self._require(args, "user_id", "user_not_found"))
        self._view_errors(args.get("view"), ("home",))
        current = self.home_views.get(user_id)
        if args.get("hash") and current is not None and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(args["view"], view_id=current["id"] if current else None)
        self.home_views[user_id] = stored
        return {"view": stored}

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = self._require(args, "filename", "invalid_arguments")
        try:
            length = int(self._require(args, "length", "invalid_arguments"))
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc
        if length <= 0:
            raise SlackError("invalid_arguments")
        file_id = self._new_id("F")
        self.uploads[file_id] = Upload(
            file_id=file_id,
            filename=str(filename),
            length=length,
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
        )
        return {"upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        uploads = []
        for entry in files:
            upload = self.uploads.get(entry.get("id", "")) if isinstance(entry, dict) else None
            if upload is None or upload.data is None:
                raise SlackError("file_not_found")
            uploads.append((upload, entry))
        channel_id = args.get("channel_id")
        channels = _as_list(args.get("channels")) or ([channel_id] if channel_id else [])
        out = []
        for upload, entry in uploads:
            title = entry.get("title") or upload.filename
            upload.completed = {
                "channel_id": channel_id,
                "channels": channels,
                "thread_ts": args.get("thread_ts"),
                "initial_comment": args.get("initial_comment"),
                "title": title,
            }
            if channel_id and args.get("thread_ts"):  # the file share shows in the thread, as in Slack
                ts = self._next_ts()
                share = {"channel": channel_id, "type": "message", "user": self.bot_user_id, "upload": True,
                         "text": args.get("initial_comment") or "", "ts": ts, "thread_ts": args["thread_ts"],
                         "files": [{"id": upload.file_id, "name": upload.filename, "title": title}]}
                with self._lock:
                    self.file_shares.append(share)
                    self.messages.append(share)
                    self._messages_by_key[(channel_id, ts)] = share
            mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
            filetype = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else "binary"
            out.append(
                {
                    "id": upload.file_id,
                    "created": int(time.time()),
                    "timestamp": int(time.time()),
                    "name": upload.filename,
                    "title": title,
                    "mimetype": mimetype,
                    "filetype": filetype,
                    "user": self.bot_user_id,
                    "user_team": self.team_id,
                    "size": upload.size,
                    "is_external": False,
                    "is_public": any(c.startswith("C") for c in channels),
                    "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{upload.file_id}/{upload.filename}",
                    "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{upload.file_id}/{upload.filename}",
                    "channels": [c for c in channels if c.startswith("C")],
                    "groups": [c for c in channels if c.startswith("G")],
                    "ims": [c for c in channels if c.startswith("D")],
                    "shares": {},
                }
            )
        return {"files": out}
