"""Checkpoints, incidents and the end of the plan through `deliverybot cmd`, as a script or a person at
a terminal reads them: the announcements under the reply, every new refusal word for word (exit 1,
nothing written), and `--json` naming what was created or touched."""

import json
from datetime import timedelta

import pytest

from bot.bootstrap import import_plan
from bot.cli import main
from bot.render.plain import plain
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import LINK, SEED, SLUG, STORIES
from tests.helpers.milestones import (
    CHECKPOINTS,
    FIX,
    REFUSALS,
    RUNBOOK,
    deliver,
    expected_proofs,
    label,
    refusal_said,
)

PEOPLE = {"lead": "lea", "dev": "ann", "reviewer": "bob"}
MENTIONS = {role: f"@{name}" for role, name in PEOPLE.items()}


@pytest.fixture
def service(tmp_path, monkeypatch):
    """The database the CLI uses, seeded, with a service on it to set the scene."""
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    store = Store(url)
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    return DeliveryService(store)


def cmd(capsys, actor, text, *flags):
    code = main(["cmd", "--as", actor, *flags, text])
    out, err = capsys.readouterr()
    return code, out


def test_json_replies_name_the_incident_they_open_and_close(service, capsys):
    code, out = cmd(capsys, "ann", "/incident critique the PV was lost on 4.1", "--json")
    reply = json.loads(out)
    assert code == 0 and reply["ok"]
    assert reply["data"]["incident"] == "INC-1" and reply["data"]["story"] == "4.1"
    assert reply["data"]["kind"] == "incident" and reply["blocks"]
    assert [n["kind"] for n in reply["notifications"]] == ["channel"]
    code, out = cmd(capsys, "bob", f"/incident close INC-1 {FIX} {RUNBOOK}", "--json")
    closed = json.loads(out)
    assert code == 0 and closed["data"]["incident"] == "INC-1" and closed["data"]["story"] == "4.1"
    code, out = cmd(capsys, "ann", "/incident", "--json")
    assert json.loads(out)["data"]["incidents"] == [] and json.loads(out)["data"]["closed"] == 1


def test_the_checkpoint_announcement_is_printed_under_the_done(service, capsys):
    *first, last = CHECKPOINTS["A"][0]
    deliver(service, first)
    assert service.handle("ann", f"/start {last}").ok and service.handle("ann", f"/review {last} {LINK}").ok
    code, out = cmd(capsys, "bob", f"/done {last} {LINK}")
    assert code == 0
    ids = ", ".join(CHECKPOINTS["A"][0])
    assert (f"  → #channel: 🏁 Checkpoint A reached: {ids} — proofs expected: {expected_proofs('A')}\n"
            "    A lead attaches them: /checkpoint A <proof link> [more links] [note]") in out
    code, out = cmd(capsys, "lea", "/checkpoint A https://ci.example.com/hardening", "--json")
    reply = json.loads(out)
    assert code == 0 and reply["data"]["checkpoint"] == "A" and reply["data"]["validated"]
    assert reply["text"] == "🏁 Checkpoint A validated by @lea: https://ci.example.com/hardening."


def test_the_end_of_the_plan_is_printed_with_its_figures(service, capsys):
    others = [s for s in service.context().plan.story_ids if s != "5.4"]
    deliver(service, others)
    assert service.handle("ann", "/start 5.4").ok and service.handle("ann", f"/review 5.4 {LINK}").ok
    code, out = cmd(capsys, "bob", f"/done 5.4 {LINK}")
    assert code == 0
    events = service.store.events(SLUG)
    first = min(e.at for e in events if e.action == "start").date()
    last = max(e.at for e in events if e.action == "done").date()
    days = sum(1 for d in range((last - first).days + 1) if (first + timedelta(days=d)).weekday() < 5)
    unit = "work day" if days == 1 else "work days"
    assert (f"  → #channel: 🎉 {SLUG} is delivered: all {STORIES} stories done in {days} {unit} "
            f"({first:%a %d %b} – {last:%a %d %b}) · 0 reviews sent back · 0 forced starts · 0 incidents.\n"
            f"    Checkpoints not validated yet: {', '.join(CHECKPOINTS)} — /checkpoint NAME <proof link>…") in out
    assert f"{label('5.4')} is done" in out


@pytest.mark.parametrize(("setup", "role", "text", "code", "said"), [case[1:] for case in REFUSALS],
                         ids=[case[0] for case in REFUSALS])
def test_every_new_refusal_reads_the_same_in_a_terminal_and_writes_nothing(service, capsys, setup, role, text,
                                                                            code, said):
    setup(service, PEOPLE)
    events, audit = len(service.store.events(SLUG)), len(service.store.audit(SLUG))
    exit_code, out = cmd(capsys, PEOPLE[role], text)
    assert exit_code == 1
    assert out == refusal_said(service, said, MENTIONS) + "\n"
    assert len(service.store.events(SLUG)) == events and len(service.store.audit(SLUG)) == audit
    exit_code, out = cmd(capsys, PEOPLE[role], text, "--json")
    reply = json.loads(out)
    assert reply["data"]["error"] == code and plain(reply["text"]) == refusal_said(service, said, MENTIONS)
