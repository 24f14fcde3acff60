"""Fault injection through real processes: what a person sees, what /readyz says, and that no
acknowledged write is lost, when the database is read-only, corrupt, missing, full, deleted,
or unreachable.

- Command line (`cmd`, `console`, `export`, `import`, `plan …`): one line on stderr naming the
  problem and what to do, exit 3 (README "Command line"), never a traceback, nothing written.
- `deliverybot run` (HTTP mode against FakeSlack): it logs the line and keeps serving; the
  person gets "deliverybot can't save right now (…); nothing was changed — try again" through the
  response_url; /readyz is 503 naming the problem (/healthz stays 200: a restart fixes none of
  these) and 200 again once the fault is gone.

How each fault is made, without root tricks where possible:
- read-only: tests run as root here, and root writes through `chmod 0444`; the file is made
  immutable with `chattr +i` instead (skipped where chattr is refused). As another user, chmod.
- full disk: the running process's file-size limit (`prlimit`, RLIMIT_FSIZE, as `ulimit -f`) is
  lowered to the current size of its SQLite WAL, so its next write can't grow it (SQLite reports
  "disk I/O error" for EFBIG; storage/errors.py tells it is a full disk from the limit).
- PostgreSQL down: the bot talks to PostgreSQL through a small TCP proxy in this test, stopped
  (its listener and every open connection closed) and started again on the same port.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from fakeslack import FakeSlack

from bot.bootstrap import import_plan
from storage.store import Store
from tests.bot.test_run_modes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Proc,
    base_env,
    free_port,
    post_signed,
    wait_until,
)
from tests.helpers.bot import SEED

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses POSIX process limits and signals")

REPO = Path(__file__).resolve().parents[2]
LINK = "https://git.example.com/infra/pull/42"
POSTGRES_ENV = "DELIVERYBOT_TEST_POSTGRES_URL"
EXIT_DATABASE = 3


def seeded(path: Path) -> str:
    """A SQLite database holding the seed plan (lea is a lead); its URL."""
    url = f"sqlite:///{path}"
    store = Store(url)
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    store.close()
    return url


def count_events(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def cli(url: str, cwd: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "DATABASE_URL": url,
           "DELIVERYBOT_LANG": "en"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def assert_one_sentence(result: tuple[int, str, str], *words: str) -> None:
    code, out, err = result
    assert "Traceback" not in out + err, err
    # Besides the one line, only what the command says anyway: a plan's findings, indented.
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(("(first run", "  "))]
    assert code == EXIT_DATABASE, (code, out, err)
    assert len(lines) == 1 and lines[0].startswith("deliverybot: "), err
    for word in words:
        assert word in lines[0], lines[0]


def make_read_only(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("root writes through chmod 0444, and chattr +i is not available here")


def undo_read_only(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        path.chmod(0o644)


def test_the_command_line_says_each_fault_in_one_line_and_exits_3(tmp_path):
    good = tmp_path / "good" / "deliverybot.db"
    url = seeded(good)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not SQLite" + os.urandom(8000))
    (tmp_path / "a-file").write_text("a file where a directory should be")
    backup = tmp_path / "backup.json"
    backup.write_text("{}")
    missing_dir = f"sqlite:///{tmp_path / 'a-file' / 'data' / 'deliverybot.db'}"
    closed = free_port()
    unreachable = f"postgresql://bot:s3cret@127.0.0.1:{closed}/deliverybot"
    cases = [
        (f"sqlite:///{corrupt}", ("cmd", "--as", "lea", "/board"), ("not a readable SQLite database", "backup")),
        (f"sqlite:///{corrupt}", ("export",), ("corrupt",)),
        (f"sqlite:///{corrupt}", ("import", str(backup)), ("corrupt",)),
        (f"sqlite:///{corrupt}", ("console", "--as", "lea"), ("corrupt",)),
        (missing_dir, ("export",), ("can't be opened", "directory")),
        (unreachable, ("cmd", "--as", "lea", "/start 1.1"), (f"127.0.0.1:{closed}", "can't be reached",
                                                              "check that PostgreSQL is up")),
    ]
    if os.environ.get(POSTGRES_ENV):
        base = os.environ[POSTGRES_ENV].split("?")[0].rsplit("/", 1)[0]
        cases.append((f"{base}/deliverybot_no_such_db_{uuid.uuid4().hex[:6]}", ("export",), ("does not exist",)))
    read_only = (str(good), "is read-only", "permissions")
    cases += [(url, ("cmd", "--as", "lea", "/start 1.1"), read_only), (url, ("plan", "import", str(SEED)), read_only)]
    before = count_events(good)
    make_read_only(good)  # reads still answer; every write is refused in one line, nothing is written
    try:
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(lambda case: cli(case[0], tmp_path, *case[1], stdin="/quit\n"), cases))
    finally:
        undo_read_only(good)
    for (_url, args, words), result in zip(cases, results, strict=True):
        assert_one_sentence(result, *words)
        assert "s3cret" not in result[2], args
    assert count_events(good) == before
    code, _out, err = cli(url, tmp_path, "cmd", "--as", "lea", "/start 1.1")
    assert code == 0, err  # writable again: the same command goes through
    assert count_events(good) == before + 1


# -- deliverybot run --------------------------------------------------------------------------------


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


class Bot:
    """`deliverybot run` in HTTP mode against FakeSlack; `say` types a command and returns what the
    person reads (the response_url's text)."""

    def __init__(self, tmp_path: Path, slack: FakeSlack, url: str) -> None:
        self.slack = slack
        self.port = free_port()
        env = base_env(tmp_path, DATABASE_URL=url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                       SLACK_API_URL=slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1", PORT=str(self.port))
        self.proc = Proc(env, cwd=tmp_path)
        self.proc.wait_stderr("HTTP mode")

    def say(self, user: str, command: str, text: str) -> str:
        payload = self.slack.slash_command(command, text, user_id=user, channel_id="C0PLAN")
        started = time.monotonic()
        assert post_signed(f"http://127.0.0.1:{self.port}/slack/events", payload, SIGNING_SECRET, self.slack) == 200
        posts = self.slack.sync(self.slack.wait_for_responses(payload["response_url"], timeout=20), timeout=25)
        assert time.monotonic() - started < 15, "the person waited too long for an answer"
        return str(posts[0].body["text"])

    def ready(self) -> tuple[int, dict]:
        return get_json(f"http://127.0.0.1:{self.port}/readyz")

    def live(self) -> int:
        return get_json(f"http://127.0.0.1:{self.port}/healthz")[0]

    def stop(self) -> str:
        code = self.proc.stop()
        assert code == 0, self.proc.stderr
        assert "Traceback" not in self.proc.stderr, self.proc.stderr
        return self.proc.stderr


@pytest.fixture
def slack():
    fake = FakeSlack.start_in_thread()
    try:
        yield fake
    finally:
        fake.stop()


CANT_SAVE = "deliverybot can't save right now ("
NOTHING = "nothing was changed — try again"


def test_run_through_a_full_disk_then_a_deleted_file(tmp_path, slack):
    db = tmp_path / "run.db"
    wal = tmp_path / "run.db-wal"
    bot = Bot(tmp_path, slack, f"sqlite:///{db}")
    try:
        assert "started 1.1" in bot.say("U0ANN", "/start", "1.1")
        acknowledged = 1

        # The disk is full (the process may not grow its files): refused in words, not ready.
        pid = bot.proc.popen.pid
        soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (wal.stat().st_size, hard))
        said = bot.say("U0ANN", "/review", f"1.1 {LINK}")
        assert said.startswith(CANT_SAVE) and NOTHING in said, said
        assert "is full" in said and "free some space" in said
        status, report = bot.ready()
        assert status == 503 and report["database"] == "full", report
        assert bot.live() == 200  # liveness: restarting would not free the disk
        bot.proc.wait_stderr("database unavailable: the disk holding")

        # Space again: ready again by itself, and the same command goes through.
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
        wait_until(lambda: bot.ready()[0] == 200, "ready once the disk has room")
        assert "is in review" in bot.say("U0ANN", "/review", f"1.1 {LINK}")
        acknowledged += 1

        # The file is deleted under the running bot: nothing goes into the void.
        kept = tmp_path / "kept.db"
        shutil.copy(db, kept)  # what a backup would hold; the WAL is not copied: only committed pages
        wal_before = wal.stat().st_size
        db.unlink()
        said = bot.say("U0BOB", "/done", f"1.1 {LINK}")
        assert said.startswith(CANT_SAVE) and "was deleted" in said and "restart" in said, said
        assert wal.stat().st_size == wal_before, "a write went into the deleted database"
        status, report = bot.ready()
        assert status == 503 and report["database"] == "deleted"
        stderr = bot.stop()
    finally:
        bot.proc.kill()
    assert "database unavailable: the database file" in stderr and "was deleted" in stderr
    # No acknowledged write lost: the WAL left beside the deleted file holds both, read back here.
    shutil.copy(kept, db)
    with sqlite3.connect(db) as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM events WHERE story_id = '1.1' ORDER BY id")]
    assert actions == ["start", "review"] and len(actions) == acknowledged


class Proxy:
    """A TCP proxy to PostgreSQL that can be stopped (listener and open connections closed) and started."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.conns: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):  # wakes the accept() of the other thread (close alone won't)
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@pytest.fixture
def postgres_schema():
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"needs {POSTGRES_ENV}")
    from sqlalchemy import create_engine, make_url

    admin = create_engine("postgresql+psycopg://" + base.split("://", 1)[1])
    schema = f"dbt_fault_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield make_url(base), schema, admin
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_run_through_a_postgresql_outage(tmp_path, slack, postgres_schema):
    url, schema, admin = postgres_schema
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    via_proxy += ("&" if "?" in via_proxy else "?") + f"options={quote(f'-csearch_path={schema}')}"
    bot = Bot(tmp_path, slack, via_proxy)
    try:
        assert "started 1.1" in bot.say("U0ANN", "/start", "1.1")
        proxy.stop()
        said = bot.say("U0ANN", "/review", f"1.1 {LINK}")  # within 15 s, not a 404 after 23
        assert said.startswith(CANT_SAVE) and NOTHING in said and "can't be reached" in said, said
        status, report = bot.ready()
        assert status == 503 and report["database"] == "unreachable", report
        assert bot.live() == 200
        proxy.start()
        wait_until(lambda: bot.ready()[0] == 200, "ready once PostgreSQL answers again")
        assert "is in review" in bot.say("U0ANN", "/review", f"1.1 {LINK}")
        stderr = bot.stop()
    finally:
        bot.proc.kill()
        proxy.stop()
    assert "database unavailable: the database server" in stderr
    with admin.begin() as conn:
        actions = [row[0] for row in conn.exec_driver_sql(
            f'SELECT action FROM "{schema}".events WHERE story_id = \'1.1\' ORDER BY id')]
    assert actions == ["start", "review"]  # both acknowledged writes, and only them
