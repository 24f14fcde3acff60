"""Two `deliverybot run` processes on one database, both due at the same minute: one digest."""

import os
import socket
import subprocess
import sys
import time

import pytest
from fakeslack import FakeSlack

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import SEED, SLUG, STORIES
from tests.helpers.plans import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def slack():
    fake = FakeSlack.start_in_thread()
    yield fake
    fake.stop()


def test_two_processes_one_digest(new_db_url, slack, tmp_path):
    url = new_db_url()
    store = Store(url)
    import_plan(store, SEED, channel="C0PLAN")
    store.add_lead("lea", "test")
    assert DeliveryService(store).handle("lea", "/team digest 00:00 UTC mon-sun until 23:59").ok
    store.close()
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-two-procs",
           "SLACK_SIGNING_SECRET": "two-procs-secret", "SLACK_API_URL": slack.api_url,
           "PYTHONPATH": str(ROOT), "DELIVERYBOT_LANG": "en"}
    logs = [tmp_path / f"run{i}.log" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path,
                              env={**env, "PORT": str(free_port())}, stdout=subprocess.DEVNULL,
                              stderr=log.open("w")) for log in logs]
    try:
        def outcomes():
            return [log.read_text() for log in logs]
        wait_until(lambda: all("sent (ts" in t or "this process does not post it" in t for t in outcomes()),
                   90, "both schedulers to tick")
        slack.sync(slack.wait_for("files.completeUploadExternal", 1, timeout=60))
        texts = outcomes()
        assert sum("sent (ts" in t for t in texts) == 1, texts
        assert sum("this process does not post it" in t for t in texts) == 1, texts
        mains = [c for c in slack.calls_to("chat.postMessage", ok=True) if "thread_ts" not in c.args]
        assert len(mains) == 1 and mains[0].args["channel"] == "C0PLAN"
        assert f"0/{STORIES} done" in mains[0].args["text"]
        runs = Store(url).digest_runs(SLUG)
        assert [r.status for r in runs] == ["sent"]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
