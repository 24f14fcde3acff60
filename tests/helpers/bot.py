"""Helpers shared by the bot tests: the seed plan as the service imports it, and a team walking it.

Plain constants, classes and functions only; the fixtures built on them (`store`, `service`,
`walk`) stay in tests/bot/conftest.py, where pytest finds them. Counts of the seed are read from
its Markdown through tests.helpers.plans, independently of the reader under test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from planner.calendar import WorkCalendar
from planner.digest import build_digest
from planner.graph import PlanGraph
from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Story
from planner.staffing import Staffing
from planner.state import Action, Event, State, fold_events
from tests.helpers.plans import (
    SEED_PATH,
    SEED_SLUG,
    after_edges,
    chain_links,
    downstream,
    named_ids,
    read_seed,
    seed_text,
)

SEED = SEED_PATH
SLUG = SEED_SLUG
LINK = "https://git.example.com/infra/pull/42"
NASTY = "<!channel> & co"  # a title or reason that must never reach Slack unescaped
NASTY_ESCAPED = "&lt;!channel&gt; &amp; co"

SEED_TEXT = seed_text()
STORIES = len(named_ids(SEED_TEXT))  # the seed names no id it does not define
SEED_EDGES = after_edges(SEED_TEXT) | chain_links(SEED_TEXT)
CRITICAL_STEPS = len(chain_links(SEED_TEXT)) + 1  # stories on the seed's critical path


def behind(story: str) -> int:
    """How many stories wait for `story` through the seed's "Apres" lists and critical path."""
    return len(downstream(SEED_EDGES, story))


def count_events(service, slug: str = SLUG) -> int:
    return len(service.store.events(slug))


class Walker:
    """Moves stories through the whole workflow the way a team would, asserting each step."""

    def __init__(self, service):
        self.service = service

    def ok(self, actor, text):
        reply = self.service.handle(actor, text)
        assert reply.ok, f"{actor} {text}: {reply.text}"
        return reply

    def finish(self, sid, dev="dev", reviewer="rev"):
        self.ok(dev, f"/start {sid}")
        self.ok(dev, f"/review {sid} {LINK} @{reviewer}")
        return self.ok(reviewer, f"/done {sid} {LINK}")


def configure(service, *words: str, lead: str = "lea") -> None:
    """A lead's `/team <words>`, asserted accepted: configure("digest 09:00 UTC mon-fri")."""
    reply = service.handle(lead, "/team " + " ".join(words))
    assert reply.ok, reply.text


def startable(service, actor="ann", text="/unblocked") -> list[str]:
    """The ids /unblocked offers `actor`, asserting it answered."""
    reply = service.handle(actor, text)
    assert reply.ok, reply.text
    return reply.data["startable"]


def refused_and_unchanged(service, actor: str, text: str, slug: str = SLUG):
    """`actor` types `text`: assert it is refused and wrote no event and moved no story; the reply."""
    before_events = count_events(service, slug)
    before_states = service.store.statuses(slug)
    reply = service.handle(actor, text)
    assert not reply.ok
    assert count_events(service, slug) == before_events
    assert service.store.statuses(slug) == before_states
    return reply


# -- the digest of the seed mid-delivery, and of a generated 2,000-story plan -----------------------

DIGEST_TZ = ZoneInfo("Europe/Paris")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=DIGEST_TZ)  # a Monday, 09:00 in Paris
PR = "https://git.example.com/infra/pull/7"


def seed_mid_delivery(store):
    """The seed delivered through the real service under a chosen clock, from Monday 2 March: by
    Thursday 5 March Epic 1 and 2.1 are done, gate 2.2 in progress since Tuesday, 2.4 in review
    since Tuesday, a forced start still open, lane A bound, lane B not. Returns digest(when, **kw),
    the digest `build_digest` makes of that delivery at `when`."""
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    now = {"t": MON}
    service = DeliveryService(store, clock=lambda: now["t"])

    def at(when, actor, text):
        now["t"] = when
        reply = service.handle(actor, text)
        assert reply.ok, reply.text

    for i, sid in enumerate(("1.1", "1.3", "1.4", "2.1", "1.2")):
        when = MON + timedelta(hours=i)
        at(when, "ann", f"/start {sid}")
        at(when + timedelta(minutes=20), "ann", f"/review {sid} {PR} @bob")
        at(when + timedelta(minutes=40), "bob", f"/done {sid} {LINK}")
    at(MON + timedelta(days=1), "lea", "/team lane A @ann")
    at(MON + timedelta(days=1), "ann", "/start 2.2")
    at(MON + timedelta(days=1), "cid", "/start 2.4")
    at(MON + timedelta(days=1, hours=1), "cid", f"/review 2.4 {PR} @bob")
    at(MON + timedelta(days=2), "lea", f"/start 3.1 force {NASTY} alerting first")

    def digest(when, **kw):
        ctx = service.context()
        return build_digest(
            ctx.staffing,
            ctx.statuses,
            store.events(ctx.slug),
            now=when,
            tz=DIGEST_TZ,
            calendar=WorkCalendar(),
            plan_name=ctx.slug,
            **kw,
        )

    return digest



def big_digest():
    """2,000 stories in epics of 20 chained stories, a dozen gates, four lanes (B and C bound), a
    300-step critical path; a few hundred stories started, reviewed, done or forced, over weeks."""
    sids = [f"{1 + i // 20}.{1 + i % 20}" for i in range(2000)]
    edges = tuple((sids[i - 1], sids[i]) for i in range(1, 2000) if i % 20)
    stories = tuple(Story(s, title=NASTY if i == 7 else f"task {i} " + "x" * 60) for i, s in enumerate(sids))
    kinds = ("acceleration", "data", "recovery")
    gates = (Gate(sids[0], "entry"),) + tuple(Gate(sids[160 * k], kinds[k % 3]) for k in range(1, 12))
    lanes = tuple(
        Lane(key, f"lane {key.lower()}", tuple(s for i, s in enumerate(sids) if i // 20 % 4 == k))
        for k, key in enumerate("ABCD")
    )  # an epic per lane, in turn
    plan = Plan(
        title="big",
        stories=stories,
        edges=edges,
        gates=gates,
        critical_path=tuple(sids[:300]),
        modes=(Mode(devs=4, recommended=True, lanes=lanes),),
        checkpoints=tuple(Checkpoint(c, tuple(sids[k * 400 : (k + 1) * 400])) for k, c in enumerate("ABCDE")),
        findings=tuple(
            Finding("warning", "unassigned", f"{s} is in no lane " + "y" * 200) for s in sids[:300]
        ),
    )
    staffing = Staffing(PlanGraph(plan), 4, {"B": "U0BOB", "C": "U0CID"})
    events, at = [], MON - timedelta(days=40)

    def move(sid, action, before, after, actor="U0ALICE", **kw):
        events.append(Event(sid, action, actor, before, after, at, **kw))

    for i, sid in enumerate(sids[:900]):
        at += timedelta(minutes=60)
        if i % 20 and i % 7 == 3:  # a lead forced it while the previous story was still open
            move(sid, Action.FORCE_START, State.TODO, State.IN_PROGRESS, "U0LEA", reason=NASTY + " hurry")
            continue
        if i % 20 and events and events[-1].to_state != State.DONE:
            continue
        move(sid, Action.START, State.TODO, State.IN_PROGRESS)
        if i % 5 == 4:
            continue  # stays in progress, soon stale
        move(sid, Action.REVIEW, State.IN_PROGRESS, State.REVIEW, evidence=f"{PR}/{i}", reviewer="U0BOB")
        if i % 6 == 5:
            continue  # waits for review
        move(sid, Action.DONE, State.REVIEW, State.DONE, "U0BOB", evidence=f"{LINK}/{i}")
    statuses = fold_events(sids, events)
    stuck = [
        {"local_date": f"2026-02-{d:02d}", "claimed_at": "2026-02-01T09:00:00+01:00"} for d in range(1, 29)
    ]
    return build_digest(
        staffing,
        statuses,
        events,
        now=MON,
        tz=DIGEST_TZ,
        calendar=WorkCalendar(),
        since=MON - timedelta(days=20),
        stuck_claims=stuck,
        plan_name="big",
    )


def watched(data: dict) -> dict:
    """`data` as on a day with the 2-dev plan's sprints, a reopened story built on, and a preparation."""
    mode = read_seed().mode(2)
    assert mode is not None
    sprints = mode.sprints
    first = sprints[0]
    data.update(
        sprint={"mode": 2, "count": len(sprints),
                "sprints": [{"name": s.name, "index": i + 1, "done": 0, "total": len(s.stories),
                             "started": i < 2} for i, s in enumerate(sprints)],
                "current": {"name": first.name, "index": 1, "done": 0, "total": len(first.stories),
                            "started": True, "in_progress": 1, "review": 0, "open": list(first.stories)},
                "all_done": False,
                "late": [{"story": "1.2", "label": NASTY, "sprint": first.name, "index": 1, "state": "todo",
                          "assignee": None}],
                "outside": []},
        reopened=[{"story": "1.3", "label": "1.3", "state": "in_progress", "assignee": "ann",
                   "reopened_at": "2026-03-03T10:00:00+01:00",
                   "after": [{"story": "2.1", "state": "review", "assignee": "lea"}]}],
        preparations=[{"story": "4.1", "label": "4.1 PostgreSQL persistant", "preparer": "U0CID",
                       "prepared_since": "2026-03-02T09:00:00+01:00", "waiting_for": ["2.2"], "startable": False,
                       "age_workdays": 3}],
    )
    return data


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`deliverybot ARGV…` in this process: its exit code, what it printed and what it said on stderr."""
    from bot.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
