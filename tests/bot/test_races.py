"""Twenty people approving the same story at once: one transition, one event, nineteen clear refusals.

Threads share one process and one engine; processes are real `deliverybot cmd` runs, each with
its own connection, exactly as scripts in a CI pipeline would race.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import SEED

LINK = "https://ci.example.com/run/7"
RACERS = 20


def story_in_review(url: str) -> DeliveryService:
    """The seed with 4.1 in review (its prerequisites done through the service)."""
    service = DeliveryService(Store(url))
    import_plan(service.store, SEED)
    service.store.add_lead("lea", "test")
    for sid in ("1.1", "1.3", "2.1", "2.2", "4.1"):
        assert service.handle("dev", f"/start {sid}").ok
        assert service.handle("dev", f"/review {sid} {LINK}").ok
        if sid != "4.1":
            assert service.handle("rev", f"/done {sid} {LINK}").ok
    return service


def done_events(service: DeliveryService) -> list:
    return [e for e in service.store.events("k3s-mono-pgsql", "4.1") if e.action == "done"]


def test_twenty_threads_one_winner(new_db_url):
    service = story_in_review(new_db_url())
    with ThreadPoolExecutor(RACERS) as pool:
        replies = list(pool.map(lambda i: service.handle(f"rev{i}", f"/done 4.1 {LINK}"), range(RACERS)))
    winners = [r for r in replies if r.ok]
    assert len(winners) == 1
    winner = winners[0].text.split("approved by @")[1].split(" ")[0]
    for loser in (r for r in replies if not r.ok):
        assert f"done (approved by @{winner})" in loser.text or f"done by @{winner}" in loser.text, loser.text
    assert len(done_events(service)) == 1
    assert service.store.status("k3s-mono-pgsql", "4.1").state == "done"


def test_twenty_processes_one_winner(new_db_url, tmp_path):
    url = new_db_url()
    service = story_in_review(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = url
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "cmd", "--as", f"rev{i}", "--json", f"/done 4.1 {LINK}"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(RACERS)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0] + [1] * (RACERS - 1), [r[2][-300:] for r in results if r[0] not in (0, 1)]
    for code, out, _ in results:
        if code == 1:
            assert "done" in out and "approved by @rev" in out or "done by @rev" in out
    assert len(done_events(service)) == 1
