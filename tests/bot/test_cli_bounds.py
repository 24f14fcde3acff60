"""The command line refuses what would hurt later: oversized plans, unsafe slugs, untrustworthy backups."""

from __future__ import annotations

import json

import pytest

from tests.helpers.bot import LINK, SEED, run_cli


def run(capsys, *argv):
    return run_cli(capsys, *argv)


def test_a_plan_over_the_size_limit_is_refused_before_it_is_read(db, capsys, monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_MAX_PLAN_BYTES", "1000")
    code, _, err = run(capsys, "plan", "import", str(SEED), "--slug", "k3s")
    size = SEED.stat().st_size
    assert code == 1
    assert err == (f"Not imported: {SEED} is {size:,} bytes, over the limit of 1,000 (DELIVERYBOT_MAX_PLAN_BYTES): "
                   "every command re-reads the plan, so a plan this large would slow every one of them\n")
    monkeypatch.delenv("DELIVERYBOT_MAX_PLAN_BYTES")
    assert run(capsys, "plan", "import", str(SEED), "--slug", "k3s")[0] == 0


def test_the_bundled_plan_over_the_limit_stops_the_first_command_naming_the_variable(db, capsys, monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_MAX_PLAN_BYTES", "1000")
    code, _, err = run(capsys, "cmd", "--as", "ann", "/unblocked")
    assert code == 2 and "DELIVERYBOT_DEFAULT_PLAN:" in err and "over the limit of 1,000" in err


@pytest.mark.parametrize("slug", ["../../evil", "<!channel>", "x" * 5000, "K3s", "-lead", ""])
def test_unsafe_slugs_are_refused_with_the_rule(db, capsys, slug):
    code, _, err = run(capsys, "plan", "import", str(SEED), f"--slug={slug}")
    assert code == 1 and err.startswith("Not imported: ")
    assert "is not a plan slug (1 to 63 characters: lower-case letters, digits and '-'" in err
    assert len(err) < 300
    assert run(capsys, "plan", "list", "--json")[1].strip() == "[]"


def test_a_file_name_becomes_a_safe_slug(db, capsys):
    named = db / "My Plan_v2.md"
    named.write_text(SEED.read_text())
    code, _, err = run(capsys, "plan", "import", str(named))
    assert code == 0, err
    assert [p["slug"] for p in json.loads(run(capsys, "plan", "list", "--json")[1])] == ["my-plan-v2"]


def test_a_backup_nested_100000_deep_is_one_sentence(db, capsys):
    deep = db / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run(capsys, "import", str(deep))
    assert code == 1 and out == ""
    assert err == ("deliverybot: not imported: the file nests lists or objects more than 64 levels deep (line 1): "
                   "a backup nests only a few\n")


def test_a_malformed_backup_lists_one_sentence_per_problem(db, capsys):
    bad = db / "bad.json"
    bad.write_text(json.dumps({"format": "deliverybot-backup", "version": 2, "plans": [{"slug": "p", "title": 3}],
                               "leads": "lea"}))
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "deliverybot: not imported: 11 problems in the backup:"
    assert "  - the backup: field 'leads' must be a list, not text" in lines
    assert "  - plan 1 ('p'): field 'title' must be text, not a number" in lines
    assert "  - plan 1 ('p'): field 'source' is missing" in lines
    assert "string indices" not in err


def test_restore_after_a_first_command_imported_the_bundled_plan(db, capsys, monkeypatch, tmp_path):
    for actor, text in [("ann", "/start 1.1"), ("ann", f"/review 1.1 {LINK} @bob"), ("bob", f"/done 1.1 {LINK}")]:
        assert run(capsys, "cmd", "--as", actor, text)[0] == 0
    backup = tmp_path / "backup.json"
    assert run(capsys, "export", "--out", str(backup))[0] == 0

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    monkeypatch.setenv("DELIVERYBOT_LEADS", "boss")
    code, _, err = run(capsys, "cmd", "--as", "ann", "/unblocked")  # a first look: imports the bundled plan
    assert code == 0 and "first run: imported the bundled plan" in err
    code, _, err = run(capsys, "import", str(backup))
    assert code == 0, err
    assert json.loads(run(capsys, "export")[1]) == json.loads(backup.read_text())

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/used.db")
    assert run(capsys, "cmd", "--as", "ann", "/start 1.1")[0] == 0  # real work: the restore is refused
    code, _, err = run(capsys, "import", str(backup))
    assert code == 1 and "already holds data (1 plans, 1 events, 1 lead(s))" in err


def test_a_size_limit_that_is_not_a_number_stops_the_command_naming_it(db, capsys, monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_MAX_PLAN_BYTES", "lots")
    code, _, err = run(capsys, "plan", "list")
    assert code == 2 and "DELIVERYBOT_MAX_PLAN_BYTES: Input should be a valid integer" in err
