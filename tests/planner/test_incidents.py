"""Incidents folded from the audit log, and the rule of closing them: a critical incident only with a
fix link and a runbook link ("Tout incident critique => correction + runbook")."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import WorkCalendar
from planner.incidents import (
    CLOSE_ACTION,
    OPEN_ACTION,
    SEVERITY_WORDS,
    Severity,
    close_payload,
    decide_close,
    fold,
    holding,
    next_number,
    number_of,
    open_incidents,
    open_payload,
    rows,
)
from tests.helpers.plans import checkpoint_blocks, read_seed, seed_text

FIX, RUNBOOK = "https://git.example.com/infra/pull/9", "https://wiki.example.com/runbooks/pv"
T0 = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # a Friday


@dataclass(frozen=True)
class Entry:
    """An audit entry as storage gives it (only what the fold reads)."""

    action: str
    actor: str
    reason: str | None
    at: datetime


def opened(n, severity=Severity.CRITICAL, story="4.1", actor="ann", at=T0, what="PV lost"):
    return Entry(OPEN_ACTION, actor, open_payload(n, severity, what, story), at)


def closed(n, fix=FIX, runbook=RUNBOOK, actor="bob", at=T0 + timedelta(hours=1), note=None):
    return Entry(CLOSE_ACTION, actor, close_payload(n, fix, runbook, note), at)


def test_the_log_folds_into_incidents_opened_then_closed():
    log = [opened(1), Entry("team-lead", "lea", "lead bob", T0), opened(2, Severity.MINOR, None, "cid"),
           closed(1, note="restored from backup"), Entry(OPEN_ACTION, "x", "not json", T0)]
    incidents = fold(log)
    assert sorted(incidents) == [1, 2]
    first, second = incidents[1], incidents[2]
    assert (first.key, first.severity, first.story, first.opened_by, first.what) == (
        "INC-1", Severity.CRITICAL, "4.1", "ann", "PV lost")
    assert not first.is_open and (first.closed_by, first.fix, first.runbook, first.note) == (
        "bob", FIX, RUNBOOK, "restored from backup")
    assert second.is_open and second.story is None and not second.critical
    assert next_number(incidents) == 3 and next_number({}) == 1
    assert [i.key for i in open_incidents(incidents)] == ["INC-2"]


def test_a_second_close_changes_nothing_and_open_ones_list_critical_first():
    incidents = fold([opened(1, Severity.MINOR), opened(2, Severity.MAJOR), opened(3), closed(3),
                      closed(3, actor="eve"), opened(4)])
    assert incidents[3].closed_by == "bob"
    assert [i.key for i in open_incidents(incidents)] == ["INC-4", "INC-2", "INC-1"]


@pytest.mark.parametrize(("word", "number"), [("INC-3", 3), ("inc-12", 12), ("INC3", 3), ("7", 7),
                                              ("INC-", None), ("IN-3", None), ("", None), (None, None)])
def test_incidents_are_named_inc_n(word, number):
    assert number_of(word) == number


def test_french_severity_words_mean_the_same():
    assert {w: str(s) for w, s in SEVERITY_WORDS.items()} == {
        "critical": "critical", "critique": "critical", "major": "major", "majeur": "major",
        "minor": "minor", "mineur": "minor"}


@pytest.mark.parametrize(("severity", "fix", "runbook", "code", "which"), [
    (Severity.CRITICAL, FIX, None, "runbook-required", ""),
    (Severity.CRITICAL, None, None, "bad-link", "fix"),
    (Severity.CRITICAL, FIX, "javascript:alert(1)", "bad-link", "runbook"),
    (Severity.MAJOR, None, None, "bad-link", "fix"),
    (Severity.MINOR, "ftp://x", None, "bad-link", "fix"),
])
def test_a_close_is_refused_with_its_reason(severity, fix, runbook, code, which):
    decision = decide_close(1, fold([opened(1, severity)]), fix, runbook)
    assert not decision.allowed and decision.code == code and decision.which == which
    assert decision.incident is not None and decision.incident.key == "INC-1"


def test_a_critical_incident_closes_with_both_links_and_the_others_with_their_fix():
    assert decide_close(1, fold([opened(1)]), FIX, RUNBOOK).allowed
    assert decide_close(1, fold([opened(1, Severity.MAJOR)]), FIX, None).allowed
    assert decide_close(1, fold([opened(1, Severity.MINOR)]), FIX, RUNBOOK).allowed


def test_an_unknown_or_closed_incident_is_refused():
    incidents = fold([opened(1), closed(1)])
    assert decide_close(9, incidents, FIX, RUNBOOK).code == "unknown-incident"
    gone = decide_close(1, incidents, FIX, RUNBOOK)
    assert gone.code == "already-closed" and gone.incident is not None and gone.incident.closed_by == "bob"


def test_only_open_critical_incidents_hold_a_checkpoint():
    stories, _ = checkpoint_blocks(seed_text())["C"]
    on_story = stories[-1]
    incidents = fold([opened(1, story=on_story), opened(2, Severity.MAJOR, story=on_story),
                      opened(3, story="1.1"), opened(4, story=on_story), closed(4)])
    assert [i.key for i in holding(incidents, stories)] == ["INC-1"]
    assert holding(incidents, ["2.1"]) == []


def test_rows_give_the_age_in_work_days_and_the_checkpoints_held():
    plan = read_seed()
    blocks = checkpoint_blocks(seed_text())
    story = blocks["C"][0][0]
    paris = ZoneInfo("Europe/Paris")
    [row] = rows(open_incidents(fold([opened(1, story=story)])), plan, today=date(2026, 3, 10), tz=paris,
                 calendar=WorkCalendar())
    holds = [name for name, (ids, _) in blocks.items() if story in ids]
    assert row["incident"] == "INC-1" and row["severity"] == "critical" and row["holds"] == holds
    assert row["label"] == plan.story(story).label and row["open"]
    assert row["age_workdays"] == 2  # opened Friday, Tuesday now: Monday and Tuesday
    assert row["opened_at"].endswith("+01:00")
