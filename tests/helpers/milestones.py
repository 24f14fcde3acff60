"""Helpers for the checkpoint, incident and end-of-plan tests: a service on a clock the test moves,
delivering the seed in the order a team would, and refusals that must write nothing at all.

Checkpoints, their stories and their expected proofs are read off the seed's Markdown
(`tests.helpers.plans.checkpoint_blocks`), not asked of the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import LINK, SEED, SEED_TEXT, SLUG
from tests.helpers.plans import checkpoint_blocks, read_seed

CHECKPOINTS = checkpoint_blocks(SEED_TEXT)  # name -> (story ids, proof lines)
PLAN = read_seed()
FIX = "https://git.example.com/infra/pull/77"
RUNBOOK = "https://wiki.example.com/runbooks/postgres-pv"
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def label(sid: str) -> str:
    story = PLAN.story(sid)
    assert story is not None, sid
    return story.label


def expected_proofs(name: str) -> str:
    """The proofs the seed expects of a checkpoint, as a person writes them: "hardening + VPN + secrets"."""
    return " + ".join(p.removeprefix("preuves ").removeprefix("preuve ") for p in CHECKPOINTS[name][1])


def holding(sid: str) -> list[str]:
    """The checkpoints of the seed whose stories include `sid`."""
    return [name for name, (ids, _) in CHECKPOINTS.items() if sid in ids]


class Clock:
    """A clock the test moves: each tick is an hour of a work week (08:00-18:00 UTC, Monday on)."""

    def __init__(self, start: datetime = MONDAY) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, hours: int = 1) -> None:
        self.now += timedelta(hours=hours)
        if self.now.hour >= 18:
            self.now = (self.now + timedelta(days=1)).replace(hour=8)
        while self.now.weekday() >= 5:
            self.now += timedelta(days=1)


def seeded(tmp_path, clock: Callable[[], datetime] | None = None, channel: str | None = None) -> DeliveryService:
    store = Store(f"sqlite:///{tmp_path}/milestones.db")
    import_plan(store, SEED, channel=channel)
    store.add_lead("lea", "test")
    return DeliveryService(store, clock=clock)


def ok(service: DeliveryService, actor: str, text: str, **kw):
    reply = service.handle(actor, text, **kw)
    assert reply.ok, f"{actor} {text}: {reply.text}"
    return reply


def finish(service: DeliveryService, sid: str, dev: str = "ann", reviewer: str = "bob", tick=None):
    """Start, review and approve `sid`; returns the reply to the done."""
    for actor, text in ((dev, f"/start {sid}"), (dev, f"/review {sid} {LINK} @{reviewer}")):
        ok(service, actor, text)
        if tick:
            tick()
    return ok(service, reviewer, f"/done {sid} {LINK}")


def deliver(service: DeliveryService, stories: Iterable[str], **kw) -> dict[str, object]:
    """Finish every story of `stories` and whatever they wait for, in the order /unblocked offers
    (5.4, finalised at the end, last); returns the reply to each done."""
    wanted = set(stories)
    graph = service.context().graph
    needed, todo = set(wanted), list(wanted)
    while todo:  # what they wait for, directly or not (the entry gate included)
        for before in graph.prerequisites(todo.pop()):
            if before not in needed:
                needed.add(before)
                todo.append(before)
    replies: dict[str, object] = {}
    while not all(service.store.status(SLUG, s).state == "done" for s in wanted):
        ctx = service.context()
        held = [s for s, st in ctx.statuses.items()  # started past open prerequisites, now free to finish
                if st.state == "in_progress" and not ctx.graph.open_prerequisites(s, ctx.statuses)]
        if held:
            holder = ctx.statuses[held[0]].assignee or "ann"
            ok(service, holder, f"/review {held[0]} {LINK} @bob")
            replies[held[0]] = ok(service, "bob", f"/done {held[0]} {LINK}")
            continue
        startable = [s for s in ok(service, "ann", "/unblocked").data["startable"] if s in needed]
        sid = next((s for s in startable if s != "5.4"), startable[0])
        replies[sid] = finish(service, sid, **kw)
    return replies


def audit_count(service: DeliveryService) -> int:
    return len(service.store.audit(SLUG))


def refused_and_unwritten(service: DeliveryService, actor: str, text: str, **kw):
    """`actor` types `text`: refused, with no story event and no log entry written; the reply."""
    events, audit = len(service.store.events(SLUG)), audit_count(service)
    statuses = service.store.statuses(SLUG)
    reply = service.handle(actor, text, **kw)
    assert not reply.ok, reply.text
    assert len(service.store.events(SLUG)) == events and audit_count(service) == audit
    assert service.store.statuses(SLUG) == statuses
    return reply


# -- every new refusal, as a person reads it (the CLI and signed HTTP tests share these) -------------

PROOF = "https://grafana.example.com/d/proofs"


def _incident_on_4_1(service: DeliveryService, people: dict[str, str]) -> None:
    ok(service, people["dev"], "/incident critical the PV was lost on 4.1")


def _closed_minor(service: DeliveryService, people: dict[str, str]) -> None:
    ok(service, people["dev"], "/incident minor flaky CI")
    ok(service, people["reviewer"], f"/incident close INC-1 {FIX}")


def _a_reached(service: DeliveryService, people: dict[str, str]) -> None:
    deliver(service, CHECKPOINTS["A"][0], dev=people["dev"], reviewer=people["reviewer"])


def _a_validated(service: DeliveryService, people: dict[str, str]) -> None:
    _a_reached(service, people)
    ok(service, people["lead"], f"/checkpoint A {PROOF}")


def _c_held(service: DeliveryService, people: dict[str, str]) -> None:
    _incident_on_4_1(service, people)
    deliver(service, CHECKPOINTS["C"][0], dev=people["dev"], reviewer=people["reviewer"])


def _nothing(service: DeliveryService, people: dict[str, str]) -> None:
    return None


B_IDS = ", ".join(CHECKPOINTS["B"][0])
# (id, setup, who types it, what they type, the refusal's code, what they read: {lead}, {dev},
# {reviewer} are mentions as the transport writes them, {last_at} the day of the latest log entry)
REFUSALS = [
    ("critical-one-link", _incident_on_4_1, "reviewer", f"/incident close INC-1 {FIX}", "runbook-required",
     "INC-1 (critical, on 4.1) is critical: it is closed only with a link to its fix and a link to its runbook "
     "(the plan's rule: every critical incident ⇒ fix + runbook).\n/incident close INC-1 <fix link> <runbook link>"),
    ("close-without-fix", _incident_on_4_1, "reviewer", "/incident close INC-1", "bad-link",
     "Can't close INC-1: a link to its fix is required (the pull request or commit).\n"
     "/incident close INC-1 <fix link> <runbook link>"),
    ("close-bad-runbook", _incident_on_4_1, "reviewer", f"/incident close INC-1 {FIX} javascript:alert(1)",
     "bad-link", "Can't close INC-1: its runbook link is wrong — evidence links must start with http:// or "
     "https:// (got javascript).\n/incident close INC-1 <fix link> <runbook link>"),
    ("unknown-incident", _nothing, "reviewer", f"/incident close INC-4 {FIX} {RUNBOOK}", "unknown-incident",
     f"There is no INC-4 in {SLUG}.\n/incident lists the open ones."),
    ("already-closed", _closed_minor, "dev", f"/incident close INC-1 {FIX}", "already-closed",
     "INC-1 is already closed, by {reviewer} on {last_at}."),
    ("not-reached", _nothing, "lead", f"/checkpoint B {PROOF}", "not-reached",
     f"Checkpoint B is not reached: {B_IDS} are not done yet.\nIts proofs are attached once {B_IDS} are done."),
    ("proofs-without-link", _a_reached, "dev", "/checkpoint A", "bad-link",
     "Can't attach the proofs of checkpoint A: its proofs are links (http(s) URLs: the report, the dashboard, "
     "the drill's record).\n/checkpoint A <proof link> [more links] [note]"),
    ("proofs-bad-link", _a_reached, "lead", f"/checkpoint A {PROOF} ftp://x", "bad-link",
     "Can't attach the proofs of checkpoint A: evidence links must start with http:// or https:// (got ftp).\n"
     "/checkpoint A <proof link> [more links] [note]"),
    ("held-by-incident", _c_held, "lead", f"/checkpoint C {PROOF}", "incident-open",
     "Checkpoint C can't take its proofs while INC-1 (critical, on 4.1) is open (the plan's rule: every "
     "critical incident ⇒ fix + runbook).\nClose it first: /incident close INC-1 <fix link> <runbook link>"),
    ("already-validated", _a_validated, "lead", f"/checkpoint A {PROOF}", "already-validated",
     "Checkpoint A is already validated, by {lead} on {last_at}: " + PROOF + "."),
]


def refusal_said(service: DeliveryService, said: str, mentions: dict[str, str]) -> str:
    """A REFUSALS text filled in: the people as the transport names them, the day of the latest entry."""
    entries = service.store.audit(SLUG)
    last_at = f"{entries[-1].at:%Y-%m-%d}" if entries else ""
    return said.format(last_at=last_at, **mentions)
