"""/checkpoint: the plan's checkpoints, reached and validated; `/checkpoint A LINK [LINK…] [note]`
attaches a reached checkpoint's proofs.

Anyone of the workspace may attach proofs to a reached checkpoint: they are recorded and shown.
The checkpoint is *validated* when a lead who is not the only person who did its stories attaches
them — with their own links, or with none to validate the proofs already attached since it was
reached. Proofs are refused before the checkpoint is reached, with a link that is not one, and
while a critical incident is open on one of its stories (`planner.checkpoints.decide_proofs`).
The decision is made and recorded in one transaction under the plan's log lock, on the stories
and log as they are then; a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import _
from bot.render import milestones as say
from bot.render.mrkdwn import esc
from bot.service import milestones
from bot.service.context import Call
from bot.service.parsing import InputError, evidence, show
from bot.service.replies import Reply, refusal, to_channel
from planner import checkpoints as proofs
from planner import incidents
from planner.checkpoints import Attachment


def command(call: Call) -> Reply:
    ctx = call.ctx
    if not call.args:
        found = milestones.checkpoint_rows(ctx)
        return Reply(True, say.list_text(ctx.slug, found), kind="checkpoints",
                     data={"plan": ctx.slug, "checkpoints": found})
    checkpoint = proofs.find(ctx.plan, call.args[0])
    if checkpoint is None:
        names = ", ".join(c.name for c in ctx.plan.checkpoints) or _("none")
        raise InputError(_("There is no checkpoint '{name}' in {plan} (its checkpoints: {names}). Usage: {usage}",
                           name=show(call.args[0], 20), plan=ctx.slug, names=names, usage=_(call.usage)))
    given = evidence(call.args[1:])
    with call.store.atomic():  # decided on the stories and the log as they are, under the plan's log lock
        call.store.lock_log(ctx.slug)
        entries = call.store.audit(ctx.slug)
        if any(e.request_id == call.request_id for e in entries):
            return Reply(True, _("Already recorded: the proofs of checkpoint {name}.", name=esc(checkpoint.name)),
                         kind="duplicate", data={"plan": ctx.slug, "checkpoint": checkpoint.name, "duplicate": True})
        status = proofs.status_of(checkpoint, call.store.statuses(ctx.slug), proofs.fold(entries),
                                  incidents.fold(entries))
        links = given.links
        if not links and call.is_lead and status.latest is not None:
            links = status.latest.links  # a lead validates the proofs someone attached
        decision = proofs.decide_proofs(status, call.actor, call.is_lead, " ".join(links) or None)
        if decision.allowed and not decision.validates and not given.links:
            # Nothing new to record: the proofs are already attached, and this lead can't validate them.
            decision = replace(decision, allowed=False, code="cannot-validate")
        if not decision.allowed:
            return refusal(say.proofs_refusal(decision), decision.code, checkpoint=checkpoint.name,
                           missing=list(status.missing), incidents=[i.key for i in status.held_by])
        entry = call.store.record_audit(ctx.slug, call.actor, proofs.PROOFS_ACTION,
                                        proofs.proofs_payload(checkpoint.name, links, decision.validates, given.note),
                                        at=call.clock(), request_id=call.request_id)
    attachment = Attachment(checkpoint.name, tuple(links), call.actor, entry.at, decision.validates, given.note)
    text = say.attached(status, attachment, decision.why_not)
    data = {"plan": ctx.slug, "checkpoint": checkpoint.name, "validated": decision.validates,
            "links": list(links), "why_not": decision.why_not or None, "stories": list(checkpoint.stories)}
    milestone = {"milestone": "validated"} if decision.validates else {}
    return Reply(True, text, kind="checkpoint", data=data,
                 notifications=(to_channel(ctx, lambda: say.attached(status, attachment, decision.why_not),
                                           {**data, **milestone}),),
                 concerns=(call.actor,))
