"""The command-line contract of DESIGN §5, as scripts and CI pipelines use it."""

import json

import pytest

from bot.cli import main
from tests.helpers.bot import SEED, SEED_EDGES, SEED_TEXT, run_cli
from tests.helpers.plans import named_ids

LINK = "https://ci.example.com/run/1"


def run(capsys, *argv):
    return run_cli(capsys, *argv)


def test_plan_check_json_reads_the_seed_as_a_person_would(capsys):
    code, out, _ = run(capsys, "plan", "check", str(SEED), "--json")
    assert code == 0
    plan = json.loads(out)
    assert [s["id"] for s in plan["stories"]] == named_ids(SEED_TEXT)  # the seed names no id it does not define
    titles = {s["id"]: s["title"] for s in plan["stories"]}
    assert titles["1.1"] == "baseline hardening" and titles["2.2"] == "Argo App-of-Apps"
    assert titles["4.1"] == "PostgreSQL persistant" and titles["5.1"] == "backups"
    assert titles["5.4"] == "documentation/matrice" and titles["3.2"] == "3.2"
    edges = [tuple(e) for e in plan["edges"]]
    assert set(edges) == SEED_EDGES and len(edges) == len(SEED_EDGES)  # the "Apres" lists and critical path, once
    assert plan["gates"] == [{"story": "1.1", "kind": "entry"}, {"story": "2.2", "kind": "acceleration"},
                             {"story": "4.1", "kind": "data"}, {"story": "5.1", "kind": "recovery"}]
    assert plan["critical_path"] == ["1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2"]
    modes = {m["devs"]: m for m in plan["modes"]}
    assert sorted(modes) == [2, 3, 4] and [d for d, m in modes.items() if m["recommended"]] == [3]
    assert modes[3]["lanes"]["A"] == ["1.1", "1.3", "2.1", "2.2", "2.3"]
    assert modes[4]["floating"] == ["5.3", "5.4"]
    assert [(c["name"], c["stories"]) for c in plan["checkpoints"]] == [
        ("A", ["1.1", "1.3", "1.4"]), ("B", ["2.1", "2.2", "2.4"]), ("C", ["3.1", "3.2", "4.1", "4.2"]),
        ("D", ["5.1", "5.2"])]
    found = sorted((f["code"], f["message"].split()[0]) for f in plan["findings"])
    assert found == [("no-sprint", "3.2"), ("no-sprint", "3.3"), ("unassigned", "2.3"), ("unassigned", "3.3")]
    assert all(isinstance(f["line"], int) for f in plan["findings"])


def test_plan_check_errors_and_bad_files(capsys, tmp_path):
    cyclic = tmp_path / "cycle.md"
    cyclic.write_text("# P\n\n## Stories\n- 1.1 a\n- 1.2 b\n\nAfter 1.1:\n- 1.2\n\nAfter 1.2:\n- 1.1\n")
    code, out, _ = run(capsys, "plan", "check", str(cyclic))
    assert code == 1 and "cycle" in out and ("1.1 -> 1.2" in out or "1.2 -> 1.1" in out)
    code, _, err = run(capsys, "plan", "check", str(tmp_path / "missing.md"))
    assert code == 2 and "no such file" in err


def test_cmd_exit_codes_and_json(db, capsys):
    code, out, err = run(capsys, "cmd", "--as", "ann", "--json", "/unblocked")
    assert code == 0
    reply = json.loads(out)
    assert set(reply) >= {"ok", "text", "blocks", "response_type", "data"}
    assert reply["ok"] and reply["data"]["startable"] == ["1.1"] and reply["data"]["plan"] == "k3s-mono-pgsql"
    assert reply["blocks"] and reply["response_type"] == "ephemeral"
    code, out, _ = run(capsys, "cmd", "--as", "bob", f"/done 1.1 {LINK}")
    assert code == 1 and "not started" in out
    code, out, _ = run(capsys, "cmd", "--as", "ann", "/start 1.1")
    assert code == 0 and "started 1.1" in out
    with pytest.raises(SystemExit) as usage:
        main(["cmd", "/unblocked"])  # no --as
    assert usage.value.code == 2


def test_export_then_import_into_an_empty_database_reproduces_everything(db, capsys, monkeypatch, tmp_path):
    for actor, text in [("ann", "/start 1.1"), ("ann", f"/review 1.1 {LINK} @bob"), ("bob", f"/done 1.1 {LINK}")]:
        assert run(capsys, "cmd", "--as", actor, text)[0] == 0
    backup = tmp_path / "backup.json"
    assert run(capsys, "export", "--out", str(backup))[0] == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/restored.db")
    assert run(capsys, "import", str(backup))[0] == 0
    code, out, _ = run(capsys, "export")
    assert code == 0 and json.loads(out) == json.loads(backup.read_text())
    code, _, err = run(capsys, "import", str(backup))
    assert code == 1 and "not imported" in err  # a second restore would mix two histories


def test_plan_import_with_channel_and_lead_then_list(db, capsys):
    code, _, err = run(capsys, "plan", "import", str(SEED), "--slug", "k3s", "--channel", "C0PLAN", "--lead", "@lea")
    assert code == 0
    code, out, _ = run(capsys, "plan", "list")
    assert "k3s\t" in out and "C0PLAN" in out
    code, out, _ = run(capsys, "cmd", "--as", "lea", "--channel", "C0PLAN", "/team mode 2")
    assert code == 0 and "2-dev plan" in out



def test_next_json_carries_the_story_and_the_kind_of_suggestion(db, capsys):
    assert run(capsys, "plan", "import", str(SEED), "--lead", "@lea")[0] == 0
    assert run(capsys, "cmd", "--as", "lea", "/team lane B @bob")[0] == 0
    code, out, _ = run(capsys, "cmd", "--as", "bob", "--json", "/next")
    assert code == 0
    reply = json.loads(out)
    data = reply["data"]
    modes = json.loads(run(capsys, "plan", "check", str(SEED), "--json")[1])["modes"]
    lane_b = next(m for m in modes if m["recommended"])["lanes"]["B"]  # blocked by the entry gate: to prepare
    assert data["kind"] == "next" and data["story"] == lane_b[0] and data["suggestion"] == "prepare"
    assert data["waits_for"] and f"/prepare {lane_b[0]}" in reply["text"]
    buttons = [b["accessory"] for b in reply["blocks"] if "accessory" in b]
    assert [(b["action_id"], json.loads(b["value"])["story"]) for b in buttons] == [("prepare_story", lane_b[0])]


# -- one person, one name: Alice, @alice and alice are one person for every rule ---------------------


def test_a_name_in_capitals_is_a_name_not_a_slack_id(db, capsys):
    """Slack's ids hold digits: WALTER typed in capitals is walter, for four eyes as for leads."""
    assert run(capsys, "cmd", "--as", "WALTER", "/start 1.1")[0] == 0
    assert run(capsys, "cmd", "--as", "WALTER", f"/review 1.1 {LINK}")[0] == 0
    code, out, _ = run(capsys, "cmd", "--as", "walter", f"/done 1.1 {LINK}")
    assert code == 1 and "someone else must approve it" in out


def test_four_eyes_and_the_holder_see_one_person_whatever_the_spelling(db, capsys):
    assert run(capsys, "cmd", "--as", "Alice", "/start 1.1")[0] == 0
    code, out, _ = run(capsys, "cmd", "--as", "@alice", f"/review 1.1 {LINK}")  # the holder, spelt otherwise
    assert code == 0, out
    for spelling in ("alice", "ALICE", "@Alice"):
        code, out, _ = run(capsys, "cmd", "--as", spelling, f"/done 1.1 {LINK}")
        assert code == 1, (spelling, out)  # four eyes: the one who did the work can't approve it
    code, out, _ = run(capsys, "cmd", "--as", "bob", "--json", f"/done 1.1 {LINK}")
    assert code == 0
    code, out, _ = run(capsys, "cmd", "--as", "bob", "--json", "/board 1.1")
    assert json.loads(out)["data"]["assignee"] == "alice"


def test_leads_and_lanes_see_one_person_whatever_the_spelling(db, capsys):
    assert run(capsys, "plan", "import", str(SEED), "--lead", "Lea")[0] == 0
    for spelling in ("lea", "@LEA"):
        code, out, _ = run(capsys, "cmd", "--as", spelling, "/team mode 3")
        assert code == 0, (spelling, out)
    assert run(capsys, "cmd", "--as", "lea", "/team lane B @Bob")[0] == 0
    code, out, _ = run(capsys, "cmd", "--as", "BOB", "--json", "/next")
    assert code == 0 and json.loads(out)["data"]["suggestion"] == "prepare"  # his lane's story, as for "bob"


def test_a_lead_stored_before_names_were_normalised_is_still_one_person(db):
    from storage.store import Store

    store = Store(f"sqlite:///{db}/cli.db")
    store.add_lead("Lea", "install")  # as 0.1 stored it
    assert store.is_lead("lea") and store.is_lead("@LEA") and not store.is_lead("leah")
    store.add_lead("U0ABC", "install")
    assert store.is_lead("U0ABC") and not store.is_lead("u0abc")  # Slack ids compare exactly


@pytest.mark.parametrize("name", ["<!channel>", "al ice", "", "@", "<@U0ANN>"])
def test_cmd_as_something_that_is_not_a_name_is_bad_usage(db, capsys, name):
    code, out, err = run(capsys, "cmd", "--as", name, "/start 1.1")
    assert code == 2 and "not a name" in err and out == ""


def test_a_reader_that_leaves_early_gets_no_traceback(db):
    """`deliverybot cmd … | head -1`: the pipe closes under the output (here at once: `true` reads
    nothing), and the person sees no traceback."""
    import os
    import subprocess
    import sys

    script = f"{sys.executable} -m bot.cli cmd --as bob /help | true"
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(SEED.parents[1])})
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_a_backup_that_cannot_be_written_is_a_sentence(db, capsys, tmp_path):
    code, _, err = run(capsys, "export", "--out", str(tmp_path / "missing" / "backup.json"))
    assert code == 1 and err.startswith("deliverybot: could not write the backup to ") and "Traceback" not in err
