"""/incident: list the open incidents, open one (critical, major, minor — or critique, majeur, mineur),
close one with its fix and, for a critical one, its runbook.

Incidents are audit entries of the plan's event log (`planner.incidents`). Opening and closing run
in one transaction that first takes the plan's log lock (`Store.lock_log`), so INC numbers are
handed out one at a time on every database, and a retried request (same request id) answers
with what the first one recorded instead of opening a second incident. A refusal writes nothing.
"""

from __future__ import annotations

from bot.i18n import _
from bot.render import incidents as say
from bot.service import milestones
from bot.service.context import Call
from bot.service.parsing import STORY_ID, InputError, evidence, free_text, show
from bot.service.replies import Reply, refusal, to_channel
from planner import incidents as log
from planner.incidents import Incident, Severity
from storage.store import AuditEntry

ON_WORDS = ("on", "sur")  # "/incident critical DB down on 4.1" (or "sur 4.1")
MAX_LINKS = 2  # the fix, then the runbook


def list_command(call: Call) -> Reply:
    """/incident alone: the open incidents, critical first, each with its age in work days."""
    if call.args:  # a word that is no sub-command: the table routes known words before this
        raise InputError(_("'{word}' is not an /incident command. Usage: {usage}", word=show(call.args[0], 30),
                           usage=_(call.usage)))
    ctx = call.ctx
    found = milestones.incident_rows(ctx, milestones.digest_config(call), call.clock())
    closed = sum(1 for i in ctx.incidents.values() if not i.is_open)
    return Reply(True, say.list_text(ctx.slug, found, closed), kind="incidents",
                 data={"plan": ctx.slug, "incidents": found, "closed": closed})


def open_critical(call: Call) -> Reply:
    return _open(call, Severity.CRITICAL)


def open_major(call: Call) -> Reply:
    return _open(call, Severity.MAJOR)


def open_minor(call: Call) -> Reply:
    return _open(call, Severity.MINOR)


def _open(call: Call, severity: Severity) -> Reply:
    ctx = call.ctx
    words, story = list(call.args), None
    if len(words) >= 2 and words[-2].lower() in ON_WORDS and STORY_ID.match(words[-1]):
        story = call.known_story(words[-1])
        words = words[:-2]
    what = free_text(words)
    if not what:
        raise InputError(_("What happened? Usage: {usage}", usage=_(call.usage)))
    with call.store.atomic():  # the number is decided and used under the plan's log lock
        call.store.lock_log(ctx.slug)
        entries = call.store.audit(ctx.slug)
        incidents = log.fold(entries)
        again = _already(entries, call.request_id, incidents)
        if again is not None:
            return Reply(True, say.already_recorded(again.key), kind="duplicate",
                         data={"plan": ctx.slug, "incident": again.key, "story": again.story, "duplicate": True})
        number = log.next_number(incidents)
        entry = call.store.record_audit(ctx.slug, call.actor, log.OPEN_ACTION,
                                        log.open_payload(number, severity, what, story),
                                        at=call.clock(), request_id=call.request_id)
    incident = Incident(number, severity, what, story, call.actor, entry.at)
    holds = [c.name for c in ctx.plan.checkpoints if story in c.stories] if incident.critical and story else []
    text = say.opened(incident, _label(call, story), holds)
    data = {"plan": ctx.slug, "incident": incident.key, "number": number, "severity": str(severity),
            "story": story, "holds": holds}
    return Reply(True, text, kind="incident", data=data,
                 notifications=(to_channel(ctx, lambda: say.opened(incident, _label(call, story), holds), data),),
                 concerns=(call.actor,))


def close(call: Call) -> Reply:
    """/incident close INC-n FIX-LINK [RUNBOOK-LINK] [note]: a critical incident needs both links."""
    ctx = call.ctx
    number = log.number_of(call.args[0]) if call.args else None
    if number is None:
        raise InputError(_("Which incident? Name it as INC-n. Usage: {usage}", usage=_(call.usage)))
    given = evidence(call.args[1:])
    if len(given.links) > MAX_LINKS:
        raise InputError(_("Two links at most: the fix, then the runbook. Usage: {usage}", usage=_(call.usage)))
    fix = given.links[0] if given.links else None
    runbook = given.links[1] if len(given.links) > 1 else None
    key = log.key_of(number)
    with call.store.atomic():
        call.store.lock_log(ctx.slug)
        entries = call.store.audit(ctx.slug)
        incidents = log.fold(entries)
        again = _already(entries, call.request_id, incidents)
        if again is not None:
            return Reply(True, say.already_recorded(_("{key} closed", key=again.key)), kind="duplicate",
                         data={"plan": ctx.slug, "incident": again.key, "story": again.story, "duplicate": True})
        decision = log.decide_close(number, incidents, fix, runbook)
        if not decision.allowed:
            story = decision.incident.story if decision.incident else None
            return refusal(say.close_refusal(decision, ctx.slug), decision.code, incident=key, story=story)
        entry = call.store.record_audit(ctx.slug, call.actor, log.CLOSE_ACTION,
                                        log.close_payload(number, fix, runbook, given.note),
                                        at=call.clock(), request_id=call.request_id)
    after = log.fold([*entries, entry])
    incident = after[number]
    freed = [c.name for c in ctx.plan.checkpoints
             if incident.critical and incident.story in c.stories and not log.holding(after, c.stories)]
    text = say.closed(incident, _label(call, incident.story), freed)
    data = {"plan": ctx.slug, "incident": key, "number": number, "severity": str(incident.severity),
            "story": incident.story, "closed": True, "fix": fix, "runbook": runbook, "freed": freed}
    return Reply(True, text, kind="incident", data=data,
                 notifications=(to_channel(ctx, lambda: say.closed(incident, _label(call, incident.story), freed),
                                           data),), concerns=(call.actor,))


def _already(entries: list[AuditEntry], request_id: str, incidents: dict[int, Incident]) -> Incident | None:
    """The incident a retried request (same request id) already opened or closed, if it is one."""
    entry = next((e for e in entries if e.request_id == request_id), None)
    number = log.number_in(entry) if entry is not None else None
    return incidents.get(number) if number is not None else None


def _label(call: Call, story: str | None) -> str | None:
    return call.ctx.story(story).label if story and call.ctx.plan.has(story) else story
