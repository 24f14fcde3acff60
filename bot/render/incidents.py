"""What incidents say: opened and closed in the channel, /incident's list, the refusals of a close,
and their lines on the board, in the digest and in App Home.

People are ids in the data; they are named here. Everything a person typed (what happened, a
note, a link) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_, _, n_
from bot.render.mrkdwn import esc, mention, truncate, who
from bot.render.refusals import link_problem_text
from planner.incidents import CloseDecision, Incident, Severity

MARK = {Severity.CRITICAL: "🚨", Severity.MAJOR: "🟠", Severity.MINOR: "🟡"}
SEVERITY_NAMES = {Severity.CRITICAL: N_("critical"), Severity.MAJOR: N_("major"), Severity.MINOR: N_("minor")}
WHAT_MAX = 300
LINK_MAX = 300
OPEN_FORMS = N_("/incident critical|major|minor <what> [on ID]")


def severity_word(severity: str) -> str:
    """A severity as a sentence says it: "critical" / "critique"."""
    word = {str(k): v for k, v in SEVERITY_NAMES.items()}.get(str(severity))
    return _(word) if word else str(severity)


def _mark(severity: str) -> str:
    return {str(k): v for k, v in MARK.items()}.get(severity, "•")


def _link(url: str | None) -> str:
    return esc(truncate(url, LINK_MAX)) if url else "—"


def _head(key: str, severity: str, label: str | None) -> str:
    """"INC-3 critical on 4.1" (or "INC-3 critical" without a story)."""
    if label:
        return _("{key} {severity} on {story}", key=key, severity=severity_word(severity), story=esc(label))
    return f"{key} {severity_word(severity)}"


def close_usage(key: str, critical: bool) -> str:
    """The close command to type, placeholders escaped: the runbook is required only when critical."""
    if critical:
        return esc(_("/incident close {key} <fix link> <runbook link>", key=key))
    return esc(_("/incident close {key} <fix link> [runbook link]", key=key))


def reference(incident: Incident) -> str:
    """"INC-3 (critical, on 4.1)": an incident as a refusal or announcement names it."""
    severity = severity_word(incident.severity)
    if incident.story:
        return _("{key} ({severity}, on {story})", key=incident.key, severity=severity, story=esc(incident.story))
    return f"{incident.key} ({severity})"


def opened(incident: Incident, label: str | None, holds: Sequence[str]) -> str:
    """The channel announcement (and the reply) of a new incident."""
    text = _("{mark} {incident}, opened by {who}: {what}", mark=MARK[incident.severity],
             incident=_head(incident.key, incident.severity, label), who=mention(incident.opened_by),
             what=esc(truncate(incident.what, WHAT_MAX)))
    if incident.critical:
        text += "\n" + _("A critical incident is closed only with its fix and its runbook: {usage}",
                         usage=close_usage(incident.key, True))
    else:
        text += "\n" + _("Close it with its fix: {usage}", usage=close_usage(incident.key, False))
    if holds:
        names = ", ".join(esc(h) for h in holds)
        text += "\n" + n_("⛔ It holds checkpoint {names}: no proofs are taken until it is closed.",
                          "⛔ It holds checkpoints {names}: no proofs are taken until it is closed.",
                          len(holds), names=names)
    return text


def closed(incident: Incident, label: str | None, freed: Sequence[str]) -> str:
    """The channel announcement (and the reply) of a closed incident; `freed`: the checkpoints it held
    that nothing holds any more."""
    runbook = _(" · runbook: {link}", link=_link(incident.runbook)) if incident.runbook else ""
    note = _(" Note: {note}", note=esc(truncate(incident.note, WHAT_MAX))) if incident.note else ""
    severity = severity_word(incident.severity)
    values = {"key": incident.key, "severity": severity, "who": mention(incident.closed_by),
              "fix": _link(incident.fix), "runbook": runbook, "note": note}
    if label:
        text = _("✅ {key} ({severity} on {story}) closed by {who} — fix: {fix}{runbook}.{note}",
                 story=esc(label), **values)
    else:
        text = _("✅ {key} ({severity}) closed by {who} — fix: {fix}{runbook}.{note}", **values)
    if freed:
        text += "\n" + n_("Checkpoint {names} is no longer held: proofs are taken once reached.",
                          "Checkpoints {names} are no longer held: proofs are taken once reached.",
                          len(freed), names=", ".join(esc(n) for n in freed))
    return text


def already_recorded(key: str) -> str:
    return _("Already recorded: {key}.", key=key)


def close_refusal(decision: CloseDecision, slug: str) -> str:
    """Why INC-n can't be closed, then what to type instead on its own line."""
    key = f"INC-{decision.number}"
    incident = decision.incident
    if decision.code == "unknown-incident":
        return _("There is no {key} in {slug}.\n/incident lists the open ones.", key=key, slug=esc(slug))
    if incident is None:
        return _("{key} can't be closed ({code}).", key=key, code=decision.code)
    if decision.code == "already-closed":
        by = mention(incident.closed_by)
        if incident.closed_at:
            return _("{key} is already closed, by {who} on {day}.", key=key, who=by,
                     day=incident.closed_at.strftime("%Y-%m-%d"))
        return _("{key} is already closed, by {who}.", key=key, who=by)
    usage = close_usage(key, incident.critical)
    if decision.code == "runbook-required":
        return _("{incident} is critical: it is closed only with a link to its fix and a link to its runbook "
                 "(the plan's rule: every critical incident ⇒ fix + runbook).\n{usage}",
                 incident=reference(incident), usage=usage)
    if decision.code == "bad-link" and decision.link is not None:
        if decision.link.kind == "missing":
            return _("Can't close {key}: a link to its fix is required (the pull request or commit).\n{usage}",
                     key=key, usage=usage)
        problem = link_problem_text(decision.link)
        if decision.which == "runbook":
            return _("Can't close {key}: its runbook link is wrong — {problem}.\n{usage}",
                     key=key, problem=problem, usage=usage)
        return _("Can't close {key}: its fix link is wrong — {problem}.\n{usage}", key=key, problem=problem, usage=usage)
    return _("{key} can't be closed ({code}).", key=key, code=decision.code)


# -- lists: /incident, the board, the digest, App Home -------------------------------------------


def line(row: dict, *, age: bool = True) -> str:
    """One incident row (`planner.incidents.rows`): key, severity, story, what, who, since when."""
    days = row.get("age_workdays")
    opener = who(row["opened_by"])
    if age and days is not None and row["open"]:
        by = n_("({who}, {n} work day open)", "({who}, {n} work days open)", days, who=opener)
    else:
        by = f"({opener})"
    holding = row.get("holds") or []
    holds = n_(" — holds checkpoint {names}", " — holds checkpoint {names}", len(holding),
               names=", ".join(esc(h) for h in holding)) if holding else ""
    return (f"{_mark(row['severity'])} {_head(row['incident'], row['severity'], row.get('label'))} — "
            f"{esc(truncate(row['what'], 200))} {by}{holds}")


def list_text(slug: str, rows: Sequence[dict], closed_count: int) -> str:
    """/incident: the open incidents, critical first, and how to open or close one."""
    if not rows:
        text = (_("No open incident in {slug} ({closed} closed).", slug=esc(slug), closed=closed_count)
                if closed_count else _("No open incident in {slug}.", slug=esc(slug)))
    else:
        head = (_("*Open incidents in {slug}*: {n} ({closed} closed)", slug=esc(slug), n=len(rows), closed=closed_count)
                if closed_count else _("*Open incidents in {slug}*: {n}", slug=esc(slug), n=len(rows)))
        text = "\n".join([head, *(f"  • {line(r)}" for r in rows)])
    return text + "\n" + esc(_("Open one: {forms} · close one: /incident close INC-n <fix link> <runbook link>",
                               forms=_(OPEN_FORMS)))


def board_lines(rows: Sequence[dict]) -> list[str]:
    """The board's lines for the open incidents (none: no lines)."""
    if not rows:
        return []
    return [_("*Open incidents*"), *(f"  • {line(r)}" for r in rows)]


def summary_line(rows: Sequence[dict]) -> str | None:
    """The digest's one line: "🚨 *Incidents open*: 2 — INC-3 critical on 4.1 (2 work days) · …"."""
    if not rows:
        return None
    parts = []
    for r in rows[:5]:
        head = _head(r["incident"], r["severity"], r.get("story"))
        days = r.get("age_workdays")
        parts.append(n_("{head} ({n} work day)", "{head} ({n} work days)", days, head=head)
                     if days is not None else head)
    if len(rows) > 5:
        parts.append(n_("+{n} more", "+{n} more", len(rows) - 5))
    return _("🚨 *Incidents open*: {n} — {incidents}", n=len(rows), incidents=" · ".join(parts))


def headline_part(rows: Sequence[dict]) -> str | None:
    """The digest headline's words: "1 critical incident open" (or "2 incidents open")."""
    if not rows:
        return None
    critical = sum(1 for r in rows if r["severity"] == Severity.CRITICAL)
    if critical:
        return n_("{n} critical incident open", "{n} critical incidents open", critical)
    return n_("{n} incident open", "{n} incidents open", len(rows))
