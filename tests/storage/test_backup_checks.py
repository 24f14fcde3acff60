"""A backup you can trust: the digest log travels with it, and a bad file is refused in sentences."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest

from storage.backup import MAX_DEPTH, BackupError, parse
from storage.tables import DIGEST_RUNS
from tests.helpers.storage import SLUG, walk_to_review

TODAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _with_digests(store):
    store.save_plan(SLUG, "K3s", "# K3s\n", ["1.1", "1.2"], "C1")
    walk_to_review(store, "1.1")
    assert store.claim_digest(SLUG, date(2026, 2, 27), "pod-a", at=AT.replace(day=27))
    store.finish_digest(SLUG, date(2026, 2, 27), message_ts="111.222", at=AT.replace(day=27))
    assert store.claim_digest(SLUG, TODAY, "pod-a", at=AT)
    store.finish_digest(SLUG, TODAY, message_ts="333.444", at=AT)
    return store


def test_the_digest_log_is_restored_so_today_is_not_posted_again(open_store):
    source = _with_digests(open_store())
    exported = source.export()
    assert exported["version"] == 2
    runs = exported["plans"][0]["digest_runs"]
    assert [r["local_date"] for r in runs] == ["2026-02-27", "2026-03-02"]
    # Every column of the table is in the backup, whatever a migration added.
    assert set(runs[0]) == {c.name for c in DIGEST_RUNS.columns} - {"plan_id"}

    restored = open_store()
    restored.import_(json.loads(json.dumps(exported)))
    assert restored.export() == exported
    assert restored.last_sent_digest(SLUG).local_date == TODAY
    assert not restored.claim_digest(SLUG, TODAY, "pod-b", at=AT)  # today's went out before the backup
    assert restored.claim_digest(SLUG, date(2026, 3, 3), "pod-b", at=AT)  # new ids after the restored ones


def test_a_version_1_backup_without_digest_log_still_restores(open_store):
    source = _with_digests(open_store())
    old = source.export()
    old["version"] = 1
    for plan in old["plans"]:
        del plan["digest_runs"]
    restored = open_store()
    restored.import_(old)
    assert restored.digest_runs(SLUG) == [] and restored.statuses(SLUG) == source.statuses(SLUG)


def test_a_digest_run_missing_a_column_added_later_gets_its_default(open_store):
    source = _with_digests(open_store())
    data = source.export()
    optional = [c.name for c in DIGEST_RUNS.columns if c.nullable and c.name in data["plans"][0]["digest_runs"][0]]
    for run in data["plans"][0]["digest_runs"]:
        for name in optional:
            run.pop(name)
    restored = open_store()
    restored.import_(data)
    assert [r.local_date for r in restored.digest_runs(SLUG)] == [date(2026, 2, 27), TODAY]


def _refused(store, data) -> list[str]:
    with pytest.raises(BackupError) as err:
        store.import_(data)
    assert store.list_plans() == [] and store.leads() == []
    for problem in err.value.problems:
        assert "string indices" not in problem and "object is not" not in problem
    return err.value.problems


def test_a_changed_source_is_refused_by_its_hash(open_store):
    data = _with_digests(open_store()).export()
    data["plans"][0]["source"] += "Story 9.9 (slipped in)\n"
    (problem,) = _refused(open_store(), data)
    assert problem == (f"plan 1 ('{SLUG}'): field 'source_sha' is not the sha256 of its source: the source "
                       "was changed after the export, or the hash was")


def test_each_malformed_field_is_one_sentence_naming_it(open_store):
    data = _with_digests(open_store()).export()
    plan = data["plans"][0]
    plan["states"][0]["forced"] = "no"
    plan["states"][1] = "1.2 todo"
    plan["events"][0]["at"] = "yesterday"
    plan["events"][1]["action"] = "teleport"
    plan["lanes"] = {"A": 7}
    plan["digest_runs"][0]["status"] = 3
    plan["digest_runs"][1]["colour"] = "red"
    plan["slug"] = "../../evil"
    plan["source_sha"] = hashlib.sha256(plan["source"].encode()).hexdigest()
    data["leads"] = [{"name": "lea"}]
    problems = _refused(open_store(), data)
    where = "plan 1 ('../../evil')"
    assert problems == [
        f"{where}: '../../evil' is not a plan slug (1 to 63 characters: lower-case letters, digits and '-', "
        "starting with a letter or digit)",
        f"{where}, state 1 (story 1.1): field 'forced' must be true or false, not text",
        f"{where}, state 2 must be an object, not text",
        f"{where}, event 1: field 'at' is not a time with a time zone: 'yesterday'",
        f"{where}, event 2: field 'action' is 'teleport', not an action deliverybot records",
        f"{where}: lane 'A' must name a person (text), not a number",
        f"{where}, digest 1: field 'status' must be text, not a number",
        f"{where}, digest 2: field 'colour' is not something this release keeps for a digest",
        "lead 1: field 'added_by' is missing",
        "lead 1: field 'added_at' is missing",
    ]


@pytest.mark.parametrize("broken, sentence", [
    ({"plans": "k3s"}, "the backup: field 'plans' must be a list, not text"),
    ({"plans": ["k3s"]}, "plan 1 must be an object, not text"),
    ({"plans": [{"slug": "p", "states": {}}]}, "plan 1 ('p'): field 'states' must be a list, not an object"),
    ({"leads": None}, "the backup: field 'leads' must be a list, not null"),
    ({"format": "deliverybot-backup", "version": "2"}, "unsupported backup version '2' (this release reads versions 1, 2)"),
])
def test_structure_problems_are_sentences_not_python_internals(open_store, broken, sentence):
    data = {"format": "deliverybot-backup", "version": 2, "plans": [], "leads": []} | broken
    assert sentence in _refused(open_store(), data)


def test_json_nested_too_deep_is_refused_before_parsing():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(BackupError) as err:
        parse(deep)
    assert str(err.value) == (f"the file nests lists or objects more than {MAX_DEPTH} levels deep (line 1): "
                              "a backup nests only a few")
    # Brackets inside text are text: a plan's source may hold any.
    assert parse(json.dumps({"source": "[" * 1000 + '"{'})) == {"source": "[" * 1000 + '"{'}
    with pytest.raises(BackupError, match=r"not JSON: Expecting value at line 2, column 1"):
        parse('{"a":\n}')


def test_a_plan_source_over_the_size_limit_is_refused(open_store):
    data = _with_digests(open_store()).export()
    with pytest.raises(BackupError, match=r"the plan's source is 6 bytes, over the limit of 5 "
                                          r"\(DELIVERYBOT_MAX_PLAN_BYTES\)"):
        open_store().import_(data, max_source_bytes=5)


def test_restore_replaces_a_first_run_that_only_imported_the_bundled_plan(open_store):
    data = _with_digests(open_store()).export()
    bundled = "# Bundled\nStory 1.1 (baseline)\n"
    sha = hashlib.sha256(bundled.encode()).hexdigest()
    target = open_store()
    target.save_plan("k3s-mono-pgsql", "Bundled", bundled, ["1.1"])
    target.add_lead("boss", "install")  # DELIVERYBOT_LEADS at the first command
    target.import_(data, replaceable_sha=sha)
    assert target.export() == data

    # Anything more than that first run is live data: refused, nothing changed.
    for touch in (lambda s: s.add_lead("lea", "lea"), lambda s: s.bind_lane("k3s-mono-pgsql", "A", "ann"),
                  lambda s: s.record_audit("k3s-mono-pgsql", "lea", "team-mode", "mode 2"),
                  lambda s: s.update_plan_settings("k3s-mono-pgsql", mode=2)):
        busy = open_store()
        busy.save_plan("k3s-mono-pgsql", "Bundled", bundled, ["1.1"])
        touch(busy)
        before = busy.export()
        with pytest.raises(BackupError, match="empty database"):
            busy.import_(data, replaceable_sha=sha)
        assert busy.export() == before
    other = open_store()
    other.save_plan("mine", "Mine", "# mine\n", ["1.1"])  # a plan someone imported on purpose
    with pytest.raises(BackupError, match=r"already holds data \(1 plans\)"):
        other.import_(data, replaceable_sha=sha)


def test_what_must_be_unique_is_checked_before_writing(open_store):
    source = _with_digests(open_store())
    source.save_plan("side", "Side", "# side\n", ["1.1"], "C2")
    source.record_audit("side", "lea", "team-mode", "mode 2", request_id="rq-9")
    data = source.export()
    side = next(p for p in data["plans"] if p["slug"] == "side")
    side["channel"] = "C1"
    side["audit"][0]["id"] = data["plans"][0]["events"][0]["id"]
    data["leads"] = [{"name": "lea", "added_by": "install", "added_at": "2026-03-02T09:00:00+00:00"}] * 2
    assert [p["slug"] for p in data["plans"]] == [SLUG, "side"]
    assert _refused(open_store(), data) == [
        "plan 2: channel 'C1' is also used by plan 1",
        f"plan 2, audit entry 1: id {side['audit'][0]['id']} is also used by plan 1, event 1",
        "lead 2: lead 'lea' is also used by lead 1",
    ]


def test_every_table_is_in_the_backup():
    """A new table must be exported (and restored) or named here as not needed by a restored instance."""
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401  (registers the tables)

    carried = {"plans", "story_states", "events", "leads", "lane_bindings", "settings", "digest_runs", "people"}
    not_needed = {"deliveries"}  # a day's memory of Slack retries: a restored instance starts without it
    assert set(SQLModel.metadata.tables) - {"alembic_version"} == carried | not_needed


@pytest.mark.parametrize("story_id", [[1], {"a": 1}])
def test_a_story_id_that_is_not_text_is_a_sentence(open_store, story_id):
    data = _with_digests(open_store()).export()
    data["plans"][0]["states"][0]["story_id"] = story_id
    problems = _refused(open_store(), data)
    assert any("state 1: field 'story_id' must be text" in p for p in problems), problems
