"""What incidents say: opened and closed in the channel, /incident's list, the refusals of a close,
and their lines on the board, in the digest and in App Home.

People are ids in the data; they are named here. Everything a person typed (what happened, a
note, a link) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.mrkdwn import esc, mention, truncate, who
from bot.render.refusals import link_problem_text
from planner.incidents import CloseDecision, Incident, Severity

MARK = {Severity.CRITICAL: "🚨", Severity.MAJOR: "🟠", Severity.MINOR: "🟡"}
WHAT_MAX = 300
LINK_MAX = 300
OPEN_FORMS = "/incident critical|major|minor <what> [on ID]"


def _mark(severity: str) -> str:
    return {str(k): v for k, v in MARK.items()}.get(severity, "•")


def _link(url: str | None) -> str:
    return esc(truncate(url, LINK_MAX)) if url else "—"


def _on(label: str | None) -> str:
    return f" on {esc(label)}" if label else ""


def close_usage(key: str, critical: bool) -> str:
    """The close command to type, placeholders escaped: the runbook is required only when critical."""
    runbook = "<runbook link>" if critical else "[runbook link]"
    return esc(f"/incident close {key} <fix link> {runbook}")


def reference(incident: Incident) -> str:
    """"INC-3 (critical, on 4.1)": an incident as a refusal or announcement names it."""
    on = f", on {esc(incident.story)}" if incident.story else ""
    return f"{incident.key} ({incident.severity}{on})"


def opened(incident: Incident, label: str | None, holds: Sequence[str]) -> str:
    """The channel announcement (and the reply) of a new incident."""
    text = (f"{MARK[incident.severity]} {incident.key} {incident.severity}{_on(label)}, opened by "
            f"{mention(incident.opened_by)}: {esc(truncate(incident.what, WHAT_MAX))}")
    if incident.critical:
        text += f"\nA critical incident is closed only with its fix and its runbook: {close_usage(incident.key, True)}"
    else:
        text += f"\nClose it with its fix: {close_usage(incident.key, False)}"
    if holds:
        names = ", ".join(esc(h) for h in holds)
        text += (f"\n⛔ It holds checkpoint{'s' if len(holds) > 1 else ''} {names}: no proofs are taken "
                 "until it is closed.")
    return text


def closed(incident: Incident, label: str | None, freed: Sequence[str]) -> str:
    """The channel announcement (and the reply) of a closed incident; `freed`: the checkpoints it held
    that nothing holds any more."""
    runbook = f" · runbook: {_link(incident.runbook)}" if incident.runbook else ""
    note = f" Note: {esc(truncate(incident.note, WHAT_MAX))}" if incident.note else ""
    text = (f"✅ {incident.key} ({incident.severity}{_on(label)}) closed by {mention(incident.closed_by)} — "
            f"fix: {_link(incident.fix)}{runbook}.{note}")
    if freed:
        many = len(freed) > 1
        text += (f"\nCheckpoint{'s' if many else ''} {', '.join(esc(n) for n in freed)} "
                 f"{'are' if many else 'is'} no longer held: proofs are taken once reached.")
    return text


def already_recorded(key: str) -> str:
    return f"Already recorded: {key}."


def close_refusal(decision: CloseDecision, slug: str) -> str:
    """Why INC-n can't be closed, then what to type instead on its own line."""
    key = f"INC-{decision.number}"
    incident = decision.incident
    if decision.code == "unknown-incident":
        return f"There is no {key} in {esc(slug)}.\n/incident lists the open ones."
    if incident is None:
        return f"{key} can't be closed ({decision.code})."
    if decision.code == "already-closed":
        when = f" on {incident.closed_at:%Y-%m-%d}" if incident.closed_at else ""
        return f"{key} is already closed, by {mention(incident.closed_by)}{when}."
    usage = close_usage(key, incident.critical)
    if decision.code == "runbook-required":
        return (f"{reference(incident)} is critical: it is closed only with a link to its fix and a link to its "
                f"runbook (the plan's rule: every critical incident ⇒ fix + runbook).\n{usage}")
    if decision.code == "bad-link" and decision.link is not None:
        if decision.link.kind == "missing":
            return f"Can't close {key}: a link to its fix is required (the pull request or commit).\n{usage}"
        return f"Can't close {key}: its {decision.which} link is wrong — {link_problem_text(decision.link)}.\n{usage}"
    return f"{key} can't be closed ({decision.code})."


# -- lists: /incident, the board, the digest, App Home -------------------------------------------


def line(row: dict, *, age: bool = True) -> str:
    """One incident row (`planner.incidents.rows`): key, severity, story, what, who, since when."""
    days = row.get("age_workdays")
    since = f", {days} work day{'' if days == 1 else 's'} open" if age and days is not None and row["open"] else ""
    holds = f" — holds checkpoint {', '.join(esc(h) for h in row['holds'])}" if row.get("holds") else ""
    return (f"{_mark(row['severity'])} {row['incident']} {row['severity']}{_on(row.get('label'))} — "
            f"{esc(truncate(row['what'], 200))} ({who(row['opened_by'])}{since}){holds}")


def list_text(slug: str, rows: Sequence[dict], closed_count: int) -> str:
    """/incident: the open incidents, critical first, and how to open or close one."""
    closed_part = f" ({closed_count} closed)" if closed_count else ""
    if not rows:
        text = f"No open incident in {esc(slug)}{closed_part}."
    else:
        text = "\n".join([f"*Open incidents in {esc(slug)}*: {len(rows)}{closed_part}",
                          *(f"  • {line(r)}" for r in rows)])
    return text + "\n" + esc(f"Open one: {OPEN_FORMS} · close one: /incident close INC-n <fix link> <runbook link>")


def board_lines(rows: Sequence[dict]) -> list[str]:
    """The board's lines for the open incidents (none: no lines)."""
    if not rows:
        return []
    return ["*Open incidents*", *(f"  • {line(r)}" for r in rows)]


def summary_line(rows: Sequence[dict]) -> str | None:
    """The digest's one line: "🚨 *Incidents open*: 2 — INC-3 critical on 4.1 (2 work days) · …"."""
    if not rows:
        return None
    parts = []
    for r in rows[:5]:
        on = f" on {esc(r['story'])}" if r.get("story") else ""
        days = r.get("age_workdays")
        age = f" ({days} work day{'' if days == 1 else 's'})" if days is not None else ""
        parts.append(f"{r['incident']} {r['severity']}{on}{age}")
    more = f" · +{len(rows) - 5} more" if len(rows) > 5 else ""
    return f"🚨 *Incidents open*: {len(rows)} — " + " · ".join(parts) + more


def headline_part(rows: Sequence[dict]) -> str | None:
    """The digest headline's words: "1 critical incident open" (or "2 incidents open")."""
    if not rows:
        return None
    critical = sum(1 for r in rows if r["severity"] == Severity.CRITICAL)
    if critical:
        return f"{critical} critical incident{'' if critical == 1 else 's'} open"
    return f"{len(rows)} incident{'' if len(rows) == 1 else 's'} open"
