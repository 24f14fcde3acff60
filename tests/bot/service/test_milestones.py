"""Checkpoints and incidents where people look: the digest (an open incident's age in work days, and
a day with one open is not quiet), App Home's data, the picture's marks; and a move that reaches
nothing passes through unchanged."""

from datetime import UTC, datetime, timedelta

from bot.render.digest_text import digest_details_text, digest_summary_text
from bot.render.plain import plain
from bot.service.milestones import picture_part
from tests.helpers.milestones import CHECKPOINTS, Clock, deliver, label, ok, seeded

FRIDAY = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)


def test_the_digest_shows_open_incidents_with_their_age_in_work_days(tmp_path):
    clock = Clock(FRIDAY)
    service = seeded(tmp_path, clock)
    ok(service, "ann", "/incident critical the PV was lost on 4.1")
    ok(service, "ann", "/incident minor flaky CI")
    tuesday = FRIDAY + timedelta(days=4)
    data = service.digest(now=tuesday)
    assert [(r["incident"], r["age_workdays"]) for r in data["incidents"]] == [("INC-1", 2), ("INC-2", 2)]
    assert data["headline"].endswith(" · 1 critical incident open") and not data["quiet"]
    summary = plain(digest_summary_text(data)).split("\n")
    assert "🚨 Incidents open: 2 — INC-1 critical on 4.1 (2 work days) · INC-2 minor (2 work days)" in summary
    details = plain(digest_details_text(data))
    assert f"  • 🚨 INC-1 critical on {label('4.1')} — the PV was lost (@ann, 2 work days open) — holds checkpoint C" \
        in details
    assert "🚨 Incidents open: 2" in details
    assert "C 0/4 ⛔ INC-1" in plain(digest_summary_text(data))


def test_the_digest_says_which_checkpoints_are_reached_and_validated(service):
    deliver(service, CHECKPOINTS["A"][0])
    data = service.digest()
    rows = {c["name"]: c for c in data["checkpoints"]}
    assert rows["A"]["reached"] and not rows["A"]["validated"]
    assert rows["A"]["proofs"] == CHECKPOINTS["A"][1]  # what the plan expects, as written
    n = len(CHECKPOINTS["A"][0])
    assert f"🏁 Checkpoints: A {n}/{n} ✓ reached, proofs awaited · B" in plain(digest_summary_text(data))
    ok(service, "lea", "/checkpoint A https://ci.example.com/proof")
    data = service.digest()
    assert "🏁 Checkpoints: A ✓ validated · B" in plain(digest_summary_text(data))
    assert f"  • A: {n}/{n} ✓ validated by @lea — https://ci.example.com/proof" in plain(digest_details_text(data))
    stories = ", ".join(CHECKPOINTS["D"][0])
    assert f"  • D: 0/{len(CHECKPOINTS['D'][0])} — missing {stories} · proofs expected: " in \
        plain(digest_details_text(data))


def test_app_home_and_the_picture_carry_checkpoints_and_open_incidents(service):
    ok(service, "ann", "/incident critical the PV was lost on 4.1")
    home = service.home("bob")
    assert [r["incident"] for r in home["incidents"]] == ["INC-1"] and home["incidents"][0]["age_workdays"] == 0
    assert [c["name"] for c in home["checkpoints"]] == list(CHECKPOINTS)
    marks = picture_part(service.context())
    assert dict(marks.incidents) == {"4.1": ("INC-1",)}
    assert marks.checkpoints[2] == f"C 0/{len(CHECKPOINTS['C'][0])} (held by INC-1)"
    ok(service, "bob", "/incident close INC-1 https://git.example.com/pr/1 https://wiki.example.com/rb")
    assert picture_part(service.context()).incidents == {}
    assert service.home("bob")["incidents"] == []


def test_moves_that_reach_no_milestone_are_unchanged(service):
    started = ok(service, "ann", "/start 1.1")
    assert "checkpoints_reached" not in started.data
    ok(service, "ann", "/review 1.1 https://git.example.com/pr/1")
    done = ok(service, "bob", "/done 1.1 https://git.example.com/pr/1")
    assert done.data["checkpoints_reached"] == [] and done.data["delivered"] is False
    assert [n.data.get("milestone") for n in done.notifications] == [None] * len(done.notifications)
