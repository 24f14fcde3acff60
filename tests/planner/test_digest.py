"""The daily digest's content on the seed plan, at several points of a real delivery.

The delivery is played on the planner alone: every move is asked of `planner.workflow.decide`
(so it obeys the rules), becomes an `Event` at the local time in Paris the test chooses, and is
folded into the stories' statuses; the digest is then built from those statuses and events as
the scheduler would. Counts of the seed (its stories, what waits behind each gate) are read from
its Markdown (tests/helpers/plans.py), not hard-coded.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import WorkCalendar
from planner.digest import build_digest
from planner.graph import PlanGraph
from planner.model import Finding
from planner.staffing import Staffing
from planner.state import Action, Event, State, StoryStatus, apply_event, fold_events
from planner.workflow import Request, decide
from tests.helpers.plans import (
    SEED_SLUG,
    after_edges,
    chain_links,
    downstream,
    named_ids,
    read_seed,
    seed_text,
)

TZ = ZoneInfo("Europe/Paris")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday, 09:00 in Paris
TUE, WED, THU, FRI = (MON + timedelta(days=i) for i in range(1, 5))
NEXT_MON = MON + timedelta(days=7)
PR = "https://git.example.com/infra/pull/7"
LINK = "https://git.example.com/infra/pull/42"
LEADS = {"lea"}

SEED_TEXT = seed_text()
STORIES = len(named_ids(SEED_TEXT))  # the seed names no id it does not define
SEED_EDGES = after_edges(SEED_TEXT) | chain_links(SEED_TEXT)


def behind(gate: str) -> int:
    """How many stories wait for `gate` through the seed's "Apres" lists and critical path."""
    return len(downstream(SEED_EDGES, gate))


class Delivery:
    """The seed plan, its lanes and its event log; each move is decided by the workflow rules."""

    def __init__(self) -> None:
        self.plan = read_seed()
        self.graph = PlanGraph(self.plan)
        self.lanes: dict[str, str] = {}  # lane key -> person, as "/team lane A @ann" binds them
        self.events: list[Event] = []
        self.statuses: dict[str, StoryStatus] = fold_events(self.plan.story_ids, [])

    def move(self, when: datetime, actor: str, action: Action, sid: str, **words: str) -> None:
        request = Request(action, sid, actor, is_lead=actor in LEADS, **words)
        decision = decide(request, self.graph, self.statuses)
        assert decision.allowed, f"{actor} {action} {sid}: {decision.code}"
        before, after = decision.moves
        event = Event(sid, action, actor, before, after, when, **words)
        self.events.append(event)
        self.statuses[sid] = apply_event(self.statuses[sid], event)

    def start(self, when: datetime, actor: str, sid: str) -> None:
        self.move(when, actor, Action.START, sid)

    def force(self, when: datetime, actor: str, sid: str, reason: str) -> None:
        self.move(when, actor, Action.FORCE_START, sid, reason=reason)

    def review(self, when: datetime, actor: str, sid: str, reviewer: str) -> None:
        self.move(when, actor, Action.REVIEW, sid, evidence=PR, reviewer=reviewer)

    def changes(self, when: datetime, actor: str, sid: str, reason: str) -> None:
        self.move(when, actor, Action.CHANGES, sid, reason=reason)

    def done(self, when: datetime, actor: str, sid: str) -> None:
        self.move(when, actor, Action.DONE, sid, evidence=LINK)

    def finish(self, sid: str, when: datetime, dev: str = "ann", reviewer: str = "bob") -> None:
        """Start, review and approve within the hour that begins at `when`."""
        self.start(when, dev, sid)
        self.review(when + timedelta(minutes=20), dev, sid, reviewer)
        self.done(when + timedelta(minutes=40), reviewer, sid)

    def digest(self, when: datetime, **kw) -> dict:
        kw.setdefault("calendar", WorkCalendar())
        kw.setdefault("since", None)
        staffing = Staffing(self.graph, None, self.lanes)
        return build_digest(staffing, self.statuses, self.events, now=when, tz=TZ, plan_name=SEED_SLUG, **kw)


@pytest.fixture
def team() -> Delivery:
    return Delivery()


def by_story(items):
    return {item["story"]: item for item in items}


# -- at the start --------------------------------------------------------------------------------


def test_first_morning_the_entry_gate_holds_everything(team):
    d = team.digest(MON)
    entry = d["gates"][0]
    assert (entry["story"], entry["kind"], entry["state"]) == ("1.1", "entry", "todo")
    assert entry["waiting_behind"] == STORIES - 1 and entry["startable"] and entry["holder"] is None
    assert [(g["story"], g["kind"], g["waiting_behind"]) for g in d["gates"][1:]] == [
        ("2.2", "acceleration", behind("2.2")),
        ("4.1", "data", behind("4.1")),
        ("5.1", "recovery", behind("5.1")),
    ]
    a = d["checkpoints"][0]
    assert (a["name"], a["done"], a["total"], a["missing"]) == ("A", 0, 3, ["1.1", "1.3", "1.4"])
    assert a["proofs"] == ["preuves hardening + VPN + secrets"]
    cp = d["critical_path"]
    assert cp["path"] == ["1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2"]
    assert (cp["current"], cp["state"], cp["step"], cp["days_in_state"]) == ("1.1", "todo", 1, None)
    assert d["startable"]["count"] == 1 and d["startable"]["unclaimed"] == ["1.1"]
    assert d["headline"] == f"{SEED_SLUG} — 0/{STORIES} done · gate 1.1 (entry) to do · 1 startable"
    assert {f["code"] for f in d["findings"]} == {"unassigned", "no-sprint"} and len(d["findings"]) == 4
    assert d["changes"]["first"] and d["changes"]["count"] == 0
    assert d["quiet"] is False  # 1.1 can start and no lane owner was told: the digest must say so
    team.lanes["A"] = "ann"
    assert team.digest(MON)["quiet"] is True  # nothing moved; ann was told 1.1 is hers


def test_the_data_is_json_ready_and_times_are_local(team):
    team.finish("1.1", MON)
    claim = {"local_date": MON.date(), "claimed_at": MON, "attempts": 2}  # as storage may hand it over
    d = team.digest(TUE, stuck_claims=[claim])
    assert json.loads(json.dumps(d)) == d
    assert d["stuck_claims"] == [
        {"local_date": "2026-03-02", "claimed_at": "2026-03-02T09:00:00+01:00", "attempts": 2}
    ]
    assert d["generated_at"] == "2026-03-03T09:00:00+01:00" and d["local_date"] == "2026-03-03"
    assert d["gates"][0]["since"] == "2026-03-02T09:40:00+01:00"  # done at 09:40 Paris time


# -- stale, reviews, holidays: ages in work days -----------------------------------------------


def test_a_story_untouched_from_monday_to_thursday_is_stale_after_three_work_days(team):
    team.lanes["A"] = "ann"
    team.lanes["B"] = "bob"
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    assert team.digest(WED)["stale"] == []  # two work days: not yet
    d = team.digest(THU)
    assert d["stale"] == [
        {
            "story": "1.3",
            "label": "1.3",
            "assignee": "ann",
            "last_event": "2026-03-02T11:00:00+01:00",
            "idle_workdays": 3,
        }
    ]
    assert d["critical_path"]["current"] == "1.3"
    assert (d["critical_path"]["state"], d["critical_path"]["days_in_state"]) == ("in_progress", 3)
    assert "1 stale story" in d["headline"]
    assert d["quiet"] is False  # nothing moved since Wednesday, but a stale story waits
    patient = team.digest(THU, stale_after=4)
    assert patient["stale"] == [] and patient["quiet"] is True


def test_any_event_resets_idleness_a_review_sent_back_counts_from_then(team):
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    team.review(WED, "ann", "1.3", "bob")
    team.changes(WED + timedelta(hours=1), "bob", "1.3", "tests missing")
    d = team.digest(THU)
    assert d["stale"] == []  # the last event was Wednesday
    assert d["changes"]["returned"][0]["reason"] == "tests missing"
    assert team.digest(NEXT_MON)["stale"][0]["idle_workdays"] == 3  # Thu, Fri, Mon


def test_a_review_waiting_over_the_weekend_counts_work_days_only(team):
    team.finish("1.1", MON)
    team.start(FRI + timedelta(hours=7), "bob", "1.4")
    team.review(FRI + timedelta(hours=8), "bob", "1.4", "cid")
    d = team.digest(NEXT_MON)
    assert d["reviews_waiting"] == [
        {
            "story": "1.4",
            "label": "1.4",
            "assignee": "bob",
            "reviewer": "cid",
            "link": PR,
            "since": "2026-03-06T17:00:00+01:00",
            "age_workdays": 1,  # Friday evening to Monday morning: one work day, not three
        }
    ]
    assert team.digest(NEXT_MON + timedelta(days=1))["reviews_waiting"][0]["age_workdays"] == 2
    assert "1 review waiting" in d["headline"] and d["quiet"] is False


def test_a_holiday_is_not_an_idle_day(team):
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    holiday = WorkCalendar(holidays=frozenset({TUE.date()}))
    assert team.digest(THU, calendar=holiday)["stale"] == []  # Wednesday, Thursday: 2
    assert team.digest(FRI, calendar=holiday)["stale"][0]["idle_workdays"] == 3
    sun_thu = WorkCalendar(frozenset({6, 0, 1, 2, 3}))
    assert team.digest(NEXT_MON, calendar=sun_thu)["stale"][0]["idle_workdays"] == 5  # Tue-Thu, Sun, Mon


def test_local_dates_decide_the_day_not_utc(team):
    """A start at 00:30 Paris time on Tuesday is Monday 23:30 UTC: Paris days count."""
    team.finish("1.1", MON)
    team.start(TUE.replace(hour=0, minute=30), "ann", "1.3")
    assert team.digest(FRI)["stale"][0]["idle_workdays"] == 3  # Wed, Thu, Fri after Tuesday


# -- forced starts: no lasting bypass ----------------------------------------------------------


def test_a_forced_start_shows_until_its_prerequisites_are_done(team):
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    team.force(MON + timedelta(hours=3), "lea", "2.1", "the VPN work cannot wait")
    d = team.digest(TUE)
    assert d["forced_open"] == [
        {
            "story": "2.1",
            "assignee": "lea",
            "open": ["1.3"],
            "label": "2.1",
            "by": "lea",
            "reason": "the VPN work cannot wait",
            "since": "2026-03-02T12:00:00+01:00",
            "age_workdays": 1,
        }
    ]
    assert d["changes"]["started"][-1]["forced"] is True
    assert "1 forced start open" in d["headline"] and d["quiet"] is False
    team.review(WED, "ann", "1.3", "bob")
    assert [f["story"] for f in team.digest(WED + timedelta(hours=1))["forced_open"]] == ["2.1"]
    team.done(WED + timedelta(hours=2), "bob", "1.3")
    later = team.digest(THU)
    assert later["forced_open"] == [] and "forced" not in later["headline"]


# -- changes since the last digest -------------------------------------------------------------


def test_changes_since_the_last_digest_list_what_moved_with_evidence(team):
    team.start(MON - timedelta(hours=1), "ann", "1.1")  # before the last digest: not listed
    team.review(MON + timedelta(hours=1), "ann", "1.1", "bob")
    team.done(MON + timedelta(hours=2), "bob", "1.1")
    team.start(MON + timedelta(hours=3), "cid", "1.4")
    ch = team.digest(TUE, since=MON)["changes"]
    assert ch["since"] == MON.isoformat() and ch["first"] is False and ch["count"] == 3
    assert [(c["story"], c["actor"]) for c in ch["started"]] == [("1.4", "cid")]
    assert [(c["story"], c["actor"], c["evidence"], c["reviewer"]) for c in ch["review"]] == [
        ("1.1", "ann", PR, "bob")
    ]
    assert ch["done"] == [
        {
            "story": "1.1",
            "label": "1.1 baseline hardening",
            "actor": "bob",
            "evidence": LINK,
            "at": "2026-03-02T11:00:00+01:00",
            "gate": "entry",
        }
    ]


def test_the_first_digest_reports_the_last_day(team):
    team.start(MON, "ann", "1.1")
    team.review(TUE + timedelta(hours=1), "ann", "1.1", "bob")
    ch = team.digest(WED)["changes"]
    assert ch["first"] and ch["since"] == TUE.isoformat()
    assert ch["started"] == [] and [c["story"] for c in ch["review"]] == ["1.1"]


def test_quiet_when_nothing_changed_and_nothing_waits(team):
    team.lanes["A"] = "ann"
    team.lanes["B"] = "bob"
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    assert team.digest(TUE, since=MON)["quiet"] is False  # things moved on Monday
    calm = team.digest(WED, since=TUE)
    assert calm["quiet"] is True and calm["changes"]["count"] == 0
    assert calm["startable"]["by_owner"] == {"bob": ["1.4", "2.4", "5.3", "5.4"]}  # bob was told
    del team.lanes["B"]
    assert team.digest(WED, since=TUE)["quiet"] is False  # now nobody was told about 1.4 and others
    team.lanes["B"] = "bob"
    team.review(WED + timedelta(hours=1), "ann", "1.3", "bob")
    waiting = team.digest(THU, since=WED + timedelta(hours=2))
    assert waiting["changes"]["count"] == 0 and waiting["quiet"] is False  # a review waits
    stuck = team.digest(WED, since=TUE, stuck_claims=[{"local_date": "2026-03-03"}])
    assert stuck["quiet"] is False and stuck["stuck_claims"] == [{"local_date": "2026-03-03"}]


# -- who takes what ----------------------------------------------------------------------------


def test_startable_grouped_by_lane_owner_and_unclaimed_called_out(team):
    team.finish("1.1", MON)
    d = team.digest(TUE)
    assert d["startable"]["by_owner"] == {}
    assert d["startable"]["unclaimed"] == ["1.3", "1.4", "2.4", "5.3", "5.4"]
    assert d["startable"]["unbound_lanes"] == ["A", "B"]
    team.lanes["A"] = "ann"
    d = team.digest(TUE + timedelta(hours=1))
    assert d["startable"]["by_owner"] == {"ann": ["1.3"]}
    assert d["startable"]["unclaimed"] == ["1.4", "2.4", "5.3", "5.4"]
    assert d["startable"]["unbound_lanes"] == ["B"]
    card = d["startable"]["items"][0]
    assert (card["id"], card["owner"], card["lane_label"], card["critical"]) == (
        "1.3",
        "ann",
        "Dev A (platform core)",
        True,
    )


# -- later in the delivery -----------------------------------------------------------------------


def test_mid_delivery_gate_two_two_in_progress(team):
    for i, sid in enumerate(("1.1", "1.3", "1.4", "2.1", "1.2")):
        team.finish(sid, MON + timedelta(hours=i))
    team.start(TUE, "ann", "2.2")
    team.start(TUE, "cid", "2.4")
    team.review(TUE + timedelta(hours=1), "cid", "2.4", "bob")
    d = team.digest(THU, since=WED)
    assert d["headline"] == (
        f"{SEED_SLUG} — 5/{STORIES} done · gate 2.2 (acceleration) in progress · 2 startable · 1 review waiting"
    )
    gate = by_story(d["gates"])["2.2"]
    assert (gate["state"], gate["holder"], gate["days_in_state"], gate["waiting_behind"]) == (
        "in_progress",
        "ann",
        2,
        behind("2.2"),
    )
    assert by_story(d["gates"])["1.1"]["done_by"] == "bob"
    assert [(c["name"], c["done"], c["missing"]) for c in d["checkpoints"]] == [
        ("A", 3, []),
        ("B", 1, ["2.2", "2.4"]),
        ("C", 0, ["3.1", "3.2", "4.1", "4.2"]),
        ("D", 0, ["5.1", "5.2"]),
    ]
    cp = d["critical_path"]
    assert (cp["current"], cp["state"], cp["step"], cp["assignee"]) == ("2.2", "in_progress", 4, "ann")
    assert d["startable"]["unclaimed"] == ["5.3", "5.4"]


def test_a_todo_step_of_the_critical_path_counts_from_when_it_became_current(team):
    team.finish("1.1", MON)
    team.finish("1.3", TUE)
    cp = team.digest(FRI)["critical_path"]
    assert (cp["current"], cp["state"]) == ("2.1", "todo")
    assert cp["since"] == "2026-03-03T09:40:00+01:00" and cp["days_in_state"] == 3


def test_everything_done_says_so():
    """Built from a hand-made event log (no rules asked): the whole seed delivered in order."""
    plan_events = []
    plan = read_seed()
    staffing = Staffing(PlanGraph(plan))
    at = MON
    for sid in staffing.graph.critical_path() + [s for s in plan.story_ids if s not in plan.critical_path]:
        for action, before, after in (
            (Action.START, State.TODO, State.IN_PROGRESS),
            (Action.REVIEW, State.IN_PROGRESS, State.REVIEW),
            (Action.DONE, State.REVIEW, State.DONE),
        ):
            at += timedelta(minutes=10)
            plan_events.append(Event(sid, action, "ann", before, after, at, evidence=LINK))
    statuses = fold_events(plan.story_ids, plan_events)
    d = build_digest(
        staffing, statuses, plan_events, now=NEXT_MON, tz=TZ, calendar=WorkCalendar(), since=FRI, findings=()
    )
    assert d["headline"] == f"{plan.title} — all {STORIES} done ✓ · all gates passed"
    assert d["critical_path"]["current"] is None and all(g["waiting_behind"] == 0 for g in d["gates"])
    assert d["findings"] == [] and d["quiet"] is True


def test_findings_may_be_passed_in_and_refuses_naive_times(team):
    d = team.digest(MON, findings=[Finding("error", "cycle", "1.1 -> 1.3 -> 1.1", 3)])
    assert d["findings"] == [
        {"severity": "error", "code": "cycle", "message": "1.1 -> 1.3 -> 1.1", "line": 3}
    ]
    with pytest.raises(ValueError, match="now must be time-zone aware"):
        team.digest(datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError, match="since must be time-zone aware"):
        team.digest(MON, since=datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="stale_after must be at least 1"):
        team.digest(MON, stale_after=0)


# -- sprints, reopened stories, preparations -------------------------------------------------------


def sprint_digest(team: Delivery, when: datetime, **kw) -> dict:
    """The digest with the 2-dev plan active, the seed's only mode with sprints."""
    staffing = Staffing(team.graph, 2, team.lanes)
    kw.setdefault("calendar", WorkCalendar())
    return build_digest(staffing, team.statuses, team.events, now=when, tz=TZ, plan_name=SEED_SLUG, **kw)


def test_the_digest_shows_the_current_sprint_and_flags_stories_late_against_it(team):
    sprints = team.plan.mode(2).sprints
    first, second = sprints[0].stories, sprints[1].stories
    team.finish("1.1", MON)
    d = sprint_digest(team, TUE)
    assert (d["sprint"]["current"]["name"], d["sprint"]["current"]["done"]) == (sprints[0].name, 1)
    assert d["sprint"]["late"] == [] and "late" not in d["headline"]
    later = next(s for s in second if team.graph.is_startable(s, team.statuses))  # sprint 2 starts early
    team.start(TUE + timedelta(hours=1), "ann", later)
    late = sprint_digest(team, WED, since=TUE + timedelta(hours=2))
    left = [s for s in first if s != "1.1"]
    assert [x["story"] for x in late["sprint"]["late"]] == left
    assert f"{len(left)} late against their sprint" in late["headline"]
    assert late["changes"]["count"] == 0 and late["quiet"] is False  # late stories wait on someone


def test_the_three_dev_plan_digest_has_no_sprint(team):
    d = team.digest(TUE)
    assert (d["sprint"]["mode"], d["sprint"]["count"], d["sprint"]["current"]) == (3, 0, None)


def test_work_built_on_a_reopened_story_is_flagged(team):
    team.finish("1.1", MON)
    team.finish("1.3", MON + timedelta(hours=1))
    team.move(TUE, "lea", Action.REOPEN, "1.3", reason="a port left open")
    d = team.digest(TUE + timedelta(hours=1))
    assert [(r["story"], r["reopened_at"], r["after"]) for r in d["reopened"]] == [
        ("1.3", TUE.isoformat(), [])]
    assert "reopened" not in d["headline"]
    team.force(WED, "lea", "2.1", "cannot wait")  # 2.1 waits on 1.3: started on top of the reopen
    flagged = team.digest(WED + timedelta(hours=1), since=WED + timedelta(minutes=30))
    assert flagged["reopened"][0]["after"] == [{"story": "2.1", "state": "in_progress", "assignee": "lea"}]
    assert "work built on 1 reopened story" in flagged["headline"] and flagged["quiet"] is False


def test_the_digest_lists_preparations_with_their_age(team):
    team.move(MON, "bob", Action.PREPARE, "1.4")
    d = team.digest(WED)
    assert d["preparations"] == [{
        "story": "1.4", "label": "1.4", "preparer": "bob", "prepared_since": MON.isoformat(),
        "waiting_for": ["1.1"], "startable": False, "age_workdays": 2,
    }]
    team.finish("1.1", WED)
    team.start(WED + timedelta(hours=2), "bob", "1.4")
    assert team.digest(THU)["preparations"] == []


def test_a_forced_story_in_review_stays_listed_until_its_prerequisites_are_done(team):
    team.finish("1.1", MON)
    team.start(MON + timedelta(hours=2), "ann", "1.3")
    team.force(MON + timedelta(hours=3), "lea", "2.1", "the VPN work cannot wait")
    team.review(TUE, "lea", "2.1", "bob")
    d = team.digest(TUE + timedelta(hours=1))
    assert [(f["story"], f["open"]) for f in d["forced_open"]] == [("2.1", ["1.3"])]
    team.review(WED, "ann", "1.3", "bob")
    team.done(WED + timedelta(hours=1), "bob", "1.3")
    assert team.digest(THU)["forced_open"] == []  # 2.1 still in review, its bypass closed
