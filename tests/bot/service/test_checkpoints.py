"""Checkpoints you can act on, through the service: the done of a checkpoint's last story tells the
channel it is reached and which proofs are expected; a lead who did not do all of its stories
validates it with /checkpoint; refusals write nothing; an open critical incident on 4.1 keeps
checkpoint C from being validated. And the end of the plan, announced with its figures."""

from datetime import timedelta

import pytest

from bot.render.plain import plain
from tests.helpers.bot import LINK, SLUG, STORIES
from tests.helpers.milestones import (
    CHECKPOINTS,
    FIX,
    RUNBOOK,
    Clock,
    audit_count,
    deliver,
    expected_proofs,
    finish,
    holding,
    ok,
    refused_and_unwritten,
    seeded,
)

PROOF = "https://grafana.example.com/d/hardening"


def reached_text(name: str) -> str:
    stories, _ = CHECKPOINTS[name]
    return (f"🏁 Checkpoint {name} reached: {', '.join(stories)} — proofs expected: {expected_proofs(name)}\n"
            f"A lead attaches them: /checkpoint {name} <proof link> [more links] [note]")


def test_the_done_of_a_checkpoints_last_story_tells_the_channel(service):
    stories = CHECKPOINTS["A"][0]
    replies = deliver(service, stories)
    last = next(reversed([sid for sid in replies if sid in stories]))
    for sid, reply in replies.items():
        said = [plain(n.text) for n in reply.notifications if n.data.get("milestone") == "checkpoint"]
        assert said == ([reached_text("A")] if sid == last else []), sid
        assert reply.data["checkpoints_reached"] == (["A"] if sid == last else [])
    done = replies[last]
    channel = [n for n in done.notifications if n.kind == "channel"]
    assert "is done, approved by" in channel[0].text and plain(channel[1].text) == reached_text("A")
    assert plain(done.text).endswith(reached_text("A"))

    listed = ok(service, "ann", "/checkpoint")
    rows = {r["name"]: r for r in listed.data["checkpoints"]}
    assert rows["A"]["reached"] and not rows["A"]["validated"] and list(rows) == list(CHECKPOINTS)
    text = plain(listed.text).split("\n")
    assert text[0] == f"Checkpoints of {SLUG}: 1 of {len(CHECKPOINTS)} reached, 0 validated"
    assert (f"  • A: {len(stories)}/{len(stories)} ✓ reached, not validated — proofs expected: "
            f"{expected_proofs('A')}") in text


def test_a_lead_who_did_not_do_its_stories_validates_it(service):
    deliver(service, CHECKPOINTS["A"][0])
    before = audit_count(service)
    mine = ok(service, "cid", f"/checkpoint a {PROOF} see the dashboard")
    assert (mine.data["checkpoint"], mine.data["validated"], mine.data["why_not"]) == ("A", False, "not-lead")
    assert plain(mine.text) == (f"📎 @cid attached the proofs of checkpoint A: {PROOF}. Note: see the dashboard\n"
                                "A lead validates them: /checkpoint A (these proofs) or with their own links.")
    assert [n.kind for n in mine.notifications] == ["channel"] and audit_count(service) == before + 1

    validated = ok(service, "lea", "/checkpoint A")  # the proofs already attached
    assert validated.data["validated"] and validated.data["links"] == [PROOF]
    assert plain(validated.text) == f"🏁 Checkpoint A validated by @lea: {PROOF}."
    assert validated.notifications[0].data["milestone"] == "validated"
    board = plain(ok(service, "ann", "/board").text)
    n = len(CHECKPOINTS["A"][0])
    assert f"  • A: {n}/{n} ✓ validated by @lea — {PROOF}" in board

    again = refused_and_unwritten(service, "lea", f"/checkpoint A {PROOF}")
    assert again.data["error"] == "already-validated"
    assert plain(again.text).startswith("Checkpoint A is already validated, by @lea on ")


def test_a_lead_who_did_every_story_does_not_validate_alone(service):
    for sid in CHECKPOINTS["A"][0]:
        finish(service, sid, dev="lea", reviewer="bob")
    reply = ok(service, "lea", f"/checkpoint A {PROOF}")
    assert not reply.data["validated"] and reply.data["why_not"] == "only-author"
    assert plain(reply.text) == (f"📎 @lea attached the proofs of checkpoint A: {PROOF}.\n"
                                 "@lea did every one of its stories, so another lead validates them: "
                                 "/checkpoint A (these proofs) or with their own links.")
    before = len(service.store.audit(SLUG))
    again = service.handle("lea", "/checkpoint A")  # the same proofs, by the same lead: nothing new
    assert not again.ok and again.data["error"] == "cannot-validate"
    assert plain(again.text).startswith("You did every story of checkpoint A, so another lead validates")
    assert len(service.store.audit(SLUG)) == before
    service.store.add_lead("max", "test")
    assert ok(service, "max", "/checkpoint A").data["validated"]


@pytest.mark.parametrize(("text", "code", "said"), [
    (f"/checkpoint B {PROOF}", "not-reached", "Checkpoint B is not reached: {missing} are not done yet.\n"
                                              "Its proofs are attached once {stories} are done."),
    ("/checkpoint A", "bad-link", "Can't attach the proofs of checkpoint A: its proofs are links (http(s) URLs: "
                                  "the report, the dashboard, the drill's record).\n"
                                  "/checkpoint A <proof link> [more links] [note]"),
    (f"/checkpoint A {PROOF} javascript:alert(1)", "bad-link",
     "Can't attach the proofs of checkpoint A: evidence links must start with http:// or https:// "
     "(got javascript).\n/checkpoint A <proof link> [more links] [note]"),
])
def test_refused_proofs_say_why_and_write_nothing(service, text, code, said):
    deliver(service, CHECKPOINTS["A"][0])
    reply = refused_and_unwritten(service, "lea", text)
    stories = CHECKPOINTS["B"][0]
    assert reply.data["error"] == code and reply.data["checkpoint"] == text.split()[1]
    assert plain(reply.text) == said.format(missing=", ".join(stories), stories=", ".join(stories))


def test_an_unknown_checkpoint_is_a_usage_error(service):
    reply = refused_and_unwritten(service, "lea", f"/checkpoint Z {PROOF}")
    assert reply.data["error"] == "bad-input"
    assert f"There is no checkpoint 'Z' in {SLUG} (its checkpoints: {', '.join(CHECKPOINTS)})" in plain(reply.text)


def test_an_open_critical_incident_on_4_1_keeps_checkpoint_c_from_being_validated(service):
    assert "C" in holding("4.1")
    ok(service, "ann", "/incident critical the PV was lost on 4.1")
    ok(service, "ann", "/incident major slow dashboards on 4.1")  # only a critical incident holds it
    replies = deliver(service, CHECKPOINTS["C"][0])
    reached = next(r for r in replies.values() if "C" in r.data.get("checkpoints_reached", []))
    [note] = [n for n in reached.notifications if n.data.get("milestone") == "checkpoint"]
    assert plain(note.text).endswith("⛔ Held by INC-1 (critical, on 4.1): its proofs are taken once that is closed.")

    held = refused_and_unwritten(service, "lea", f"/checkpoint C {PROOF}")
    assert held.data["error"] == "incident-open" and held.data["incidents"] == ["INC-1"]
    assert plain(held.text) == ("Checkpoint C can't take its proofs while INC-1 (critical, on 4.1) is open (the "
                                "plan's rule: every critical incident ⇒ fix + runbook).\n"
                                "Close it first: /incident close INC-1 <fix link> <runbook link>")
    board = plain(ok(service, "ann", "/board").text)
    assert "held by INC-1 (critical, open)" in board and "*Open incidents*" not in board
    assert "Open incidents" in board and "🚨 INC-1 critical on 4.1" in board

    refused_and_unwritten(service, "bob", f"/incident close INC-1 {FIX}")  # one link: still open
    ok(service, "bob", f"/incident close INC-1 {FIX} {RUNBOOK}")
    assert ok(service, "lea", f"/checkpoint C {PROOF}").data["validated"]


def test_the_end_of_the_plan_is_announced_with_its_figures(tmp_path):
    clock = Clock()
    service = seeded(tmp_path, clock)
    start = clock.now
    ok(service, "ann", "/incident critical DB down on 4.1")
    ok(service, "ann", "/incident minor flaky CI")
    ok(service, "bob", f"/incident close INC-1 {FIX} {RUNBOOK}")
    ok(service, "ann", "/start 1.1")
    ok(service, "ann", f"/review 1.1 {LINK} @bob")
    ok(service, "bob", "/review 1.1 changes add the firewall rules")  # one review sent back
    ok(service, "ann", f"/review 1.1 {LINK}")
    ok(service, "bob", f"/done 1.1 {LINK}")
    ok(service, "lea", "/start 2.1 force the cluster can't wait")  # one forced start
    replies = deliver(service, [s.id for s in service.context().plan.stories], tick=clock.tick)
    last = list(replies)[-1]
    assert last == "5.4"  # finalised at the end
    for sid, reply in replies.items():
        assert reply.data["delivered"] == (sid == last), sid
    done = replies[last]
    [note] = [n for n in done.notifications if n.data.get("milestone") == "delivered"]
    days = sum(1 for d in range((clock.now.date() - start.date()).days + 1)
               if (start.date() + timedelta(days=d)).weekday() < 5)  # Monday to Friday, both ends counted
    span = f"({start:%a %d %b} – {clock.now:%a %d %b})"
    assert plain(note.text) == (
        f"🎉 {SLUG} is delivered: all {STORIES} stories done in {days} work days {span} · "
        "1 review sent back · 1 forced start · 2 incidents (1 critical).\n"
        "Still open: INC-2 (/incident lists them).\n"
        f"Checkpoints not validated yet: {', '.join(CHECKPOINTS)} — /checkpoint NAME <proof link>…")
    figures = done.data["figures"]
    assert (figures["stories"], figures["workdays"], figures["sent_back"], figures["forced"],
            figures["incidents"]) == (STORIES, days, 1, 1, 2)
    assert days > 1  # the delivery spanned several work days of the clock


def test_a_guest_reads_the_checkpoints_but_attaches_no_proof(service):
    deliver(service, CHECKPOINTS["A"][0])
    assert service.handle("U0GUEST", "/checkpoint", guest=True).ok
    refused = refused_and_unwritten(service, "U0GUEST", f"/checkpoint A {PROOF}", guest=True)
    assert refused.data["error"] == "guest"


def test_a_retried_request_attaches_the_proofs_once(service):
    deliver(service, CHECKPOINTS["A"][0])
    first = service.handle("cid", f"/checkpoint A {PROOF}", request_id="retry-7")
    again = service.handle("cid", f"/checkpoint A {PROOF}", request_id="retry-7")
    assert first.ok and again.ok and again.kind == "duplicate" and not again.notifications
    assert again.data["checkpoint"] == "A" and audit_count(service) == 1
