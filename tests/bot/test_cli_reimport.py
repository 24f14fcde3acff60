"""`plan import` of a plan with errors (refused, then forced) and of an edited plan mid-delivery
(the change printed, every state and event kept, removed work shown), through the command line
on a real SQLite file."""

import json
import os

from storage.store import Store
from tests.helpers.bot import run_cli

LINK = "https://git.example.com/shop/pull/1"

# French, in the bundled plan's style: 2.2 and 3.2 wait on each other, 4.2 waits on 3.2.
CYCLIC_FR = """# Plan De Livraison - boutique

Verrous critiques (gates):
1. Story 1.1 (socle) est le gate d'entree.
2. Story 2.2 (API) est le gate data.

## 2) Stories parallelisables

Apres 1.1:
- 2.2, 4.1

Apres 2.2:
- 3.2

Apres 3.2:
- 2.2, 4.2

## 3) Plan 2 dev (recommande)

Dev A (coeur):
- 1.1 -> 2.2 -> 3.2

Dev B (support):
- 4.1 -> 4.2
"""

SHOP_V1 = """# Shop delivery

## Stories
- 1.1 cluster bootstrap
- 1.2 ingress
- 2.1 api
- 2.2 data

After 1.1:
- 1.2, 2.1

After 2.1:
- 2.2
"""

# 1.1 renamed, 1.2 removed (it is in progress), 3.1 added, 2.2 -> 3.1 added.
SHOP_V2 = """# Shop delivery

## Stories
- 1.1 cluster bootstrap and hardening
- 2.1 api
- 2.2 data
- 3.1 backups

After 1.1:
- 2.1

After 2.1:
- 2.2

After 2.2:
- 3.1
"""


def cmd(capsys, actor, text, *extra):
    return run_cli(capsys, "cmd", "--as", actor, *extra, text)


def ok(capsys, actor, text, *extra):
    code, out, err = cmd(capsys, actor, text, *extra)
    assert code == 0, out + err
    return out


def test_a_plan_with_a_cycle_is_refused_then_forced_and_its_stories_can_never_start(db, capsys):
    plan = db / "boutique.md"
    plan.write_text(CYCLIC_FR, encoding="utf-8")
    code, out, err = run_cli(capsys, "plan", "import", str(plan))
    assert code == 1 and out == ""
    assert "dependency cycle: 2.2 -> 3.2 -> 2.2" in err
    assert (f"Not imported: 1 error above. Fix the plan, or import it as it is with deliverybot plan import {plan} "
            "--force (stories in a cycle will show as never able to start).") in err
    assert run_cli(capsys, "plan", "list")[1].startswith("No plans yet")  # nothing written

    code, out, err = run_cli(capsys, "plan", "import", str(plan), "--force", "--lead", "lea")
    assert code == 0 and out == "Imported 'boutique': 5 stories\n" and "dependency cycle" in err

    never = "can never start: cycle 2.2 → 3.2 → 2.2"
    for sid in ("2.2", "3.2", "4.2"):  # the cycle, and a story that waits on it
        out = ok(capsys, "ann", f"/board {sid}")
        assert f"Can never start: cycle 2.2 → 3.2 → 2.2. Fix the plan and import it again, or a lead starts it " \
               f"with /start {sid} force <reason>." in out
        assert "waits for" not in out
    out = ok(capsys, "ann", "/board 4.1")
    assert "Blocked: waits for 1.1." in out and "never" not in out  # an ordinary wait stays one

    out = ok(capsys, "ann", "/unblocked all")
    assert f"• 2.2 API — {never}" in out and f"• 3.2 — {never}" in out and f"• 4.2 — {never}" in out
    assert "• 4.1 — waits for 1.1" in out
    ok(capsys, "lea", "/team lane A @ann")
    ok(capsys, "ann", "/start 1.1")
    ok(capsys, "ann", f"/review 1.1 {LINK} @bob")
    ok(capsys, "bob", f"/done 1.1 {LINK}")
    out = ok(capsys, "ann", "/next")  # her lane's next story is in the cycle: no "prepare it while it waits"
    assert out == (f"Next for you: 2.2 API — nothing in your lane can start; 2.2 {never} (a lead fixes the plan, "
                   "or starts it with /start 2.2 force <reason>).\n/board 2.2\n")
    data = json.loads(ok(capsys, "ann", "/unblocked all", "--json"))["data"]
    cycles = {c["id"]: c["cycle"] for c in data["blocked"]}
    assert cycles == {"2.2": ["2.2", "3.2", "2.2"], "3.2": ["2.2", "3.2", "2.2"], "4.2": ["2.2", "3.2", "2.2"]}

    # /start names the cycle rather than an ordinary wait, and changes nothing.
    code, out, _err = cmd(capsys, "ann", "/start 2.2")
    assert code == 1 and out == ("2.2 can never start: it is part of the dependency cycle 2.2 → 3.2 → 2.2, which no "
                                 "finished story will open.\nFix the plan and import it again, or a lead starts it "
                                 "with /start 2.2 force <reason>.\n")
    code, out, _err = cmd(capsys, "ann", "/start 4.2", "--json")
    reply = json.loads(out)
    assert code == 1 and reply["data"]["cycle"] == ["2.2", "3.2", "2.2"]
    assert reply["text"].startswith("4.2 can never start: it waits on the dependency cycle 2.2 → 3.2 → 2.2")
    assert "• 2.2 API — can never start" in ok(capsys, "ann", "/unblocked all")  # still to do

    # Someone preparing a story the cycle holds reads, on the board and in the digest, that it never opens.
    ok(capsys, "bob", "/prepare 4.2")
    assert "  • 4.2 — prepared by @bob since" in (board := ok(capsys, "ann", "/board"))
    assert "(can never start: cycle 2.2 → 3.2 → 2.2)" in board and "waits for 3.2" not in board
    blocks = json.dumps(json.loads(ok(capsys, "ann", "/board", "--json"))["blocks"], ensure_ascii=False)
    assert "; can never start: cycle 2.2 → 3.2 → 2.2" in blocks  # the Block Kit line Slack shows
    code, out, err = run_cli(capsys, "digest", "--plan", "boutique")
    assert code == 0, err
    assert "🧰 Being prepared: 1" in out and "4.2 — prepared by @bob since" in out
    assert "; can never start: cycle 2.2 → 3.2 → 2.2" in out and "waits for 3.2" not in out


def test_a_forced_import_of_a_file_without_stories_is_refused_and_says_why(db, capsys):
    empty = db / "notes.md"
    empty.write_text("# Notes\n\nNothing planned yet.\n", encoding="utf-8")
    for extra in ((), ("--force",)):
        code, out, err = run_cli(capsys, "plan", "import", str(empty), *extra)
        assert code == 1 and out == ""
        assert (f"Not imported, even with --force: no story could be read from {empty}, so there would be nothing "
                f"to deliver. deliverybot plan check {empty} shows what was read.") in err


def test_reimporting_an_edited_plan_mid_delivery_prints_the_change_and_keeps_every_state(db, capsys):
    plan = db / "shop.md"
    plan.write_text(SHOP_V1, encoding="utf-8")
    assert run_cli(capsys, "plan", "import", str(plan), "--lead", "lea")[0] == 0
    ok(capsys, "ann", "/start 1.1")
    ok(capsys, "ann", f"/review 1.1 {LINK} @bob")
    ok(capsys, "bob", f"/done 1.1 {LINK}")
    ok(capsys, "ann", "/start 1.2")  # in progress, then removed from the plan
    ok(capsys, "lea", "/start 2.1")
    ok(capsys, "lea", f"/review 2.1 {LINK} @bob")
    store = Store(os.environ["DATABASE_URL"])
    events, statuses = store.events("shop"), store.statuses("shop")
    assert len(events) == 6

    plan.write_text(SHOP_V2, encoding="utf-8")
    code, out, err = run_cli(capsys, "plan", "import", str(plan))
    assert code == 0 and err == ""
    assert out == (
        "Re-imported 'shop': 4 stories; every state and event is kept.\n"
        "  Stories added: 3.1\n"
        "  Stories removed: 1.2\n"
        "    ⚠ removed from the plan with work kept (state and history stay, shown on /board): "
        "1.2 (was in progress, @ann)\n"
        "  Renamed 1.1: “cluster bootstrap” → “cluster bootstrap and hardening”\n"
        "  Dependencies added: 2.2 → 3.1\n"
        "  Dependencies removed: 1.1 → 1.2\n"
    )
    assert store.events("shop") == events  # nothing lost, nothing added
    assert {sid: st for sid, st in store.statuses("shop").items() if sid != "3.1"} == statuses
    assert store.statuses("shop")["3.1"].state == "todo"

    board = ok(capsys, "ann", "/board")
    assert "Removed from the plan: 1.2 (was in progress, @ann)" in board
    assert "1/4 done · 1 in review · 0 in progress · 2 to do" in board
    data = json.loads(ok(capsys, "ann", "/board", "--json"))["data"]
    assert data["removed"] == [{"story": "1.2", "state": "in_progress", "assignee": "ann"}]
    removed = ok(capsys, "ann", "/board 1.2")
    assert removed.startswith("1.2 (was in progress, @ann) was removed from the plan; its state and history are kept.")
    assert "@ann start: to do → in progress" in removed
    assert "1.1 cluster bootstrap and hardening — done" in ok(capsys, "ann", "/board 1.1")
    ok(capsys, "bob", f"/done 2.1 {LINK}")  # the delivery goes on where it was
    assert "• 2.2 data" in ok(capsys, "ann", "/unblocked")

    code, out, _ = run_cli(capsys, "plan", "import", str(plan))  # the same text again: nothing changed
    assert code == 0 and "No change to the plan's stories, dependencies, gates or lanes." in out
