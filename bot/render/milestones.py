"""What checkpoints and the end of the plan say: "Checkpoint A reached", proofs attached or
validated, /checkpoint's list and refusals, checkpoint lines on the board, in the digest and App
Home, and the end-of-plan announcement with its figures.

The data are `planner.checkpoints` statuses (or their JSON rows) and `planner.figures.Figures`;
people are named here, and everything a person typed (links, notes) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import N_, _, n_
from bot.i18n.formats import weekday_day
from bot.render.incidents import close_usage, reference
from bot.render.mrkdwn import esc, mention, truncate, who
from bot.render.refusals import link_problem_text
from planner.checkpoints import Attachment, CheckpointStatus, ProofDecision
from planner.figures import Figures

LINKS_MAX = 400
NOTE_MAX = 300
VALIDATE_RULE = N_("a lead who did not do all of its stories validates it")


def _ids(ids: Sequence[str], cap: int = 12) -> str:
    shown = ", ".join(esc(s) for s in ids[:cap])
    return shown + (f", … +{len(ids) - cap}" if len(ids) > cap else "")


def _links(links: Sequence[str]) -> str:
    return esc(truncate(" ".join(links), LINKS_MAX))


def attach_usage(name: str) -> str:
    return esc(_("/checkpoint {name} <proof link> [more links] [note]", name=name))


def _any_usage() -> str:
    return esc(_("/checkpoint NAME <proof link>…"))


def _expected(expected: str) -> str:
    if expected:
        return _("proofs expected: {expected}", expected=esc(expected))
    return _("the plan names no proof: attach what shows it")


def _held(keys: Sequence[str]) -> str:
    return _("held by {incidents} (critical, open)", incidents=", ".join(esc(k) for k in keys)) if keys else ""


def _day(when: date) -> str:
    """"Mon 07 Dec" / "lun. 07 déc."."""
    return weekday_day(when)


# -- announcements ------------------------------------------------------------------------------


def reached(status: CheckpointStatus) -> str:
    """In the channel when the last story of a checkpoint is done:
    "🏁 Checkpoint A reached: 1.1, 1.3, 1.4 — proofs expected: hardening + VPN + secrets"."""
    text = _("🏁 Checkpoint {name} reached: {stories} — {expected}", name=esc(status.name),
             stories=_ids(status.stories), expected=_expected(status.expected))
    if status.held_by:
        incidents = ", ".join(reference(i) for i in status.held_by)
        return text + "\n" + _("⛔ Held by {incidents}: its proofs are taken once that is closed.", incidents=incidents)
    return text + "\n" + _("A lead attaches them: {usage}", usage=attach_usage(status.name))


def attached(status: CheckpointStatus, attachment: Attachment, why_not: str) -> str:
    """In the channel when proofs are attached: validated, or recorded for a lead to validate."""
    name, by = esc(status.name), mention(attachment.by)
    note = _(" Note: {note}", note=esc(truncate(attachment.note, NOTE_MAX))) if attachment.note else ""
    links = _links(attachment.links)
    if attachment.validates:
        return _("🏁 Checkpoint {name} validated by {who}: {links}.{note}", name=name, who=by, links=links, note=note)
    text = _("📎 {who} attached the proofs of checkpoint {name}: {links}.{note}", who=by, name=name, links=links,
             note=note)
    usage = esc(f"/checkpoint {status.name}")
    if why_not == "only-author":
        return text + "\n" + _("{who} did every one of its stories, so another lead validates them: "
                               "{usage} (these proofs) or with their own links.", who=by, usage=usage)
    return text + "\n" + _("A lead validates them: {usage} (these proofs) or with their own links.", usage=usage)


def delivered(slug: str, figures: Figures, unvalidated: Sequence[str]) -> str:
    """In the channel when the last story of the plan is done, with the figures of the delivery."""
    span = ""
    if figures.started_on and figures.finished_on:
        span = f" ({_day(figures.started_on)} – {_day(figures.finished_on)})"
    days = n_("{n} work day", "{n} work days", figures.workdays)
    parts = [
        n_("{n} review sent back", "{n} reviews sent back", figures.sent_back),
        n_("{n} forced start", "{n} forced starts", figures.forced),
        n_("{n} incident ({critical} critical)", "{n} incidents ({critical} critical)", figures.incidents,
           critical=figures.critical)
        if figures.critical else n_("{n} incident", "{n} incidents", figures.incidents),
    ]
    if figures.reopened:
        parts.append(n_("{n} reopened", "{n} reopened", figures.reopened))
    text = _("🎉 {slug} is delivered: all {stories} stories done in {days}{span} · {figures}.", slug=esc(slug),
             stories=figures.stories, days=days, span=span, figures=" · ".join(parts))
    if figures.open_incidents:
        text += "\n" + _("Still open: {incidents} (/incident lists them).",
                         incidents=", ".join(figures.open_incidents))
    if unvalidated:
        text += "\n" + n_("Checkpoint not validated yet: {ids} — {usage}", "Checkpoints not validated yet: {ids} — {usage}",
                          len(unvalidated), ids=_ids(unvalidated), usage=_any_usage())
    return text


# -- /checkpoint --------------------------------------------------------------------------------


def line(row: dict) -> str:
    """One checkpoint row (`CheckpointStatus.to_row`) as the board, the list and App Home show it:
    "A: 3/3 ✓ validated by @lea — https://…", "B: 3/3 ✓ reached — proofs expected: …", "C: 1/4 — missing …"."""
    head = _("{name}: {done}/{total}", name=esc(row["name"]), done=row["done"], total=row["total"])
    held = _held(row.get("held_by") or [])
    if row.get("validated"):
        return _("{head} ✓ validated by {who} — {links}", head=head, who=who(row.get("validated_by")),
                 links=_links(row.get("links") or []))
    if row.get("reached"):
        text = _("{head} ✓ reached, not validated — {expected}", head=head, expected=_expected(row.get("expected") or ""))
        if row.get("links"):
            text += _("; proofs attached by {who}, awaiting a lead", who=who(row.get("links_by")))
        return text + (f" — {held}" if held else "")
    text = _("{head} — missing {stories}", head=head, stories=_ids(row["missing"])) if row.get("missing") else head
    return text + (f" — {held}" if held else "")


def list_text(slug: str, rows: Sequence[dict]) -> str:
    """/checkpoint: every checkpoint, reached or not, validated or not, and how to validate one."""
    if not rows:
        return _("{slug} names no checkpoint.", slug=esc(slug))
    validated = sum(1 for r in rows if r.get("validated"))
    reached_count = sum(1 for r in rows if r.get("reached"))
    lines = [_("*Checkpoints of {slug}*: {reached} of {total} reached, {validated} validated", slug=esc(slug),
               reached=reached_count, total=len(rows), validated=validated)]
    lines += [f"  • {line(r)}" for r in rows]
    lines.append(_("Attach a reached checkpoint's proofs: {usage} ({rule}).", usage=_any_usage(),
                   rule=_(VALIDATE_RULE)))
    return "\n".join(lines)


def inline(rows: Sequence[dict], cap: int = 8) -> str:
    """The digest's summary words: "A ✓ validated · B 3/3 ✓ reached · C 1/4 ⛔ INC-3 · D 0/2"."""
    parts = []
    for r in rows[:cap]:
        if r.get("validated"):
            parts.append(_("{name} ✓ validated", name=esc(r["name"])))
        elif r.get("reached"):
            parts.append(_("{name} {done}/{total} ✓ reached, proofs awaited", name=esc(r["name"]), done=r["done"],
                           total=r["total"]))
        else:
            parts.append(f"{esc(r['name'])} {r['done']}/{r['total']}")
        if r.get("held_by"):
            parts[-1] += f" ⛔ {', '.join(esc(k) for k in r['held_by'])}"
    if len(rows) > cap:
        parts.append(n_("+{n} more", "+{n} more", len(rows) - cap))
    return " · ".join(parts)


def proofs_refusal(decision: ProofDecision) -> str:
    """Why these proofs can't be attached now, then what to do instead on its own line."""
    status, code = decision.status, decision.code
    name = esc(status.name)
    if code == "already-validated" and status.validation is not None:
        v = status.validation
        return _("Checkpoint {name} is already validated, by {who} on {day}: {links}.", name=name, who=mention(v.by),
                 day=v.at.strftime("%Y-%m-%d"), links=_links(v.links))
    if code == "not-reached":
        return n_("Checkpoint {name} is not reached: {missing} is not done yet.\n"
                  "Its proofs are attached once {stories} are done.",
                  "Checkpoint {name} is not reached: {missing} are not done yet.\n"
                  "Its proofs are attached once {stories} are done.",
                  len(status.missing), name=name, missing=_ids(status.missing), stories=_ids(status.stories))
    if code == "bad-link" and decision.link is not None:
        problem = (_("its proofs are links (http(s) URLs: the report, the dashboard, the drill's record)")
                   if decision.link.kind == "missing" else link_problem_text(decision.link))
        return _("Can't attach the proofs of checkpoint {name}: {problem}.\n{usage}", name=name, problem=problem,
                 usage=attach_usage(status.name))
    if code == "incident-open":
        incidents = ", ".join(reference(i) for i in status.held_by)
        return n_("Checkpoint {name} can't take its proofs while {incidents} is open (the plan's rule: every "
                  "critical incident ⇒ fix + runbook).\nClose it first: {usage}",
                  "Checkpoint {name} can't take its proofs while {incidents} are open (the plan's rule: every "
                  "critical incident ⇒ fix + runbook).\nClose it first: {usage}",
                  len(status.held_by), name=name, incidents=incidents,
                  usage=close_usage(status.held_by[0].key, True))
    if code == "cannot-validate":
        return _("You did every story of checkpoint {name}, so another lead validates its proofs "
                 "(they are already attached).\nAsk another lead: /team shows them.", name=name)
    return _("Checkpoint {name}: not allowed ({code}).", name=name, code=esc(code))
