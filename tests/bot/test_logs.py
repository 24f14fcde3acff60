"""Logs an operator can use (bot/logs.py): JSON lines, levels, the quiet scheduler, no secret.

The process tests start a real `deliverybot run` in HTTP mode against a FakeSlack served from a
thread, in an empty directory with an environment holding only what the case sets, its stderr
written to a file; the unit tests drive the formatter, the context and the redaction filter
through a handler of their own (the root logger of the test process is left alone).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fakeslack import FakeSlack
from pydantic import ValidationError

from bot.logs import bind, build_handler, carry_context, configure, current_context, get_logger, log_context
from bot.settings import Settings, configuration_problems
from tests.helpers.slack import shown_on_ack, sign

REPO = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-0000-logs-bot-token-must-not-log"
APP_TOKEN = "xapp-1-A0000-logs-app-token-must-not-log"
SIGNING_SECRET = "logs-signing-secret-must-not-log"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)
# Written here, not imported from bot.logs: the test's own idea of what a Slack token looks like.
ANY_TOKEN = re.compile(r"x(?:ox[a-z]|app)-[A-Za-z0-9]")
ISO_MS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
WAIT = 30.0  # seconds; every wait ends as soon as its condition holds


# -- a `deliverybot run` process -------------------------------------------------------------------


class Run:
    """`python -m bot.cli run` with stdout and stderr in files of `tmp_path`."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.err_path, self.out_path = tmp_path / "stderr.log", tmp_path / "stdout.log"
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1",
                "DATABASE_URL": f"sqlite:///{tmp_path}/run.db", "DELIVERYBOT_LANG": "en"}
        with self.err_path.open("w") as err, self.out_path.open("w") as out:
            self.popen = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path,
                                          env={**base, **env}, stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8")

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8")

    def wait_for(self, text: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not logged (exit {self.popen.poll()}):\n{self.stderr}")
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM (what Docker and systemd send), then the exit code."""
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            raise AssertionError(f"no exit within {WAIT} s of SIGTERM:\n{self.stderr}") from None

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack.start_in_thread()
    try:
        yield slack
    finally:
        slack.stop()


def assert_no_secret(text: str) -> None:
    for value in SECRETS:
        assert value not in text
        assert value[-16:] not in text  # not even half of one
    assert not ANY_TOKEN.search(text), ANY_TOKEN.search(text)


posix = pytest.mark.skipif(os.name != "posix", reason="stops the process with SIGTERM")


@posix
def test_json_at_debug_is_one_object_a_line_and_never_a_secret(tmp_path, fake_slack):
    port = free_port()
    proc = Run(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake_slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1", PORT=str(port),
               DELIVERYBOT_LOG_FORMAT="json", DELIVERYBOT_LOG_LEVEL="DEBUG")
    try:
        proc.wait_for("HTTP mode")
        # aiohttp's access log writes the request line: the filter must catch what's in a URL.
        probe = f"http://127.0.0.1:{port}/healthz?" + urlencode({"a": BOT_TOKEN, "b": APP_TOKEN, "c": SIGNING_SECRET})
        with urllib.request.urlopen(probe, timeout=10) as resp:
            assert resp.status == 200

        # A signed slash command: Bolt authorizes with auth.test (the bot token in a header), the
        # reply goes to the response_url; slack_sdk logs requests, headers and bodies at DEBUG.
        payload = fake_slack.slash_command("/unblocked", user_id="U0ANN", channel_id="C0PLAN")
        body = urlencode(payload)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                                  **sign(body, secret=SIGNING_SECRET)})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200
            shown_on_ack(fake_slack, payload, resp.read())
        fake_slack.sync(fake_slack.wait_for_responses(payload["response_url"], timeout=WAIT), timeout=WAIT + 5)
        proc.wait_for("executed successfully")  # DEBUG shows everything: the scheduler's tick too
        assert proc.stop() == 0
    finally:
        proc.kill()

    entries = []
    for line in proc.stderr.splitlines():
        entry = json.loads(line)  # every line is one JSON object, tracebacks included
        assert isinstance(entry, dict), line
        assert {"time", "level", "logger", "message"} <= entry.keys(), line
        assert ISO_MS_UTC.match(entry["time"]), line
        assert entry["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}, line
        entries.append(entry)
    assert_no_secret(proc.stderr + proc.stdout)

    loggers = {e["logger"] for e in entries}
    assert {"deliverybot", "slack_sdk.web.async_base_client", "aiohttp.access"} <= loggers, loggers
    assert any(e["level"] == "DEBUG" and "auth.test" in e["message"] for e in entries), "no Web API call logged"
    assert any(e["logger"].startswith("apscheduler") for e in entries)
    access = [e["message"] for e in entries if e["logger"] == "aiohttp.access" and "/healthz" in e["message"]]
    assert len(access) == 1 and access[0].count("[redacted]") == 3, access
    assert fake_slack.calls_to("auth.test", ok=True)  # the token was used, just never written down


@posix
def test_info_keeps_the_scheduler_quiet_over_a_tick(tmp_path, fake_slack):
    # A digest due now in a plan without a channel: the first tick (about 1 s after the start)
    # logs "not posted" at ERROR, so the tick is seen to have run. Local time is put near 17:00
    # whatever the hour here, after a 12:00 digest time and before its 23:59 catch-up limit.
    shift = (17 - datetime.now(UTC).hour + 12) % 24 - 12
    zone = "UTC" if shift == 0 else f"Etc/GMT{'-' if shift > 0 else '+'}{abs(shift)}"
    proc = Run(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake_slack.api_url, PORT=str(free_port()),
               DELIVERYBOT_DIGEST_TIME="12:00", DELIVERYBOT_DIGEST_TZ=zone, DELIVERYBOT_DIGEST_WORKDAYS="mon-sun")
    try:
        proc.wait_for("not posted")  # logged by the tick, after apscheduler's "Running job"
        assert proc.stop() == 0
    finally:
        proc.kill()
    assert "apscheduler" not in proc.stderr
    assert "Running job" not in proc.stderr and "executed successfully" not in proc.stderr
    lines = proc.stderr.splitlines()
    text_line = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) [\w.]+: ")
    assert lines and all(text_line.match(line) for line in lines), proc.stderr  # the default: text, no DEBUG
    assert any(" ERROR deliverybot.digest: " in line and "not posted" in line for line in lines)
    assert_no_secret(proc.stderr + proc.stdout)


# -- settings --------------------------------------------------------------------------------------


def test_log_settings_default_to_text_at_info():
    settings = Settings()
    assert (settings.log_format, settings.log_level) == ("text", "INFO")
    assert (Settings.defaults().log_format, Settings.defaults().log_level) == ("text", "INFO")


def test_log_settings_read_any_case_and_refuse_others_by_name(monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_LOG_FORMAT", " JSON ")
    monkeypatch.setenv("DELIVERYBOT_LOG_LEVEL", "debug")
    assert (Settings().log_format, Settings().log_level) == ("json", "DEBUG")
    monkeypatch.setenv("DELIVERYBOT_LOG_FORMAT", "xml")
    monkeypatch.setenv("DELIVERYBOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ValidationError) as err:
        Settings()
    problems = "\n".join(configuration_problems(err.value))
    assert "DELIVERYBOT_LOG_FORMAT" in problems and "'json'" in problems
    assert "DELIVERYBOT_LOG_LEVEL" in problems and "'DEBUG'" in problems


# -- formatter, context, redaction (a handler of the test's own on an isolated logger) -------------


class Captured:
    def __init__(self, fmt: str, level: int, secrets: tuple[str, ...]) -> None:
        self.stream = io.StringIO()
        self.handler = build_handler(fmt, level, secrets, self.stream)
        self.logger = logging.getLogger(f"deliverybot.test.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.DEBUG)
        self.logger.addHandler(self.handler)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def close(self) -> None:
        self.logger.removeHandler(self.handler)


@pytest.fixture
def jsonlog() -> Iterator[Captured]:
    captured = Captured("json", logging.DEBUG, (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET))
    yield captured
    captured.close()


def test_json_line_has_time_level_logger_message(jsonlog):
    jsonlog.logger.info("digest of %s sent", "k3s")
    [entry] = jsonlog.entries()
    assert entry == {"time": entry["time"], "level": "INFO", "logger": jsonlog.logger.name,
                     "message": "digest of k3s sent"}
    assert ISO_MS_UTC.match(entry["time"])
    assert abs(datetime.fromisoformat(entry["time"]).timestamp() - time.time()) < 60


def test_json_is_one_line_whatever_the_message(jsonlog):
    jsonlog.logger.warning("two\nlines, a line separator\u2028and é")
    assert jsonlog.text.count("\n") == 1 and jsonlog.text.isascii()
    assert jsonlog.entries()[0]["message"] == "two\nlines, a line separator\u2028and é"


@pytest.mark.faults
def test_json_carries_the_traceback_as_exc(jsonlog):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        jsonlog.logger.exception("command failed (ref %s)", "ab12cd34")
    [entry] = jsonlog.entries()
    assert entry["message"] == "command failed (ref ab12cd34)" and entry["level"] == "ERROR"
    assert entry["exc"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom" in entry["exc"]


def test_context_fields_from_log_context_and_extra(jsonlog):
    with log_context(plan="k3s", request_id="r-1"):
        jsonlog.logger.info("inside")
        with log_context(story="4.1"):
            jsonlog.logger.info("nested")
        jsonlog.logger.info("story given", extra={"story": "2.3", "plan": "other"})  # extra wins
    jsonlog.logger.info("outside")
    inside, nested, given, outside = jsonlog.entries()
    assert (inside["plan"], inside["request_id"]) == ("k3s", "r-1") and "story" not in inside
    assert (nested["plan"], nested["story"], nested["request_id"]) == ("k3s", "4.1", "r-1")
    assert (given["plan"], given["story"], given["request_id"]) == ("other", "2.3", "r-1")
    assert not {"plan", "story", "request_id"} & outside.keys()


def test_bind_adds_to_the_block_it_is_in():
    with log_context(request_id="r-2"):
        bind(plan="k3s")
        assert current_context() == {"request_id": "r-2", "plan": "k3s"}
    assert current_context() == {}


async def test_worker_threads_get_the_context_through_carry_context():
    pool = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()
    try:
        with log_context(plan="k3s", request_id="r-3"):
            assert await loop.run_in_executor(pool, current_context) == {}  # run_in_executor loses it
            assert await loop.run_in_executor(pool, carry_context(current_context)) == {
                "plan": "k3s", "request_id": "r-3"}
            assert await asyncio.to_thread(current_context) == {"plan": "k3s", "request_id": "r-3"}
    finally:
        pool.shutdown()


def test_text_lines_show_the_context():
    captured = Captured("text", logging.INFO, ())
    try:
        with log_context(plan="k3s", request_id="r-4"):
            captured.logger.info("done 4.1", extra={"story": "4.1"})
    finally:
        captured.close()
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO deliverybot\.test\.\d+: done 4\.1 "
                    r"\[plan=k3s story=4\.1 request_id=r-4\]\n$", captured.text), captured.text


def test_secrets_in_the_arguments_are_redacted(jsonlog):
    jsonlog.logger.info("bot %s app %r secret %s", BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)
    jsonlog.logger.info("%(who)s has %(what)s", {"who": "U1", "what": BOT_TOKEN})
    first, second = jsonlog.entries()
    assert first["message"] == "bot [redacted] app '[redacted]' secret [redacted]"
    assert second["message"] == "U1 has [redacted]"
    assert_no_secret(jsonlog.text)


def test_a_token_inside_a_dict_repr_is_redacted(jsonlog):
    # What slack_sdk, slack_bolt and aiohttp pass to a log call: headers, bodies, responses.
    request = {"headers": {"Authorization": f"Bearer {BOT_TOKEN}", "X-Other": "xoxp-1234-5678-abcdef",
                           "Proxy-Authorization": "Bearer eyJhbGciOi.eyJzdWIi.SflKxwRJ"},
               "data": {"token": "legacy-verification-token", "client_secret": SIGNING_SECRET}}
    jsonlog.logger.debug("Sending a request - %s", request)
    jsonlog.logger.debug(request)  # a dict as the message itself, as Bolt does with bodies
    for entry in jsonlog.entries():
        assert "Bearer [redacted]" in entry["message"]
        assert "'X-Other': '[redacted]'" in entry["message"]
        assert "legacy-verification-token" not in entry["message"] and "SflKxwRJ" not in entry["message"]
    assert_no_secret(jsonlog.text)


def test_an_exception_holding_a_secret_is_redacted(jsonlog):
    try:
        try:
            raise ValueError(f"bad auth {BOT_TOKEN}")
        except ValueError as err:
            raise RuntimeError(f"while connecting with {SIGNING_SECRET}") from err
    except RuntimeError:
        jsonlog.logger.exception("connect failed")
        jsonlog.logger.error("again", exc_info=sys.exc_info(), stack_info=True)
    for entry in jsonlog.entries():
        assert "ValueError: bad auth [redacted]" in entry["exc"]
        assert "RuntimeError: while connecting with [redacted]" in entry["exc"]
    assert "stack" in jsonlog.entries()[1]
    assert_no_secret(jsonlog.text)


@pytest.mark.parametrize("token", [
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",  # bot
    "xoxp-1234-5678-9012-abcdef0123456789",  # user
    "xapp-1-A0123ABCD-1234567890-0123456789abcdef",  # app-level (Socket Mode)
    "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA",  # rotating access token
    "xoxe-1-My0xLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA",  # refresh token
    "xoxa-2-1234-5678-abcdef", "xoxr-1234-abcdef", "xoxs-1234-abcdef",  # legacy kinds
])
def test_any_slack_token_is_redacted_even_one_not_configured(token):
    captured = Captured("text", logging.DEBUG, ())
    try:
        captured.logger.debug("token=%s and in a URL https://x/api?t=%s&u=1", token, token)
    finally:
        captured.close()
    assert token not in captured.text and token[5:] not in captured.text
    assert not ANY_TOKEN.search(captured.text), captured.text


def test_what_slack_sdk_logs_at_debug_is_covered(jsonlog):
    # The lines slack_sdk 3.x writes at DEBUG (slack_sdk/web/async_internal_utils.py,
    # webhook/async_client.py, socket_mode/*): the Socket Mode URL carries a one-time ticket and a
    # response_url or webhook URL lets whoever reads it post as the app.
    jsonlog.logger.debug("Received the following response - status: 200, headers: {}, body: {'ok': True, "
                         "'url': 'wss://wss-primary.slack.com/link/?ticket=5e1f6a2b-aaaa-bbbb&app_id=A0123'}")
    jsonlog.logger.debug("Sending a request - url: https://hooks.slack.com/commands/T0123/4567/AbCdEf0123, "
                         "body: {}, headers: {}")
    jsonlog.logger.debug("Sending a request - url: https://hooks.slack.com/services/T0/B0/XyZ123 body: {}")
    ticket, command, webhook = (e["message"] for e in jsonlog.entries())
    assert "ticket=[redacted]&app_id=A0123" in ticket and "5e1f6a2b" not in ticket
    assert "https://hooks.slack.com/[redacted]," in command and "AbCdEf0123" not in command
    assert "XyZ123" not in webhook


def test_exact_values_are_redacted_url_encoded_too():
    secret = "s3cr3t/with+chars=="
    captured = Captured("text", logging.DEBUG, (secret, "short", ""))
    try:
        captured.logger.info("raw %s, quoted %s, short stays", secret, "s3cr3t%2Fwith%2Bchars%3D%3D")
    finally:
        captured.close()
    assert "s3cr3t" not in captured.text and "short stays" in captured.text


def test_a_log_call_with_bad_arguments_still_hides_the_secret(jsonlog):
    jsonlog.logger.info("two %s %s", BOT_TOKEN)  # one argument missing
    [entry] = jsonlog.entries()
    assert "did not format" in entry["message"]
    assert_no_secret(jsonlog.text)


# -- configure: the root handler, its level, the quiet scheduler ----------------------------------


@pytest.fixture
def root_restored() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("apscheduler").level, sys.excepthook,
             threading.excepthook)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    logging.getLogger("apscheduler").setLevel(saved[2])
    sys.excepthook, threading.excepthook = saved[3], saved[4]
    logging.captureWarnings(False)


@pytest.mark.parametrize(("level", "shown"), [
    ("DEBUG", ["debug", "info", "sched info", "sched warning"]),
    ("INFO", ["info", "sched warning"]),
    ("WARNING", ["sched warning"]),
    ("ERROR", []),
])
def test_configure_honours_the_level_and_keeps_apscheduler_quiet(root_restored, monkeypatch, level, shown):
    monkeypatch.setenv("DELIVERYBOT_LOG_LEVEL", level)
    monkeypatch.setenv("DELIVERYBOT_LOG_FORMAT", "json")
    stream = io.StringIO()
    configure(Settings(), stream=stream, hooks=False)
    log, sched = get_logger("service"), logging.getLogger("apscheduler.executors.default")
    log.debug("debug")
    log.info("info")
    sched.info("sched info")
    sched.warning("sched warning")
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == shown


def test_configure_twice_replaces_its_handler_and_redacts_the_settings_secrets(root_restored, monkeypatch):
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    first, second = io.StringIO(), io.StringIO()
    configure(Settings(), stream=first, hooks=False)
    configure(Settings(), stream=second, hooks=False)
    get_logger("").warning("secret is %s", SIGNING_SECRET)
    assert first.getvalue() == ""
    assert second.getvalue().count("\n") == 1 and "[redacted]" in second.getvalue()
    assert_no_secret(second.getvalue())


def test_an_uncaught_exception_is_logged_not_printed(root_restored):
    stream = io.StringIO()
    configure(fmt="json", stream=stream, secrets=[BOT_TOKEN])
    try:
        raise RuntimeError(f"token {BOT_TOKEN}")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    [entry] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert entry["level"] == "CRITICAL" and "RuntimeError: token [redacted]" in entry["exc"]


def test_the_database_password_is_redacted_too(root_restored):
    from bot.settings import Settings

    stream = io.StringIO()
    configure(Settings(DATABASE_URL="postgresql://deliverybot:s3cret-db-password@db.example:5432/delivery"),
              stream=stream, hooks=False)
    logging.getLogger("deliverybot.test.db").warning("connecting with %s", "password s3cret-db-password")
    assert "s3cret-db-password" not in stream.getvalue() and "[redacted]" in stream.getvalue()


def test_probes_that_went_well_are_not_logged_at_info(root_restored):
    stream = io.StringIO()
    configure(level="INFO", stream=stream, hooks=False)
    access = logging.getLogger("aiohttp.access")
    for line in ('127.0.0.1 [x] "GET /healthz HTTP/1.1" 200 171 "-" "kube-probe/1.31"',
                 '127.0.0.1 [x] "GET /metrics HTTP/1.1" 200 9000 "-" "Prometheus/2"',
                 '127.0.0.1 [x] "GET /readyz HTTP/1.1" 503 245 "-" "kube-probe/1.31"',
                 '127.0.0.1 [x] "POST /slack/events HTTP/1.1" 200 2 "-" "Slackbot"'):
        access.info("%s", line)
    logged = stream.getvalue()
    assert "/healthz" not in logged and "/metrics" not in logged
    assert "/readyz HTTP/1.1\" 503" in logged and "/slack/events" in logged  # failures and Slack still show
    configure(level="DEBUG", stream=stream, hooks=False)
    access.info("%s", '127.0.0.1 [x] "GET /healthz HTTP/1.1" 200 171 "-" "kube-probe/1.31"')
    assert "/healthz" in stream.getvalue()
