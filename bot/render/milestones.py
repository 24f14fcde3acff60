"""What checkpoints and the end of the plan say: "Checkpoint A reached", proofs attached or
validated, /checkpoint's list and refusals, checkpoint lines on the board, in the digest and App
Home, and the end-of-plan announcement with its figures.

The data are `planner.checkpoints` statuses (or their JSON rows) and `planner.figures.Figures`;
people are named here, and everything a person typed (links, notes) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.incidents import reference
from bot.render.mrkdwn import esc, mention, truncate, who
from bot.render.refusals import link_problem_text
from planner.checkpoints import Attachment, CheckpointStatus, ProofDecision
from planner.figures import Figures

LINKS_MAX = 400
NOTE_MAX = 300
VALIDATE_RULE = "a lead who did not do all of its stories validates it"


def _ids(ids: Sequence[str], cap: int = 12) -> str:
    shown = ", ".join(esc(s) for s in ids[:cap])
    return shown + (f", … +{len(ids) - cap}" if len(ids) > cap else "")


def _links(links: Sequence[str]) -> str:
    return esc(truncate(" ".join(links), LINKS_MAX))


def attach_usage(name: str) -> str:
    return esc(f"/checkpoint {name} <proof link> [more links] [note]")


def _expected(expected: str) -> str:
    return f"proofs expected: {esc(expected)}" if expected else "the plan names no proof: attach what shows it"


def _held(keys: Sequence[str]) -> str:
    return f"held by {', '.join(esc(k) for k in keys)} (critical, open)" if keys else ""


# -- announcements ------------------------------------------------------------------------------


def reached(status: CheckpointStatus) -> str:
    """In the channel when the last story of a checkpoint is done:
    "🏁 Checkpoint A reached: 1.1, 1.3, 1.4 — proofs expected: hardening + VPN + secrets"."""
    text = f"🏁 Checkpoint {esc(status.name)} reached: {_ids(status.stories)} — {_expected(status.expected)}"
    if status.held_by:
        incidents = ", ".join(reference(i) for i in status.held_by)
        return text + f"\n⛔ Held by {incidents}: its proofs are taken once that is closed."
    return text + f"\nA lead attaches them: {attach_usage(status.name)}"


def attached(status: CheckpointStatus, attachment: Attachment, why_not: str) -> str:
    """In the channel when proofs are attached: validated, or recorded for a lead to validate."""
    name, by = esc(status.name), mention(attachment.by)
    note = f" Note: {esc(truncate(attachment.note, NOTE_MAX))}" if attachment.note else ""
    if attachment.validates:
        return f"🏁 Checkpoint {name} validated by {by}: {_links(attachment.links)}.{note}"
    text = f"📎 {by} attached the proofs of checkpoint {name}: {_links(attachment.links)}.{note}"
    if why_not == "only-author":
        return text + (f"\n{by} did every one of its stories, so another lead validates them: "
                       f"{esc(f'/checkpoint {status.name}')} (these proofs) or with their own links.")
    return text + (f"\nA lead validates them: {esc(f'/checkpoint {status.name}')} (these proofs) "
                   "or with their own links.")


def delivered(slug: str, figures: Figures, unvalidated: Sequence[str]) -> str:
    """In the channel when the last story of the plan is done, with the figures of the delivery."""
    span = ""
    if figures.started_on and figures.finished_on:
        span = f" ({figures.started_on:%a %d %b} – {figures.finished_on:%a %d %b})"
    days = f"{figures.workdays} work day{'' if figures.workdays == 1 else 's'}"
    critical = f" ({figures.critical} critical)" if figures.critical else ""
    parts = [
        f"{figures.sent_back} review{'' if figures.sent_back == 1 else 's'} sent back",
        f"{figures.forced} forced start{'' if figures.forced == 1 else 's'}",
        f"{figures.incidents} incident{'' if figures.incidents == 1 else 's'}{critical}",
    ]
    if figures.reopened:
        parts.append(f"{figures.reopened} reopened")
    text = (f"🎉 {esc(slug)} is delivered: all {figures.stories} stories done in {days}{span} · "
            + " · ".join(parts) + ".")
    if figures.open_incidents:
        text += f"\nStill open: {', '.join(figures.open_incidents)} (/incident lists them)."
    if unvalidated:
        text += (f"\nCheckpoint{'s' if len(unvalidated) > 1 else ''} not validated yet: {_ids(unvalidated)} — "
                 f"{esc('/checkpoint NAME <proof link>…')}")
    return text


# -- /checkpoint --------------------------------------------------------------------------------


def line(row: dict) -> str:
    """One checkpoint row (`CheckpointStatus.to_row`) as the board, the list and App Home show it:
    "A: 3/3 ✓ validated by @lea — https://…", "B: 3/3 ✓ reached — proofs expected: …", "C: 1/4 — missing …"."""
    head = f"{esc(row['name'])}: {row['done']}/{row['total']}"
    held = _held(row.get("held_by") or [])
    if row.get("validated"):
        return f"{head} ✓ validated by {who(row.get('validated_by'))} — {_links(row.get('links') or [])}"
    if row.get("reached"):
        text = f"{head} ✓ reached, not validated — {_expected(row.get('expected') or '')}"
        if row.get("links"):
            text += f"; proofs attached by {who(row.get('links_by'))}, awaiting a lead"
        return text + (f" — {held}" if held else "")
    missing = f" — missing {_ids(row['missing'])}" if row.get("missing") else ""
    return head + missing + (f" — {held}" if held else "")


def list_text(slug: str, rows: Sequence[dict]) -> str:
    """/checkpoint: every checkpoint, reached or not, validated or not, and how to validate one."""
    if not rows:
        return f"{esc(slug)} names no checkpoint."
    validated = sum(1 for r in rows if r.get("validated"))
    reached_count = sum(1 for r in rows if r.get("reached"))
    lines = [f"*Checkpoints of {esc(slug)}*: {reached_count} of {len(rows)} reached, {validated} validated"]
    lines += [f"  • {line(r)}" for r in rows]
    lines.append(f"Attach a reached checkpoint's proofs: {esc('/checkpoint NAME <proof link>…')} ({VALIDATE_RULE}).")
    return "\n".join(lines)


def inline(rows: Sequence[dict], cap: int = 8) -> str:
    """The digest's summary words: "A ✓ validated · B 3/3 ✓ reached · C 1/4 ⛔ INC-3 · D 0/2"."""
    parts = []
    for r in rows[:cap]:
        if r.get("validated"):
            parts.append(f"{esc(r['name'])} ✓ validated")
        elif r.get("reached"):
            parts.append(f"{esc(r['name'])} {r['done']}/{r['total']} ✓ reached, proofs awaited")
        else:
            parts.append(f"{esc(r['name'])} {r['done']}/{r['total']}")
        if r.get("held_by"):
            parts[-1] += f" ⛔ {', '.join(esc(k) for k in r['held_by'])}"
    if len(rows) > cap:
        parts.append(f"+{len(rows) - cap} more")
    return " · ".join(parts)


def proofs_refusal(decision: ProofDecision) -> str:
    """Why these proofs can't be attached now, then what to do instead on its own line."""
    status, code = decision.status, decision.code
    name = esc(status.name)
    if code == "already-validated" and status.validation is not None:
        v = status.validation
        return f"Checkpoint {name} is already validated, by {mention(v.by)} on {v.at:%Y-%m-%d}: {_links(v.links)}."
    if code == "not-reached":
        many = len(status.missing) > 1
        return (f"Checkpoint {name} is not reached: {_ids(status.missing)} {'are' if many else 'is'} not done yet.\n"
                f"Its proofs are attached once {_ids(status.stories)} are done.")
    if code == "bad-link" and decision.link is not None:
        problem = ("its proofs are links (http(s) URLs: the report, the dashboard, the drill's record)"
                   if decision.link.kind == "missing" else link_problem_text(decision.link))
        return f"Can't attach the proofs of checkpoint {name}: {problem}.\n{attach_usage(status.name)}"
    if code == "incident-open":
        incidents = ", ".join(reference(i) for i in status.held_by)
        first = status.held_by[0]
        return (f"Checkpoint {name} can't take its proofs while {incidents} "
                f"{'is' if len(status.held_by) == 1 else 'are'} open (the plan's rule: every critical "
                f"incident ⇒ fix + runbook).\n"
                f"Close it first: {esc(f'/incident close {first.key} <fix link> <runbook link>')}")
    if code == "cannot-validate":
        return (f"You did every story of checkpoint {name}, so another lead validates its proofs "
                "(they are already attached).\nAsk another lead: /team shows them.")
    return f"Checkpoint {name}: not allowed ({esc(code)})."
