"""Checkpoints you can act on: reached when their stories are done, validated when a lead who did
not do all of their stories attaches the proofs; never while a critical incident holds them.
And the end of the plan in figures."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import WorkCalendar
from planner.checkpoints import (
    Attachment,
    decide_proofs,
    expected,
    find,
    fold,
    proofs_payload,
    reached_by,
    status_of,
    statuses_of,
)
from planner.figures import delivered, figures
from planner.incidents import OPEN_ACTION, Incident, Severity, open_payload
from planner.incidents import fold as fold_incidents
from planner.state import Action, Event, State, StoryStatus
from tests.helpers.plans import checkpoint_blocks, read_seed, seed_text
from tests.planner.test_incidents import Entry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LINK = "https://ci.example.com/proof/1"
PLAN = read_seed()
BLOCKS = checkpoint_blocks(seed_text())
A_STORIES = BLOCKS["A"][0]


def done(*sids, at=T0, authors=("ann",)):
    return {s: StoryStatus(s, State.DONE, assignee=authors[0], authors=authors, since=at) for s in sids}


def attachment(by="lea", at=T0 + timedelta(hours=1), validates=True, links=(LINK,)):
    return Attachment("A", links, by, at, validates)


def test_the_expected_proofs_read_as_a_phrase():
    for name, (_, proofs) in BLOCKS.items():
        phrase = expected(find(PLAN, name))
        assert not phrase.lower().startswith("preuve") and phrase in " + ".join(proofs)
    assert expected(find(PLAN, "a")) == "hardening + VPN + secrets"


def test_reached_when_every_story_is_done_and_by_the_done_of_the_last():
    *first, last = A_STORIES
    before = done(*first)
    after = {**before, **done(last)}
    assert [c.name for c in reached_by(PLAN, before, after)] == ["A"]
    assert reached_by(PLAN, after, after) == []
    status = status_of(find(PLAN, "A"), after, {}, {})
    assert status.reached and not status.validated and status.missing == () and status.done == len(A_STORIES)
    row = status_of(find(PLAN, "A"), before, {}, {}).to_row()
    assert (row["reached"], row["missing"], row["total"]) == (False, [last], len(A_STORIES))


def test_a_lead_who_did_not_do_all_of_its_stories_validates_it():
    status = status_of(find(PLAN, "A"), done(*A_STORIES), {}, {})
    lead = decide_proofs(status, "lea", True, LINK)
    assert lead.allowed and lead.validates
    dev = decide_proofs(status, "bob", False, LINK)
    assert dev.allowed and not dev.validates and dev.why_not == "not-lead"
    author = status_of(find(PLAN, "A"), done(*A_STORIES, authors=("lea",)), {}, {})
    only = decide_proofs(author, "lea", True, LINK)
    assert only.allowed and not only.validates and only.why_not == "only-author"
    shared = status_of(find(PLAN, "A"), done(*A_STORIES, authors=("lea", "ann")), {}, {})
    assert decide_proofs(shared, "lea", True, LINK).validates


@pytest.mark.parametrize(("statuses", "evidence", "code"), [
    (done(*A_STORIES[:-1]), LINK, "not-reached"),
    (done(*A_STORIES), None, "bad-link"),
    (done(*A_STORIES), f"{LINK} javascript:alert(1)", "bad-link"),
])
def test_proofs_are_refused_before_it_is_reached_or_with_bad_links(statuses, evidence, code):
    decision = decide_proofs(status_of(find(PLAN, "A"), statuses, {}, {}), "lea", True, evidence)
    assert not decision.allowed and decision.code == code


def test_an_open_critical_incident_on_one_of_its_stories_holds_it():
    c_stories = BLOCKS["C"][0]
    incidents = fold_incidents([Entry(OPEN_ACTION, "ann", open_payload(1, Severity.CRITICAL, "PV lost", c_stories[2]), T0)])
    status = status_of(find(PLAN, "C"), done(*c_stories), {}, incidents)
    decision = decide_proofs(status, "lea", True, LINK)
    assert not decision.allowed and decision.code == "incident-open"
    assert [i.key for i in status.held_by] == ["INC-1"] and status.to_row()["held_by"] == ["INC-1"]
    major = {1: Incident(1, Severity.MAJOR, "slow", c_stories[2], "ann", T0)}
    assert decide_proofs(status_of(find(PLAN, "C"), done(*c_stories), {}, major), "lea", True, LINK).validates


def test_proofs_count_for_the_current_reach_only():
    statuses = done(*A_STORIES)
    validated = status_of(find(PLAN, "A"), statuses, {"A": (attachment(),)}, {})
    assert validated.validated and validated.to_row()["validated_by"] == "lea"
    again = decide_proofs(validated, "lea", True, LINK)
    assert not again.allowed and again.code == "already-validated"
    redone = done(A_STORIES[0], at=T0 + timedelta(days=2))  # reopened, then done again
    later = status_of(find(PLAN, "A"), {**statuses, **redone}, {"A": (attachment(),)}, {})
    assert later.reached and not later.validated and later.latest is None
    recorded = status_of(find(PLAN, "A"), statuses, {"A": (attachment("bob", validates=False),)}, {})
    assert not recorded.validated and recorded.latest is not None and recorded.to_row()["links_by"] == "bob"


def test_attachments_fold_from_the_log():
    log = [Entry("checkpoint-proofs", "bob", proofs_payload("A", [LINK], False, "see dashboard"), T0),
           Entry("checkpoint-proofs", "x", "{broken", T0),
           Entry("checkpoint-proofs", "lea", proofs_payload("A", [LINK, LINK + "/2"], True), T0)]
    found = fold(log)
    assert [(a.by, a.validates, a.links, a.note) for a in found["A"]] == [
        ("bob", False, (LINK,), "see dashboard"), ("lea", True, (LINK, LINK + "/2"), None)]
    assert [s.name for s in statuses_of(PLAN, {}, found, {})] == list(BLOCKS)


def test_the_end_of_the_plan_in_figures():
    ids = PLAN.story_ids
    events, at = [], T0
    for i, sid in enumerate(ids):
        forced = i == 3
        events.append(Event(sid, Action.FORCE_START if forced else Action.START, "ann", State.TODO,
                            State.IN_PROGRESS, at))
        events.append(Event(sid, Action.REVIEW, "ann", State.IN_PROGRESS, State.REVIEW, at))
        if i in (1, 2):
            events.append(Event(sid, Action.CHANGES, "bob", State.REVIEW, State.IN_PROGRESS, at))
            events.append(Event(sid, Action.REVIEW, "ann", State.IN_PROGRESS, State.REVIEW, at))
        events.append(Event(sid, Action.DONE, "bob", State.REVIEW, State.DONE, at))
        at += timedelta(hours=6)
    incidents = fold_incidents([
        Entry(OPEN_ACTION, "ann", open_payload(1, Severity.CRITICAL, "down", ids[0]), T0),
        Entry(OPEN_ACTION, "ann", open_payload(2, Severity.MINOR, "slow", None), T0)])
    numbers = figures(PLAN, events, incidents, tz=ZoneInfo("Europe/Paris"), calendar=WorkCalendar())
    last_day = (T0 + timedelta(hours=6 * (len(ids) - 1))).date()
    workdays = sum(1 for d in range((last_day - T0.date()).days + 1) if (T0.date() + timedelta(d)).weekday() < 5)
    assert numbers.stories == len(ids) and numbers.workdays == workdays
    assert (numbers.sent_back, numbers.forced, numbers.incidents, numbers.critical) == (2, 1, 2, 1)
    assert numbers.started_on == date(2026, 3, 2) and numbers.open_incidents == ("INC-1", "INC-2")
    statuses = {s: StoryStatus(s, State.DONE) for s in ids}
    assert delivered(PLAN, statuses) and not delivered(PLAN, {**statuses, ids[0]: StoryStatus(ids[0])})


def test_a_plan_started_and_finished_the_same_day_took_one_work_day():
    sid = PLAN.story_ids[0]
    events = [Event(sid, Action.START, "ann", State.TODO, State.IN_PROGRESS, T0),
              Event(sid, Action.DONE, "bob", State.REVIEW, State.DONE, T0 + timedelta(hours=2))]
    assert figures(PLAN, events, {}, tz=ZoneInfo("UTC")).workdays == 1
