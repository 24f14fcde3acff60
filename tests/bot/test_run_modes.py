"""`deliverybot run` as a real process: console, HTTP or Socket Mode, chosen from the environment.

Each case starts `python -m bot.cli run` in an empty directory with an environment holding only
PATH and what the case sets (so no developer token can leak in), a fresh SQLite database, and, for
the Slack modes, SLACK_API_URL pointing at a FakeSlack served from a thread. The process is stopped
with SIGTERM (as Docker and systemd stop it) or SIGINT (Ctrl-C), and must exit 0. No token value may
ever be printed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fakeslack import FakeSlack

from tests.helpers.slack import shown_on_ack

REPO = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-0000-runmode-bot-token-must-not-print"
APP_TOKEN = "xapp-1-A0000-runmode-app-token-must-not-print"
SIGNING_SECRET = "runmode-signing-secret-must-not-print"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)
WAIT = 30.0  # seconds: generous for a loaded 2-core machine; every wait ends as soon as it can

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses POSIX signals")


class Proc:
    """A running `deliverybot run` whose stdout and stderr are collected by reader threads."""

    def __init__(self, env: dict[str, str], cwd: Path, stdin: str | None = None) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=self._drain, args=(self.popen.stdout, self._out), daemon=True),
            threading.Thread(target=self._drain, args=(self.popen.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        if stdin is not None:
            self.popen.stdin.write(stdin)
            self.popen.stdin.close()

    @staticmethod
    def _drain(stream, sink: list[str]) -> None:
        for line in iter(stream.readline, ""):
            sink.append(line)
        stream.close()

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def wait_stderr(self, text: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"{text!r} not on stderr (exit {self.popen.poll()}).\nstderr:\n{self.stderr}\nstdout:\n{self.stdout}"
                )
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = WAIT) -> int:
        """Send `sig`, then wait for the exit; returns the exit code (kills and fails on a hang)."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        return self.finish(timeout)

    def finish(self, timeout: float = WAIT) -> int:
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)
            raise AssertionError(
                f"deliverybot did not exit within {timeout} s.\nstderr:\n{self.stderr}"
            ) from None
        for reader in self._readers:
            reader.join(10)
        return code

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),  # works whether or not the package is installed in the venv
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "DELIVERYBOT_LANG": "en",  # the assertions are English; the bundled plan is French
    }
    env.update(extra)
    return env


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode()


def post_signed(url: str, form: dict[str, str], secret: str, slack: FakeSlack | None = None) -> int:
    """A signed POST over real HTTP; with `slack`, a message in the answer to a slash command is
    shown as Slack shows it (with the command's response_url posts)."""
    body = urlencode(form)
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            if slack is not None:
                shown_on_ack(slack, form, resp.read())
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def wait_until(predicate, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def assert_no_secret(proc: Proc) -> None:
    for value in SECRETS:
        assert value not in proc.stdout, "a token was printed on stdout"
        assert value not in proc.stderr, "a token was printed on stderr"
        # Not even a recognisable chunk of it (a token cut in half is still a leak).
        assert value[-16:] not in proc.stdout + proc.stderr


@pytest.fixture
def fake_slack_thread():
    slack = FakeSlack.start_in_thread()
    try:
        yield slack
    finally:
        slack.stop()


def test_no_tokens_starts_the_console(tmp_path):
    proc = Proc(base_env(tmp_path), cwd=tmp_path, stdin="/unblocked\n/quit\n")
    try:
        code = proc.finish()
    finally:
        proc.kill()
    assert code == 0, proc.stderr
    assert "starting the local console" in proc.stderr
    assert "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_APP_TOKEN" in proc.stderr
    assert "SLACK_SIGNING_SECRET" in proc.stderr
    assert "1.1 baseline hardening" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "run.db").exists(), "DATABASE_URL was not used"


def test_bot_token_and_signing_secret_serve_http(tmp_path, fake_slack_thread):
    slack = fake_slack_thread
    port = free_port()
    env = base_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack_thread.api_url,
        SLACK_RESPONSE_URL_HOSTS="127.0.0.1",
        PORT=str(port),
    )
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("HTTP mode")
        assert f":{port}/slack/events" in proc.stderr
        assert "Socket Mode" not in proc.stderr

        status, ctype, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        assert ctype.startswith("application/json")
        assert json.loads(body) == {"ok": True}  # liveness: the process answers
        status, _ctype, body = get(f"http://127.0.0.1:{port}/readyz")
        ready = json.loads(body)
        assert status == 200 and ready["database"] == "ok" and "slack" not in ready  # HTTP mode: no socket
        assert ready["plans"] == 1  # the bundled plan, imported on first run

        status, ctype, body = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert ctype.startswith("text/plain")
        assert "# TYPE deliverybot_requests_total counter" in body
        assert "# HELP deliverybot_service_seconds" in body

        # Slack's requests are checked with SLACK_SIGNING_SECRET, and answered.
        events = f"http://127.0.0.1:{port}/slack/events"
        payload = slack.slash_command("/unblocked", user_id="U0ANN", channel_id="C0PLAN")
        assert post_signed(events, payload, "not-the-secret") == 401
        assert post_signed(events, payload, SIGNING_SECRET, slack) == 200
        posts = slack.sync(slack.wait_for_responses(payload["response_url"], timeout=WAIT), timeout=WAIT + 5)
        assert len(posts) == 1 and "1.1" in posts[0].body["text"]

        code = proc.stop(signal.SIGINT)  # Ctrl-C; SIGTERM is tested in Socket Mode
    finally:
        proc.kill()
    assert code == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert slack.calls_to("apps.connections.open") == []  # HTTP mode opens no socket
    assert_no_secret(proc)


def test_http_mode_on_two_worker_processes_serves_from_both_and_stops_whole(tmp_path, fake_slack_thread):
    """DELIVERYBOT_WEB_WORKERS=2: one port, two real worker processes answering signed commands
    (each with its own cache, right by the change counter: a move made through one is seen by
    the next read whichever answers), SIGTERM stops them all; a worker that dies takes the rest
    down, so the pod restarts whole."""
    slack = fake_slack_thread
    port = free_port()
    env = base_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1", PORT=str(port),
                   DELIVERYBOT_WEB_WORKERS="2")
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("HTTP mode on 2 worker processes")
        line = next(ln for ln in proc.stderr.splitlines() if "worker processes (" in ln)
        workers = [int(pid) for pid in line.split("(")[-1].rstrip(")").split(", ")]
        assert len(workers) == 2 and all(Path(f"/proc/{pid}").exists() for pid in workers)
        events = f"http://127.0.0.1:{port}/slack/events"
        wait_until(lambda: _status(f"http://127.0.0.1:{port}/readyz") == 200, "ready")

        def command(text: str, user: str = "U0ANN") -> str:
            payload = slack.slash_command("/" + text.split()[0], " ".join(text.split()[1:]), user_id=user,
                                          channel_id="C0PLAN")
            assert post_signed(events, payload, SIGNING_SECRET, slack) == 200
            posts = slack.sync(slack.wait_for_responses(payload["response_url"], timeout=WAIT), timeout=WAIT + 5)
            return posts[0].body["text"]

        assert "started 1.1" in command("start 1.1")
        for _ in range(8):  # whichever worker answers, it knows 1.1 is taken
            assert "1.1" in command("board 1.1") and "in progress" in command("board 1.1")
        code = proc.stop(signal.SIGTERM)
    finally:
        proc.kill()
    assert code == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
                   for pid in workers)


def test_a_worker_that_dies_stops_the_others(tmp_path, fake_slack_thread):
    port = free_port()
    env = base_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=fake_slack_thread.api_url, PORT=str(port), DELIVERYBOT_WEB_WORKERS="2")
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("HTTP mode on 2 worker processes")
        line = next(ln for ln in proc.stderr.splitlines() if "worker processes (" in ln)
        first = int(line.split("(")[-1].split(",")[0])
        os.kill(first, signal.SIGKILL)
        code = proc.finish()
    finally:
        proc.kill()
    assert code == 1  # not a clean stop: the orchestrator restarts it


def test_bot_and_app_tokens_connect_in_socket_mode(tmp_path, fake_slack_thread):
    slack = fake_slack_thread
    port = free_port()
    env = base_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.api_url,
        SLACK_RESPONSE_URL_HOSTS="127.0.0.1",
        PORT=str(port),
    )
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("Socket Mode")
        slack.sync(slack.wait_socket_connected(timeout=WAIT), timeout=WAIT + 5)
        opened = slack.calls_to("apps.connections.open", ok=True)
        assert len(opened) == 1
        assert opened[0].token == APP_TOKEN

        # The connection is live: a slash command envelope is acked and answered.
        payload = slack.slash_command("/unblocked", user_id="U0ANN", channel_id="C0PLAN")
        envelope = slack.sync(slack.socket_send("slash_commands", payload))
        slack.sync(slack.socket_ack(envelope, timeout=WAIT), timeout=WAIT + 5)
        posts = slack.sync(slack.wait_for_responses(payload["response_url"], timeout=WAIT), timeout=WAIT + 5)
        assert "1.1" in posts[0].body["text"]

        # Health is served in Socket Mode too, and readiness says the socket is up.
        status, _ctype, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and json.loads(body)["ok"] is True
        status, _ctype, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and json.loads(body)["slack"] == "connected"

        code = proc.stop(signal.SIGTERM)  # what `docker stop` sends (the image runs Socket Mode)
    finally:
        proc.kill()
    assert code == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    wait_until(lambda: not slack._open_sockets(), "the app closes its WebSocket when it stops")
    assert_no_secret(proc)


@pytest.mark.parametrize(("given", "named"), [
    ({"SLACK_BOT_TOKEN": BOT_TOKEN}, ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")),
    ({"SLACK_APP_TOKEN": APP_TOKEN}, ("SLACK_BOT_TOKEN",)),
    ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, ("SLACK_BOT_TOKEN",)),
])
def test_a_half_slack_configuration_exits_2_naming_what_is_missing(tmp_path, given, named):
    """Not the console (which would exit 0 at once: a restart loop in a pod)."""
    proc = Proc(base_env(tmp_path, **given), cwd=tmp_path)
    try:
        code = proc.finish()
    finally:
        proc.kill()
    assert code == 2, proc.stderr
    assert "incomplete Slack configuration" in proc.stderr and all(name in proc.stderr for name in named)
    assert "local console" not in proc.stderr and "Traceback" not in proc.stderr
    assert_no_secret(proc)


def test_sigterm_stops_socket_mode_within_10_s_while_slack_is_unreachable(tmp_path):
    port, closed = free_port(), free_port()  # nothing listens on `closed`: Slack can't be reached
    env = base_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                   SLACK_API_URL=f"http://127.0.0.1:{closed}/api/", PORT=str(port))
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("connecting to Slack in Socket Mode")
        wait_until(lambda: _status(f"http://127.0.0.1:{port}/readyz") == 503, "not ready while Slack is unreachable")
        started = time.monotonic()
        code = proc.stop(signal.SIGTERM, timeout=10)
        took = time.monotonic() - started
    finally:
        proc.kill()
    assert code == 0 and took < 10, (took, proc.stderr)
    assert "connected to Slack in Socket Mode" not in proc.stderr
    assert_no_secret(proc)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


def test_sigterm_in_http_mode_turns_not_ready_then_stops(tmp_path, fake_slack_thread):
    """A rolling update: the pod says it is not ready before it stops listening."""
    port = free_port()
    env = base_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=fake_slack_thread.api_url, PORT=str(port))
    proc = Proc(env, cwd=tmp_path)
    try:
        proc.wait_stderr("HTTP mode")
        assert _status(f"http://127.0.0.1:{port}/readyz") == 200
        started = time.monotonic()
        proc.popen.send_signal(signal.SIGTERM)
        wait_until(lambda: _status(f"http://127.0.0.1:{port}/readyz") == 503, "not ready once stopping", timeout=5)
        assert _status(f"http://127.0.0.1:{port}/healthz") == 200  # still alive while it drains
        code = proc.finish(timeout=10)
        took = time.monotonic() - started
    finally:
        proc.kill()
    assert code == 0 and took < 10, (took, proc.stderr)


def test_sigterm_before_the_server_is_up_stops_the_process(tmp_path):
    """The console (or migrations waiting on a lock) must not ignore SIGTERM as PID 1 would."""
    console = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=base_env(tmp_path),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # stdin stays open: the console waits for a line, as it does in a container with a TTY
        assert console.stdout is not None
        while "deliverybot console" not in console.stdout.readline():
            assert console.poll() is None, "the console exited before the signal"
        console.send_signal(signal.SIGTERM)
        code = console.wait(10)
    finally:
        if console.poll() is None:
            console.kill()
    assert code == 0
    assert "Traceback" not in (console.stderr.read() if console.stderr else "")
