"""The digest's fault matrix: whatever Slack or the process does, each plan-day ends with exactly
one main message, one thread message and one picture in its thread.

Slack answering 500 (after posting, or not), with an HTML page, timing out, down for an hour, a
`deliverybot digest --post` process SIGKILLed by the fake at each step, two replicas on one
database, `/digest post` twice. The fake Slack keeps what a real one would: messages with their
metadata (conversations.history / .replies), file shares in threads.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from fakeslack import FakeSlack
from sqlalchemy import update

from bot.bootstrap import import_plan
from bot.digest.job import DigestJob
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.digest_post import SlackDigest
from storage.store import Store
from storage.tables import DIGEST_RUNS
from tests.helpers.bot import SEED, SLUG
from tests.helpers.plans import ROOT

CHANNEL = "C0PLAN"
DAY = date(2026, 12, 1)
NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def is_main(args: dict) -> bool:
    return "thread_ts" not in args


def is_thread(args: dict) -> bool:
    return "thread_ts" in args


def part(message: dict) -> str | None:
    return ((message.get("metadata") or {}).get("event_payload") or {}).get("part")


def assert_one_digest(slack: FakeSlack, store: Store, day: date = DAY) -> None:
    mains = [m for m in slack.messages if m["channel"] == CHANNEL and "thread_ts" not in m]
    threads = [m for m in slack.messages if m.get("thread_ts") and part(m) == "details"]
    pictures = slack.file_shares
    assert (len(mains), len(threads), len(pictures)) == (1, 1, 1), (mains, threads, pictures)
    assert part(mains[0]) == "main" and mains[0]["metadata"]["event_payload"]["date"] == day.isoformat()
    ts = mains[0]["ts"]
    assert threads[0]["thread_ts"] == ts and pictures[0]["thread_ts"] == ts
    run = store.digest_run(SLUG, day)
    assert (run.status, run.message_ts, run.stage) == ("sent", ts, "picture")


def new_service(url: str, *, seed: bool = True) -> DeliveryService:
    store = Store(url)
    if seed:
        import_plan(store, SEED, channel=CHANNEL)
        store.add_lead("lea", "test")
    service = DeliveryService(store)
    if seed:
        assert service.handle("lea", "/team digest 09:00 UTC mon-fri").ok
    return service


def job_for(service: DeliveryService, slack: FakeSlack, owner: str | None = None) -> DigestJob:
    client = build_client(Settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.api_url))
    client.timeout = 1  # seconds: a stalled answer is a timeout
    return DigestJob(service, SlackDigest(client, service), owner=owner)


async def tick_until_sent(job: DigestJob, start: datetime = NINE, minutes: int = 10) -> list[str]:
    outcomes = []
    for n in range(minutes):
        outcomes.append((await job.tick(start + timedelta(minutes=n)))[SLUG])
        if outcomes[-1] == "sent":
            break
    return outcomes


FAULTS = {
    # Slack posted the main message, then answered 500: found in the history, not posted again
    "main-500-after-posting": lambda s: s.fail("chat.postMessage", "internal_error", status=500, after=True,
                                               match=is_main),
    "main-500-nothing-posted": lambda s: s.fail("chat.postMessage", "internal_error", status=500, match=is_main),
    "main-500-html-page": lambda s: s.fail("chat.postMessage", "internal_error", status=500,
                                           text="<html><body>Internal Server Error</body></html>", match=is_main),
    "main-timeout": lambda s: s.stall("chat.postMessage", 1.5, match=is_main),
    "thread-500-after-posting": lambda s: s.fail("chat.postMessage", "internal_error", status=500, after=True,
                                                 match=is_thread),
    "thread-timeout": lambda s: s.stall("chat.postMessage", 1.5, match=is_thread),
    "picture-500-after-posting": lambda s: s.fail("files.completeUploadExternal", "internal_error", status=500,
                                                  after=True),
    "history-500-too": lambda s: (s.fail("chat.postMessage", "internal_error", status=500, after=True, match=is_main),
                                  s.fail("conversations.history", "internal_error", status=500)),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_an_ambiguous_failure_at_any_step_still_gives_one_digest(fault, tmp_path):
    async with FakeSlack() as slack:
        service = new_service(f"sqlite:///{tmp_path}/bot.db")
        FAULTS[fault](slack)
        outcomes = await tick_until_sent(job_for(service, slack))
        assert outcomes[0] == "unconfirmed" and outcomes[-1] == "sent", outcomes
        assert_one_digest(slack, service.store)
        assert (await job_for(service, slack).tick(NINE + timedelta(minutes=30)))[SLUG] == "already-sent"


async def test_slack_down_for_an_hour_then_one_digest(tmp_path):
    async with FakeSlack() as slack:
        service = new_service(f"sqlite:///{tmp_path}/bot.db")
        slack.fail("chat.postMessage", "internal_error", status=500, after=True, match=is_main)
        slack.fail("conversations.history", "service_unavailable", status=503, times=59)
        outcomes = await tick_until_sent(job_for(service, slack), minutes=90)
        assert outcomes[:60] == ["unconfirmed"] * 60 and outcomes[60:] == ["sent"], outcomes
        assert_one_digest(slack, service.store)


async def test_two_replicas_with_slack_failing_send_one_digest(new_db_url):
    url = new_db_url()
    async with FakeSlack() as slack:
        one = new_service(url)
        two = new_service(url, seed=False)
        slack.fail("chat.postMessage", "internal_error", status=500, after=True, match=is_main)
        slack.stall("files.completeUploadExternal", 1.5)
        jobs = [job_for(one, slack, owner="pod-a"), job_for(two, slack, owner="pod-b")]
        for n in range(40):  # both tick every minute, at the same time; the lease is 10 minutes
            now = NINE + timedelta(minutes=n)
            await asyncio.gather(*(job.tick(now) for job in jobs))
        assert_one_digest(slack, one.store)


async def test_a_live_claim_is_never_taken_over_before_its_lease_ends(tmp_path):
    async with FakeSlack() as slack:
        service = new_service(f"sqlite:///{tmp_path}/bot.db")
        token = service.store.start_digest(SLUG, DAY, "pod-a", channel=CHANNEL, at=NINE, lease=timedelta(minutes=10))
        assert token
        job = job_for(service, slack, owner="pod-b")
        assert (await job.tick(NINE + timedelta(minutes=9)))[SLUG] == "claimed-elsewhere"
        assert slack.calls == []
        assert (await job.tick(NINE + timedelta(minutes=10)))[SLUG] == "sent"  # pod-a died: pod-b resumes
        assert not service.store.advance_digest(SLUG, DAY, token, at=NINE, lease=timedelta(minutes=10))
        assert_one_digest(slack, service.store)


# ------------------------------------------------------------------ real processes, killed


def end_leases(url: str) -> None:
    """As if the lease of the killed process ran out (10 minutes later)."""
    store = Store(url)
    with store.engine.begin() as conn:
        conn.execute(update(DIGEST_RUNS).values(lease_until=datetime(2000, 1, 1, tzinfo=UTC)))
    store.close()


def digest_post(env: dict, cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "digest", "--post"], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def post_in_process(url: str, slack: FakeSlack):
    """What `deliverybot digest --post` does, in this process."""
    from bot.digest.cron import post_now

    settings = Settings(SLACK_BOT_TOKEN="xoxb-cron", SLACK_API_URL=slack.api_url)
    return asyncio.run(post_now(settings, DeliveryService(Store(url)), SLUG))


KILLS = {
    "at-claim": ("chat.postMessage", False, is_main),  # claimed, nothing posted yet
    "after-main": ("chat.postMessage", True, is_main),
    "after-thread": ("chat.postMessage", True, is_thread),
    "after-picture": ("files.completeUploadExternal", True, None),
}


@pytest.fixture
def slack_thread():
    fake = FakeSlack.start_in_thread()
    yield fake
    fake.stop()


@pytest.fixture
def cron_env(slack_thread, tmp_path):
    url = f"sqlite:///{tmp_path}/bot.db"
    store = Store(url)
    import_plan(store, SEED, channel=CHANNEL)
    store.add_lead("lea", "test")
    assert DeliveryService(store).handle("lea", "/team digest 00:00 UTC mon-sun until 23:59").ok
    store.close()
    return url, {"PATH": os.environ["PATH"], "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-cron",
                 "SLACK_API_URL": slack_thread.api_url, "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("step", list(KILLS))
def test_digest_post_killed_at_each_step_is_resumed_into_one_digest(step, slack_thread, cron_env, tmp_path):
    url, env = cron_env
    method, after, match = KILLS[step]
    proc = digest_post(env, tmp_path)
    slack_thread.kill_on(method, proc.pid, after=after, match=match)
    proc.communicate(timeout=60)
    assert proc.returncode == -9
    end_leases(url)
    done = post_in_process(url, slack_thread)  # `digest --post` again (in-process: quicker)
    assert done.sent and "posted in C0PLAN" in done.message, done
    today = Store(url).digest_runs(SLUG)[-1].local_date
    assert_one_digest(slack_thread, Store(url), today)


def test_digest_post_when_slack_answers_500_is_a_sentence_then_resumes(slack_thread, cron_env, tmp_path):
    url, env = cron_env
    slack_thread.fail("chat.postMessage", "internal_error", status=500, after=True,
                      text="<html><body>Internal Server Error</body></html>", match=is_main)
    failed = digest_post(env, tmp_path)
    _, err = failed.communicate(timeout=60)
    assert failed.returncode != 0 and "Traceback" not in err and "not confirmed" in err, err
    assert "HTTP 500" in err
    done = post_in_process(url, slack_thread)  # its lease was let go: no wait
    assert done.sent and "posted in C0PLAN" in done.message, done
    again = post_in_process(url, slack_thread)
    assert not again.sent and "already posted in C0PLAN (ts " in again.message, again
    today = Store(url).digest_runs(SLUG)[-1].local_date
    assert_one_digest(slack_thread, Store(url), today)
