"""/incident through the service: INC-n opened and announced, listed with its age, closed with its fix
(and runbook when critical); refusals that write nothing; one number per incident, even when
people open them at the same moment or a request is retried."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.bootstrap import import_plan
from bot.render.plain import plain
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import SEED, SLUG
from tests.helpers.milestones import (
    FIX,
    RUNBOOK,
    audit_count,
    holding,
    label,
    ok,
    refused_and_unwritten,
)

STORY = "4.1"  # the data gate: a checkpoint's story in the seed


def test_a_critical_incident_is_opened_announced_and_listed(service):
    held = holding(STORY)
    assert held  # the seed puts 4.1 in a checkpoint
    reply = ok(service, "ann", f"/incident critical the PV of <!channel> was lost on {STORY}")
    assert reply.kind == "incident"
    assert (reply.data["incident"], reply.data["story"], reply.data["severity"]) == ("INC-1", STORY, "critical")
    assert plain(reply.text) == (
        f"🚨 INC-1 critical on {label(STORY)}, opened by @ann: the PV of <!channel> was lost\n"
        "A critical incident is closed only with its fix and its runbook: "
        "/incident close INC-1 <fix link> <runbook link>\n"
        f"⛔ It holds checkpoint {', '.join(held)}: no proofs are taken until it is closed.")
    assert "<!channel>" not in reply.text  # escaped: "&lt;!channel&gt;"
    [note] = reply.notifications
    assert (note.kind, note.text) == ("channel", reply.text)

    listed = ok(service, "bob", "/incident")
    assert listed.data["incidents"][0]["incident"] == "INC-1" and listed.data["closed"] == 0
    lines = plain(listed.text).split("\n")
    assert lines[0] == f"Open incidents in {SLUG}: 1"
    assert lines[1] == (f"  • 🚨 INC-1 critical on {label(STORY)} — the PV of <!channel> was lost "
                        f"(@ann, 0 work days open) — holds checkpoint {', '.join(held)}")


@pytest.mark.parametrize(("word", "severity"), [("critique", "critical"), ("MAJEUR", "major"), ("mineur", "minor"),
                                                ("major", "major"), ("Minor", "minor")])
def test_french_and_english_severities_open_the_same_incidents(service, word, severity):
    reply = ok(service, "ann", f"/incident {word} something broke")
    assert reply.data["severity"] == severity and reply.data["incident"] == "INC-1" and reply.data["story"] is None


def test_numbers_follow_each_other_and_the_list_puts_critical_first(service):
    for text in ("minor flaky CI", "critical DB down on 4.1", "major slow ingress on 2.2"):
        ok(service, "ann", f"/incident {text}")
    listed = ok(service, "ann", "/incident")
    assert [r["incident"] for r in listed.data["incidents"]] == ["INC-2", "INC-3", "INC-1"]


def test_a_critical_incident_closes_only_with_a_fix_and_a_runbook(service):
    ok(service, "ann", f"/incident critical PV lost on {STORY}")
    one = refused_and_unwritten(service, "bob", f"/incident close INC-1 {FIX}")
    assert one.data["error"] == "runbook-required" and one.data["incident"] == "INC-1"
    assert plain(one.text) == (
        f"INC-1 (critical, on {STORY}) is critical: it is closed only with a link to its fix and a link to its "
        "runbook (the plan's rule: every critical incident ⇒ fix + runbook).\n"
        "/incident close INC-1 <fix link> <runbook link>")

    closed = ok(service, "bob", f"/incident close inc-1 {FIX} <{RUNBOOK}|runbook> restored from the backup")
    assert closed.data["incident"] == "INC-1" and closed.data["story"] == STORY and closed.data["closed"]
    assert plain(closed.text) == (
        f"✅ INC-1 (critical on {label(STORY)}) closed by @bob — fix: {FIX} · runbook: {RUNBOOK}. "
        "Note: restored from the backup\n"
        f"Checkpoint {', '.join(holding(STORY))} is no longer held: proofs are taken once reached.")
    assert [n.text for n in closed.notifications] == [closed.text]
    listed = ok(service, "ann", "/incident")
    assert listed.data["incidents"] == [] and plain(listed.text).startswith(f"No open incident in {SLUG} (1 closed).")


def test_a_major_incident_closes_with_its_fix(service):
    ok(service, "ann", "/incident major ingress slow")
    closed = ok(service, "ann", f"/incident close INC-1 {FIX}")
    assert plain(closed.text) == f"✅ INC-1 (major) closed by @ann — fix: {FIX}."


@pytest.mark.parametrize(("text", "code", "said"), [
    ("/incident close INC-9 " + FIX + " " + RUNBOOK, "unknown-incident",
     f"There is no INC-9 in {SLUG}.\n/incident lists the open ones."),
    ("/incident close INC-1", "bad-link",
     "Can't close INC-1: a link to its fix is required (the pull request or commit).\n"
     "/incident close INC-1 <fix link> <runbook link>"),
    ("/incident close INC-1 " + FIX + " javascript:alert(1)", "bad-link",
     "Can't close INC-1: its runbook link is wrong — evidence links must start with http:// or https:// "
     "(got javascript).\n/incident close INC-1 <fix link> <runbook link>"),
])
def test_refused_closes_say_why_and_write_nothing(service, text, code, said):
    ok(service, "ann", f"/incident critical PV lost on {STORY}")
    reply = refused_and_unwritten(service, "bob", text)
    assert reply.data["error"] == code and plain(reply.text) == said


def test_a_closed_incident_is_not_closed_twice(service):
    ok(service, "ann", "/incident minor flaky")
    ok(service, "bob", f"/incident close INC-1 {FIX}")
    again = refused_and_unwritten(service, "cid", f"/incident close INC-1 {FIX}")
    assert again.data["error"] == "already-closed"
    assert plain(again.text).startswith("INC-1 is already closed, by @bob on ")


@pytest.mark.parametrize(("text", "said"), [
    ("/incident critical", "What happened? Usage: /incident critical <what> [on ID]"),
    ("/incident minor on 4.1", "What happened?"),
    ("/incident major DB slow on 9.9", "There is no story 9.9"),
    ("/incident close", "Which incident? Name it as INC-n."),
    (f"/incident close INC-1 {FIX} {RUNBOOK} {FIX}", "Two links at most"),
    ("/incident frobnicate", "'frobnicate' is not an /incident command"),
])
def test_what_cannot_be_understood_is_a_usage_error(service, text, said):
    reply = refused_and_unwritten(service, "ann", text)
    assert reply.data["error"] == "bad-input" and said in plain(reply.text)


def test_a_retried_request_opens_one_incident(service):
    first = service.handle("ann", "/incident critical DB down", request_id="slack-retry-1")
    again = service.handle("ann", "/incident critical DB down", request_id="slack-retry-1")
    assert first.data["incident"] == again.data["incident"] == "INC-1"
    assert again.kind == "duplicate" and again.text == "Already recorded: INC-1." and not again.notifications
    assert audit_count(service) == 1
    assert ok(service, "bob", "/incident minor other").data["incident"] == "INC-2"


def test_a_guest_reads_incidents_but_opens_and_closes_none(service):
    ok(service, "ann", "/incident minor flaky")
    assert service.handle("U0GUEST", "/incident", guest=True).ok
    for text in ("/incident critical DB down", f"/incident close INC-1 {FIX}", "/incident critique DB"):
        assert refused_and_unwritten(service, "U0GUEST", text, guest=True).data["error"] == "guest"


def test_people_opening_incidents_at_once_get_one_number_each(new_db_url):
    service = DeliveryService(Store(new_db_url()))
    import_plan(service.store, SEED)
    racers = 12
    with ThreadPoolExecutor(racers) as pool:
        replies = list(pool.map(lambda i: service.handle(f"dev{i}", f"/incident minor broke {i}",
                                                         request_id=f"race-{i}"), range(racers)))
    assert all(r.ok for r in replies), [r.text for r in replies if not r.ok]
    assert sorted(int(r.data["incident"].split("-")[1]) for r in replies) == list(range(1, racers + 1))
    assert len(service.store.audit(SLUG)) == racers
