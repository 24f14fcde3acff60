"""The daily digest as text: a short summary for the channel and the details for its thread.

Both are rendered from `planner.digest.build_digest`'s data and nothing else. The lines are
mrkdwn (Slack fallback text, console and CLI alike) and every piece of user or plan text goes
through `text.esc`. `summary_lines` and `detail_sections` are shared with the Block Kit
renderer (the Slack layer's digest blocks), so the channel message and its text fallback always say
the same thing. No Slack import here: `deliverybot digest` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.render import incidents as I
from bot.render import milestones as M
from bot.render import text as T
from bot.render.mrkdwn import truncate, who

DETAIL_CAP = 15  # lines per section in the details (the rest: "… and N more")
IDS_CAP = 8  # ids in an inline list
GATES_IN_SUMMARY = 6
CHECKPOINTS_IN_SUMMARY = 8
LABEL_MAX = 120


# -- small pieces ------------------------------------------------------------------------------


def word(state: str | None) -> str:
    return T.STATE_WORDS_BY_VALUE.get(str(state), str(state))


def label(item: dict, key: str = "label") -> str:
    return T.esc(truncate(item.get(key) or item.get("story") or item.get("id") or "?", LABEL_MAX))


def ids(values: Sequence[str], cap: int = IDS_CAP) -> str:
    shown = ", ".join(T.esc(v) for v in values[:cap])
    return shown + (f", … +{len(values) - cap:,}" if len(values) > cap else "")


def when(iso: str | None) -> str:
    """An ISO time as people read it, "Mon 02 Mar 09:30", in the zone the data's times carry."""
    if not iso:
        return "?"
    try:
        return datetime.fromisoformat(str(iso)).strftime("%a %d %b %H:%M")
    except ValueError:
        return T.esc(truncate(str(iso), 40))


def workdays(n: int | None) -> str:
    if n is None:
        return "?"
    return f"{n} work day" + ("" if n == 1 else "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def link(url: str | None) -> str:
    return f" — {T.esc(truncate(url, 300))}" if url else ""


# -- the summary: one line per section ---------------------------------------------------------


def summary_lines(data: dict) -> list[tuple[str, str]]:
    """(section key, one mrkdwn line) for each section worth a line today. Gates, checkpoints,
    the critical path, changes and startable always have one; what waits only when something
    does, so a calm day reads in five lines."""
    out: list[tuple[str, str]] = []
    if data.get("four_eyes_off"):
        out.append(("four_eyes_off", four_eyes_off_line(data["four_eyes_off"])))
    if data["gates"]:
        out.append(("gates", "🚦 *Gates*: " + _gates_inline(data["gates"])))
    if data["checkpoints"]:
        out.append(("checkpoints", "🏁 *Checkpoints*: " + _checkpoints_inline(data["checkpoints"])))
    cp = data["critical_path"]
    if cp["path"]:
        out.append(("critical_path", "🔥 *Critical path*: " + _critical_inline(cp)))
    out.extend(_sprint_summary(data))
    out.append(("changes", _changes_inline(data["changes"])))
    out.append(("startable", _startable_inline(data["startable"])))
    reviews = data["reviews_waiting"]
    if reviews:
        oldest = reviews[0]
        out.append(
            (
                "reviews_waiting",
                f"👀 *Reviews waiting*: {len(reviews):,} — oldest {T.esc(oldest['story'])}, "
                f"{workdays(oldest['age_workdays'])}",
            )
        )
    stale = data["stale"]
    if stale:
        listed = ids([f"{s['story']} ({s['idle_workdays']})" for s in stale], 5)
        out.append(
            (
                "stale",
                f"💤 *No event for {data['stale_after']}+ work days*: {len(stale):,} — {listed}",
            )
        )
    forced = data["forced_open"]
    if forced:
        out.append(
            (
                "forced_open",
                f"⚠ *Forced starts still open*: {ids([f['story'] for f in forced], 5)} "
                "(no lasting bypass: their prerequisites must be done)",
            )
        )
    out.extend(_watch_summary(data))
    out.extend(_incident_summary(data))
    findings = data["findings"]
    if findings:
        out.append(("findings", "🔎 *Plan findings*: " + _findings_inline(findings)))
    stuck = data["stuck_claims"]
    if stuck:
        dates = [str(c.get("local_date") or c.get("date") or "?") for c in stuck]
        out.append(
            (
                "stuck_claims",
                f"⚠ *Earlier digests claimed but never sent*: {ids(dates, 5)}",
            )
        )
    if data["quiet"]:
        out.append(("quiet", "😌 Quiet: nothing changed and nothing waits."))
    return out


def four_eyes_off_line(off: dict) -> str:
    """Said every day while a lead has turned four eyes off (`/team solo on`)."""
    since = f" since {T.esc(str(off['since'])[:10])}" if off.get("since") else ""
    by = f" ({who(off['by'])})" if off.get("by") else ""
    return (f"⚠ *Four eyes off*{since}{by}: authors may approve their own stories — "
            "a lead turns them back on with /team solo off")


def _gates_inline(gates: list[dict]) -> str:
    """Every gate in plan order when they fit; otherwise the open ones first and the passed
    ones counted, since an open gate is what holds people back."""
    if len(gates) <= GATES_IN_SUMMARY:
        return " · ".join(_gate_inline(g) for g in gates)
    open_gates = [g for g in gates if g["state"] != "done"]
    parts = [_gate_inline(g) for g in open_gates[: GATES_IN_SUMMARY - 1]]
    if len(open_gates) > GATES_IN_SUMMARY - 1:
        parts.append(f"+{len(open_gates) - GATES_IN_SUMMARY + 1} more open")
    passed = len(gates) - len(open_gates)
    if passed:
        parts.append(f"{passed} passed ✓")
    return " · ".join(parts)


def _gate_inline(g: dict) -> str:
    head = f"{T.esc(g['story'])} ({T.esc(g['kind'])})"
    if g["state"] == "done":
        return f"{head} ✓"
    holder = f", {who(g['holder'])}" if g.get("holder") else ""
    days = f", {workdays(g['days_in_state'])}" if g["state"] != "todo" and g.get("since") else ""
    ready = " (startable)" if g.get("startable") else ""
    return f"{head} {word(g['state'])}{ready}{holder}{days}, {g['waiting_behind']:,} waiting"


def _checkpoints_inline(checkpoints: list[dict]) -> str:
    if checkpoints and "reached" in checkpoints[0]:  # reached and validated, as the service adds them
        return M.inline(checkpoints, CHECKPOINTS_IN_SUMMARY)
    parts = [
        f"{T.esc(c['name'])} {c['done']}/{c['total']}" + (" ✓" if c["total"] and not c["missing"] else "")
        for c in checkpoints[:CHECKPOINTS_IN_SUMMARY]
    ]
    if len(checkpoints) > CHECKPOINTS_IN_SUMMARY:
        parts.append(f"+{len(checkpoints) - CHECKPOINTS_IN_SUMMARY} more")
    return " · ".join(parts)


def _critical_inline(cp: dict) -> str:
    if not cp["current"]:
        return f"all {len(cp['path']):,} done ✓"
    holder = f", {who(cp['assignee'])}" if cp.get("assignee") else ""
    days = f", {workdays(cp['days_in_state'])}" if cp.get("days_in_state") is not None else ""
    return f"at {T.esc(cp['current'])} ({word(cp['state'])}{holder}{days}), step {cp['step']} of {len(cp['path'])}"


def _window(changes: dict) -> str:
    return "in the last 24 h" if changes.get("first") else f"since {when(changes['since'])}"


def _changes_inline(changes: dict) -> str:
    counts = [
        (len(changes["started"]), "started"),
        (len(changes["review"]), "sent to review"),
        (len(changes["done"]), "done"),
        (len(changes["returned"]), "sent back"),
    ]
    said = [f"{n:,} {what}" for n, what in counts if n]
    return f"🔄 *Changes {_window(changes)}*: " + (" · ".join(said) if said else "none")


def _startable_inline(startable: dict) -> str:
    n, unclaimed = startable["count"], startable["unclaimed"]
    if not n:
        return "▶ *Startable*: nothing right now"
    owners = sorted(startable["by_owner"].items(), key=lambda kv: -len(kv[1]))
    split = [f"{len(sids):,} for {who(owner)}" for owner, sids in owners[:4]]
    if len(owners) > 4:
        split.append(f"{sum(len(s) for _, s in owners[4:]):,} for {len(owners) - 4} others")
    if unclaimed:
        split.append(f"⚠ {len(unclaimed):,} unclaimed: {ids(unclaimed, 5)}")
    return f"▶ *Startable*: {n:,}" + (f" — {'; '.join(split)}" if split else "")


def _findings_inline(findings: list[dict]) -> str:
    by: dict[str, int] = {}
    for f in findings:
        by[f.get("severity", "info")] = by.get(f.get("severity", "info"), 0) + 1
    order = ("error", "warning", "info")
    kinds = ", ".join(plural(by[s], s) for s in sorted(by, key=lambda s: order.index(s) if s in order else 9))
    return f"{len(findings):,} ({kinds})"


# -- the details: every section in full, capped ------------------------------------------------


def detail_sections(data: dict) -> list[tuple[str, str, list[str]]]:
    """(key, title, lines) per section, in reading order; lines are mrkdwn and uncapped (the
    renderer caps them). Sections with nothing to say are left out."""
    out: list[tuple[str, str, list[str]]] = []
    if data["gates"]:
        out.append(("gates", "🚦 *Gates*", [_gate_line(g) for g in data["gates"]]))
    if data["checkpoints"]:
        out.append(("checkpoints", "🏁 *Checkpoints*", [_checkpoint_line(c) for c in data["checkpoints"]]))
    cp = data["critical_path"]
    if cp["path"]:
        out.append(("critical_path", "🔥 *Critical path*", [_critical_inline(cp), _path_window(cp)]))
    out.extend(_sprint_details(data))
    changes = data["changes"]
    lines = _change_lines(changes)
    out.append(("changes", f"🔄 *Changes {_window(changes)}*", lines or ["No story moved."]))
    out.append(
        ("startable", f"▶ *Startable*: {data['startable']['count']:,}", _startable_lines(data["startable"]))
    )
    listed = (  # sections shown only when they hold something: (key, title, one line per item)
        ("reviews_waiting", "👀 *Reviews waiting*", _review_line),
        ("stale", f"💤 *In progress, no event for {data['stale_after']}+ work days*", _stale_line),
        ("forced_open", "⚠ *Forced starts still open* (no lasting bypass)", _forced_line),
        ("findings", "🔎 *Plan findings*", _finding_line),
        ("stuck_claims", "⚠ *Earlier digests claimed but never sent*", _stuck_line),
    )
    for key, title, line in listed:
        if data[key]:
            out.append((key, f"{title}: {len(data[key]):,}", [line(item) for item in data[key]]))
    out.extend(_watch_details(data))
    out.extend(_incident_details(data))
    return out


def _gate_line(g: dict) -> str:
    head = f"{label(g)} ({T.esc(g['kind'])}): {word(g['state'])}"
    if g["state"] == "done":
        by = f", approved by {who(g['done_by'])}" if g.get("done_by") else ""
        return f"{head} ✓{by}" + (f" on {when(g['since'])}" if g.get("since") else "")
    holder = f", {who(g['holder'])}" if g.get("holder") else ""
    since = f" since {when(g['since'])} ({workdays(g['days_in_state'])})" if g.get("since") else ""
    ready = ", startable" if g.get("startable") else ""
    return f"{head}{ready}{holder}{since} — {g['waiting_behind']:,} waiting behind it"


def _checkpoint_line(c: dict) -> str:
    if "reached" in c:  # reached and validated, as the service adds them; the plan's proofs when not reached
        expected = f" · proofs expected: {T.esc(truncate(c['expected'], 300))}" if c.get("expected") else ""
        return M.line(c) + ("" if c["reached"] else expected)
    state = " ✓" if c["total"] and not c["missing"] else f" — missing {ids(c['missing'])}"
    proofs = f" · proofs: {T.esc(truncate('; '.join(c['proofs']), 300))}" if c.get("proofs") else ""
    return f"{T.esc(c['name'])}: {c['done']}/{c['total']}{state}{proofs}"


def _path_window(cp: dict) -> str:
    """A few steps around the current one: "1.1 ✓ → *1.3* → 2.1 → 2.2 → …"."""
    path, current = cp["path"], cp["current"]
    at = path.index(current) if current in path else len(path)
    lo, hi = max(0, at - 2), min(len(path), at + 4)
    steps = [
        f"*{T.esc(s)}*" if s == current else (f"{T.esc(s)} ✓" if i < at else T.esc(s))
        for i, s in enumerate(path[lo:hi], start=lo)
    ]
    return ("… → " if lo else "") + " → ".join(steps) + (" → …" if hi < len(path) else "")


def _change_lines(changes: dict) -> list[str]:
    """Done first (with its evidence), then reviews, stories sent back, starts; each kind in time
    order. When the list is capped, what finished is what stays."""
    rows: list[str] = []
    for c in changes["done"]:
        gate = f" 🚦 gate {T.esc(c['gate'])} passed" if c.get("gate") else ""
        rows.append(
            f"{when(c['at'])} ✅ {label(c)} done, approved by {who(c['actor'])}{gate}{link(c['evidence'])}"
        )
    for c in changes["review"]:
        reviewer = f", reviewer {who(c['reviewer'])}" if c.get("reviewer") else ""
        rows.append(
            f"{when(c['at'])} 👀 {label(c)} sent to review by {who(c['actor'])}{reviewer}{link(c['evidence'])}"
        )
    for c in changes["returned"]:
        what = "reopened" if c.get("action") == "reopen" else "sent back for changes"
        why = f" — {T.esc(truncate(c['reason'], 200))}" if c.get("reason") else ""
        rows.append(f"{when(c['at'])} ↩ {label(c)} {what} by {who(c['actor'])}{why}")
    for c in changes["started"]:
        if c.get("forced"):
            why = f" — {T.esc(truncate(c['reason'], 200))}" if c.get("reason") else ""
            rows.append(f"{when(c['at'])} ⚠ {label(c)} force-started by {who(c['actor'])}{why}")
        else:
            rows.append(f"{when(c['at'])} ▶ {label(c)} started by {who(c['actor'])}")
    return rows


def _startable_lines(startable: dict) -> list[str]:
    if not startable["count"]:
        return ["Nothing is startable right now."]
    lines = [
        f"{heading}: "
        + ", ".join(label(c) for c in cards[:5])
        + (f", … +{len(cards) - 5:,}" if len(cards) > 5 else "")
        for heading, cards in T.group_by_owner(startable["items"])
    ]
    if startable["unclaimed"]:
        lanes = startable.get("unbound_lanes") or []
        bind = ""
        if len(lanes) == 1:
            bind = f" — lane {T.esc(lanes[0])} has nobody: /team lane {T.esc(lanes[0])} @person"
        elif lanes:
            bind = f" — lanes {', '.join(T.esc(x) for x in lanes)} have nobody: /team lane X @person"
        lines.insert(0, f"⚠ Unclaimed ({len(startable['unclaimed']):,}): {ids(startable['unclaimed'])}{bind}")
    return lines


def _review_line(r: dict) -> str:
    reviewer = f", reviewer {who(r['reviewer'])}" if r.get("reviewer") else ", no reviewer named"
    return (
        f"{label(r)} — by {who(r['assignee'])}{reviewer}, waiting {workdays(r['age_workdays'])}"
        f"{link(r.get('link'))}"
    )


def _stale_line(s: dict) -> str:
    return (
        f"{label(s)} — {who(s['assignee'])}, no event for {workdays(s['idle_workdays'])} "
        f"(last {when(s['last_event'])})"
    )


def _forced_line(f: dict) -> str:
    why = f" ({T.esc(truncate(f['reason'], 200))})" if f.get("reason") else ""
    held = (
        f", held by {who(f['assignee'])}" if f.get("assignee") and f.get("assignee") != f.get("by") else ""
    )
    return f"{label(f)} — forced by {who(f.get('by'))}{why}{held}; still waits for {ids(f['open'])}"


def _finding_line(f: dict) -> str:
    line = f" (line {f['line']})" if f.get("line") else ""
    return f"{T.esc(f.get('severity', 'info'))}: {T.esc(truncate(f.get('message', ''), 300))}{line}"


def _stuck_line(c: dict) -> str:
    day = T.esc(c.get("local_date") or c.get("date") or "?")
    claimed = f", claimed {when(c['claimed_at'])}" if c.get("claimed_at") else ""
    return f"digest of {day}{claimed}, never marked sent"


# -- sprints, reopened stories, preparations ---------------------------------------------------


def _sprint_summary(data: dict) -> list[tuple[str, str]]:
    """The current sprint's line, when the active mode has sprints (the details say when it has none)."""
    sprint = data.get("sprint") or {}
    if not sprint.get("count"):
        return []
    current = sprint["current"]
    if current is None:
        return [("sprint", f"🏃 *Sprints*: all {sprint['count']:,} done ✓")]
    late = sprint["late"]
    flag = f" · ⚠ {len(late):,} late: {ids([x['story'] for x in late], 5)}" if late else ""
    return [("sprint", f"🏃 *{T.esc(current['name'])}* ({current['index']} of {sprint['count']}): "
                       f"{T.sprint_progress_words(current)}{flag}")]


def _sprint_details(data: dict) -> list[tuple[str, str, list[str]]]:
    """Every sprint of the active mode, the current one marked, then the stories late against
    their sprint; a mode without sprints says so."""
    sprint = data.get("sprint") or {}
    if sprint.get("mode") is None:
        return []
    if not sprint["count"]:
        return [("sprint", "🏃 *Sprints*", [f"The {sprint['mode']}-dev plan has no sprints."])]
    current = sprint["current"]
    rows = []
    for s in sprint["sprints"]:
        if current and s["index"] == current["index"]:
            open_ = f" — open: {ids(current['open'])}" if current["open"] else ""
            rows.append(f"*{T.esc(s['name'])}* (current): {T.sprint_progress_words(current)}{open_}")
        else:
            done = " ✓" if s["done"] == s["total"] else (" (started)" if s["started"] else "")
            rows.append(f"{T.esc(s['name'])}: {s['done']}/{s['total']} done{done}")
    rows += [
        f"⚠ {label(x)} is late against {T.esc(x['sprint'])}: {word(x['state'])}"
        + (f", {who(x['assignee'])}" if x.get("assignee") else "")
        for x in sprint["late"]
    ]
    title = f"🏃 *Sprints* of the {sprint['mode']}-dev plan" + (
        f" — ⚠ {plural(len(sprint['late']), 'story', 'stories')} late" if sprint["late"] else "")
    return [("sprint", title, rows)]


def _watch_summary(data: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    reopened = data.get("reopened") or []
    if reopened:
        built = sorted({a["story"] for r in reopened for a in r["after"]})
        them = "it" if len(reopened) == 1 else "them"
        flag = f" — ⚠ work started or done on top of {them} since: {ids(built, 5)}" if built else ""
        out.append(("reopened", f"↩ *Reopened*: {ids([r['story'] for r in reopened], 5)}{flag}"))
    preparations = data.get("preparations") or []
    if preparations:
        listed = ", ".join(f"{T.esc(p['story'])} ({who(p['preparer'])})" for p in preparations[:5])
        more = f", … +{len(preparations) - 5:,}" if len(preparations) > 5 else ""
        out.append(("preparations", f"🧰 *Being prepared*: {listed}{more}"))
    return out


def _watch_details(data: dict) -> list[tuple[str, str, list[str]]]:
    out: list[tuple[str, str, list[str]]] = []
    reopened = data.get("reopened") or []
    if reopened:
        out.append(("reopened", f"↩ *Reopened*: {len(reopened):,}", [_reopened_line(r) for r in reopened]))
    preparations = data.get("preparations") or []
    if preparations:
        out.append(("preparations", f"🧰 *Being prepared*: {len(preparations):,}",
                    [_preparation_line(p) for p in preparations]))
    return out


def _reopened_line(r: dict) -> str:
    holder = f", {who(r['assignee'])}" if r.get("assignee") else ""
    line = f"{label(r)} — reopened {when(r.get('reopened_at'))}, {word(r['state'])}{holder}"
    if r["after"]:
        built = [f"{a['story']} ({word(a['state'])})" for a in r["after"]]
        line += f"; ⚠ started or done on top of it since: {ids(built)}"
    return line


def _preparation_line(p: dict) -> str:
    status = f"waits for {ids(p['waiting_for'])}" if p["waiting_for"] else "can start now"
    age = f", {workdays(p['age_workdays'])}" if p.get("age_workdays") is not None else ""
    return f"{label(p)} — {T.prepared_note(p)}{age}; {status}"


# -- incidents ---------------------------------------------------------------------------------


def _incident_summary(data: dict) -> list[tuple[str, str]]:
    """The open incidents' line, critical first, each with its age in work days (none: no line)."""
    line = I.summary_line(data.get("incidents") or [])
    return [("incidents", line)] if line else []


def _incident_details(data: dict) -> list[tuple[str, str, list[str]]]:
    rows = data.get("incidents") or []
    if not rows:
        return []
    return [("incidents", f"🚨 *Incidents open*: {len(rows):,}", [I.line(r) for r in rows])]


# -- whole texts -------------------------------------------------------------------------------


def digest_summary_text(data: dict) -> str:
    """The channel message: the headline and one line per section (about a dozen lines at most)."""
    return "\n".join([f"*{T.esc(data['headline'])}*", *(line for _, line in summary_lines(data))])


def digest_details_text(data: dict, cap: int = DETAIL_CAP) -> str:
    """The thread reply: every section in full, each list capped ("… and N more")."""
    out = [f"*Digest details — {T.esc(data['plan'])}, {T.esc(data['local_date'])}*"]
    for _, title, lines in detail_sections(data):
        out.append(title)
        out.extend(line if line.startswith("… and ") else f"  • {line}" for line in T.capped(lines, cap))
    return "\n".join(out)


def digest_posting_text(plan: str, channel: str | None) -> str:
    """What a lead hears after /digest post."""
    return f"Posting the digest of {T.esc(plan)}" + (f" in <#{channel}>." if channel else ".")


def digest_outcome_text(plan: str, day: str, outcome: str, channel: str | None = None, ts: str | None = None,
                        why: str | None = None) -> str:
    """/digest post when today's digest was not posted by this request: already posted (a link
    to it), skipped, being posted by another process, or not confirmed by Slack."""
    where = f" in <#{channel}>" if channel else ""
    if outcome == "already-sent" and ts:
        return (f"Today's digest of {T.esc(plan)} ({T.esc(day)}) was already posted{where} (ts {T.esc(ts)}): "
                "once a day. `deliverybot digest --post --force` posts another copy.")
    if outcome == "already-sent":
        return f"Today's digest of {T.esc(plan)} ({T.esc(day)}) was skipped (nothing moved): once a day."
    if outcome == "claimed-elsewhere":
        return f"Today's digest of {T.esc(plan)} ({T.esc(day)}) is being posted{where} right now: once a day."
    return (f"Slack did not confirm today's digest of {T.esc(plan)}{where}"
            + (f" ({T.esc(why)})" if why else "")
            + ". It is finished within minutes, without posting twice.")
