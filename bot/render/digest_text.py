"""The daily digest as text: a short summary for the channel and the details for its thread.

Both are rendered from `planner.digest.build_digest`'s data and nothing else. The lines are
mrkdwn (Slack fallback text, console and CLI alike) and every piece of user or plan text goes
through `text.esc`. `summary_lines` and `detail_sections` are shared with the Block Kit
renderer (the Slack layer's digest blocks), so the channel message and its text fallback always say
the same thing. No Slack import here: `deliverybot digest` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.i18n import N_, _, current, n_
from bot.i18n import formats as F
from bot.i18n.catalogs import catalog
from bot.render import incidents as I
from bot.render import milestones as M
from bot.render import text as T
from bot.render.findings import finding_text
from bot.render.mrkdwn import truncate, who
from planner.digest import headline

DETAIL_CAP = 15  # lines per section in the details (the rest: "… and N more")
IDS_CAP = 8  # ids in an inline list
GATES_IN_SUMMARY = 6
CHECKPOINTS_IN_SUMMARY = 8
LABEL_MAX = 120


# -- small pieces ------------------------------------------------------------------------------


word = T.state_word  # a state as the reader says it


def num(n: int) -> str:
    """A count as the language writes it ("2,000" / "2 000")."""
    return F.number(n, 0)


def label(item: dict, key: str = "label") -> str:
    return T.esc(truncate(item.get(key) or item.get("story") or item.get("id") or "?", LABEL_MAX))


def ids(values: Sequence[str], cap: int = IDS_CAP) -> str:
    shown = ", ".join(T.esc(v) for v in values[:cap])
    return shown + (f", … +{num(len(values) - cap)}" if len(values) > cap else "")


def when(iso: str | None) -> str:
    """An ISO time as people read it, "Mon 02 Mar 09:30" / "lun. 02 mars 09:30", in the zone the
    data's times carry."""
    if not iso:
        return "?"
    try:
        at = datetime.fromisoformat(str(iso))
    except ValueError:
        return T.esc(truncate(str(iso), 40))
    return F.weekday_day_and_time(at)


def workdays(n: int | None) -> str:
    if n is None:
        return "?"
    return n_("{n} work day", "{n} work days", n)


def plural(n: int, one: str, many: str | None = None) -> str:
    """`n` and a word the caller translated (English plurals by hand: prefer `n_`)."""
    return f"{num(n)} {one if n == 1 else (many or one + 's')}"


SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def severity_count(n: int, severity: str) -> str:
    """"2 warnings" / "2 avertissements"."""
    if severity == "error":
        return n_("{count} error", "{count} errors", n, count=num(n))
    if severity == "warning":
        return n_("{count} warning", "{count} warnings", n, count=num(n))
    if severity == "info":
        return n_("{count} info", "{count} infos", n, count=num(n))
    return plural(n, severity)


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
        out.append(("gates", _("🚦 *Gates*: {gates}", gates=_gates_inline(data["gates"]))))
    if data["checkpoints"]:
        out.append(("checkpoints", _("🏁 *Checkpoints*: {checkpoints}",
                                     checkpoints=_checkpoints_inline(data["checkpoints"]))))
    cp = data["critical_path"]
    if cp["path"]:
        out.append(("critical_path", _("🔥 *Critical path*: {where}", where=_critical_inline(cp))))
    out.extend(_sprint_summary(data))
    out.append(("changes", _changes_inline(data["changes"])))
    out.append(("startable", _startable_inline(data["startable"])))
    reviews = data["reviews_waiting"]
    if reviews:
        oldest = reviews[0]
        out.append(
            (
                "reviews_waiting",
                _("👀 *Reviews waiting*: {n} — oldest {story}, {age}", n=num(len(reviews)),
                  story=T.esc(oldest["story"]), age=workdays(oldest["age_workdays"])),
            )
        )
    stale = data["stale"]
    if stale:
        listed = ids([f"{s['story']} ({s['idle_workdays']})" for s in stale], 5)
        out.append(
            (
                "stale",
                _("💤 *No event for {days}+ work days*: {n} — {stories}", days=data["stale_after"],
                  n=num(len(stale)), stories=listed),
            )
        )
    forced = data["forced_open"]
    if forced:
        out.append(
            (
                "forced_open",
                _("⚠ *Forced starts still open*: {stories} (no lasting bypass: their prerequisites must be done)",
                  stories=ids([f["story"] for f in forced], 5)),
            )
        )
    out.extend(_watch_summary(data))
    out.extend(_incident_summary(data))
    findings = data["findings"]
    if findings:
        out.append(("findings", _("🔎 *Plan findings*: {findings}", findings=_findings_inline(findings))))
    stuck = data["stuck_claims"]
    if stuck:
        dates = [str(c.get("local_date") or c.get("date") or "?") for c in stuck]
        out.append(
            (
                "stuck_claims",
                _("⚠ *Earlier digests claimed but never sent*: {dates}", dates=ids(dates, 5)),
            )
        )
    if data["quiet"]:
        out.append(("quiet", _("😌 Quiet: nothing changed and nothing waits.")))
    return out


def four_eyes_off_line(off: dict) -> str:
    """Said every day while a lead has turned four eyes off (`/team solo on`)."""
    by = f" ({who(off['by'])})" if off.get("by") else ""
    if off.get("since"):
        return _("⚠ *Four eyes off* since {day}{by}: authors may approve their own stories — "
                 "a lead turns them back on with /team solo off", day=T.esc(str(off["since"])[:10]), by=by)
    return _("⚠ *Four eyes off*{by}: authors may approve their own stories — "
             "a lead turns them back on with /team solo off", by=by)


def _gates_inline(gates: list[dict]) -> str:
    """Every gate in plan order when they fit; otherwise the open ones first and the passed
    ones counted, since an open gate is what holds people back."""
    if len(gates) <= GATES_IN_SUMMARY:
        return " · ".join(_gate_inline(g) for g in gates)
    open_gates = [g for g in gates if g["state"] != "done"]
    parts = [_gate_inline(g) for g in open_gates[: GATES_IN_SUMMARY - 1]]
    if len(open_gates) > GATES_IN_SUMMARY - 1:
        more = len(open_gates) - GATES_IN_SUMMARY + 1
        parts.append(n_("+{n} more open", "+{n} more open", more))
    passed = len(gates) - len(open_gates)
    if passed:
        parts.append(n_("{n} passed ✓", "{n} passed ✓", passed))
    return " · ".join(parts)


def _gate_inline(g: dict) -> str:
    head = f"{T.esc(g['story'])} ({T.esc(T.gate_word(g['kind']))})"
    if g["state"] == "done":
        return f"{head} ✓"
    holder = f", {who(g['holder'])}" if g.get("holder") else ""
    days = f", {workdays(g['days_in_state'])}" if g["state"] != "todo" and g.get("since") else ""
    values = {"gate": head, "state": word(g["state"]), "holder": holder, "days": days,
              "n": num(g["waiting_behind"])}
    if g.get("startable"):
        return _("{gate} {state} (startable){holder}{days}, {n} waiting", **values)
    return _("{gate} {state}{holder}{days}, {n} waiting", **values)


def _checkpoints_inline(checkpoints: list[dict]) -> str:
    if checkpoints and "reached" in checkpoints[0]:  # reached and validated, as the service adds them
        return M.inline(checkpoints, CHECKPOINTS_IN_SUMMARY)
    parts = [
        f"{T.esc(c['name'])} {c['done']}/{c['total']}" + (" ✓" if c["total"] and not c["missing"] else "")
        for c in checkpoints[:CHECKPOINTS_IN_SUMMARY]
    ]
    if len(checkpoints) > CHECKPOINTS_IN_SUMMARY:
        more = len(checkpoints) - CHECKPOINTS_IN_SUMMARY
        parts.append(n_("+{n} more", "+{n} more", more))
    return " · ".join(parts)


def _critical_inline(cp: dict) -> str:
    if not cp["current"]:
        steps = len(cp["path"])
        return n_("all {count} done ✓", "all {count} done ✓", steps, count=num(steps))
    holder = f", {who(cp['assignee'])}" if cp.get("assignee") else ""
    days = f", {workdays(cp['days_in_state'])}" if cp.get("days_in_state") is not None else ""
    return _("at {story} ({state}{holder}{days}), step {step} of {steps}", story=T.esc(cp["current"]),
             state=word(cp["state"]), holder=holder, days=days, step=cp["step"], steps=len(cp["path"]))


def _changes_inline(changes: dict) -> str:
    said = []
    if changes["started"]:
        n = len(changes["started"])
        said.append(n_("{count} started", "{count} started", n, count=num(n)))
    if changes["review"]:
        n = len(changes["review"])
        said.append(n_("{count} sent to review", "{count} sent to review", n, count=num(n)))
    if changes["done"]:
        n = len(changes["done"])
        said.append(n_("{count} done", "{count} done", n, count=num(n)))
    if changes["returned"]:
        n = len(changes["returned"])
        said.append(n_("{count} sent back", "{count} sent back", n, count=num(n)))
    listed = " · ".join(said)
    if changes.get("first"):
        return (_("🔄 *Changes in the last 24 h*: {changes}", changes=listed) if said
                else _("🔄 *Changes in the last 24 h*: none"))
    since = when(changes["since"])
    return (_("🔄 *Changes since {when}*: {changes}", when=since, changes=listed) if said
            else _("🔄 *Changes since {when}*: none", when=since))


def _startable_inline(startable: dict) -> str:
    n, unclaimed = startable["count"], startable["unclaimed"]
    if not n:
        return _("▶ *Startable*: nothing right now")
    owners = sorted(startable["by_owner"].items(), key=lambda kv: -len(kv[1]))
    split = [_("{n} for {who}", n=num(len(sids)), who=who(owner)) for owner, sids in owners[:4]]
    if len(owners) > 4:
        others = len(owners) - 4
        split.append(n_("{count} for {n} others", "{count} for {n} others", others,
                        count=num(sum(len(s) for _owner, s in owners[4:]))))
    if unclaimed:
        split.append(_("⚠ {n} unclaimed: {stories}", n=num(len(unclaimed)), stories=ids(unclaimed, 5)))
    if split:
        return _("▶ *Startable*: {n} — {split}", n=num(n), split="; ".join(split))
    return _("▶ *Startable*: {n}", n=num(n))


def _findings_inline(findings: list[dict]) -> str:
    by: dict[str, int] = {}
    for f in findings:
        by[f.get("severity", "info")] = by.get(f.get("severity", "info"), 0) + 1
    order = ("error", "warning", "info")
    kinds = ", ".join(severity_count(by[s], s) for s in sorted(by, key=lambda s: order.index(s) if s in order else 9))
    return f"{num(len(findings))} ({kinds})"


# -- the details: every section in full, capped ------------------------------------------------


def detail_sections(data: dict) -> list[tuple[str, str, list[str]]]:
    """(key, title, lines) per section, in reading order; lines are mrkdwn and uncapped (the
    renderer caps them). Sections with nothing to say are left out."""
    out: list[tuple[str, str, list[str]]] = []
    if data["gates"]:
        out.append(("gates", _("🚦 *Gates*"), [_gate_line(g) for g in data["gates"]]))
    if data["checkpoints"]:
        out.append(("checkpoints", _("🏁 *Checkpoints*"), [_checkpoint_line(c) for c in data["checkpoints"]]))
    cp = data["critical_path"]
    if cp["path"]:
        out.append(("critical_path", _("🔥 *Critical path*"), [_critical_inline(cp), _path_window(cp)]))
    out.extend(_sprint_details(data))
    changes = data["changes"]
    lines = _change_lines(changes)
    title = (_("🔄 *Changes in the last 24 h*") if changes.get("first")
             else _("🔄 *Changes since {when}*", when=when(changes["since"])))
    out.append(("changes", title, lines or [_("No story moved.")]))
    out.append(
        ("startable", _("▶ *Startable*: {n}", n=num(data["startable"]["count"])), _startable_lines(data["startable"]))
    )
    listed = (  # sections shown only when they hold something: (key, title with its count, one line per item)
        ("reviews_waiting", N_("👀 *Reviews waiting*: {n}"), _review_line),
        ("stale", N_("💤 *In progress, no event for {days}+ work days*: {n}"), _stale_line),
        ("forced_open", N_("⚠ *Forced starts still open* (no lasting bypass): {n}"), _forced_line),
        ("findings", N_("🔎 *Plan findings*: {n}"), _finding_line),
        ("stuck_claims", N_("⚠ *Earlier digests claimed but never sent*: {n}"), _stuck_line),
    )
    for key, title, line in listed:
        if data[key]:
            out.append((key, _(title, n=num(len(data[key])), days=data["stale_after"]),
                        [line(item) for item in data[key]]))
    out.extend(_watch_details(data))
    out.extend(_incident_details(data))
    return out


def _gate_line(g: dict) -> str:
    values = {"gate": f"{label(g)} ({T.esc(T.gate_word(g['kind']))})", "state": word(g["state"])}
    if g["state"] == "done":
        at = when(g["since"]) if g.get("since") else None
        if g.get("done_by"):
            by = who(g["done_by"])
            return (_("{gate}: {state} ✓, approved by {who} on {when}", **values, who=by, when=at) if at
                    else _("{gate}: {state} ✓, approved by {who}", **values, who=by))
        return _("{gate}: {state} ✓ on {when}", **values, when=at) if at else _("{gate}: {state} ✓", **values)
    values.update(holder=f", {who(g['holder'])}" if g.get("holder") else "", n=num(g["waiting_behind"]))
    if g.get("since"):
        values.update(when=when(g["since"]), days=workdays(g["days_in_state"]))
        if g.get("startable"):
            return _("{gate}: {state}, startable{holder} since {when} ({days}) — {n} waiting behind it", **values)
        return _("{gate}: {state}{holder} since {when} ({days}) — {n} waiting behind it", **values)
    if g.get("startable"):
        return _("{gate}: {state}, startable{holder} — {n} waiting behind it", **values)
    return _("{gate}: {state}{holder} — {n} waiting behind it", **values)


def _checkpoint_line(c: dict) -> str:
    if "reached" in c:  # reached and validated, as the service adds them; the plan's proofs when not reached
        if c["reached"] or not c.get("expected"):
            return M.line(c)
        return _("{checkpoint} · proofs expected: {proofs}", checkpoint=M.line(c),
                 proofs=T.esc(truncate(c["expected"], 300)))
    values = {"name": T.esc(c["name"]), "done": c["done"], "total": c["total"]}
    line = (_("{name}: {done}/{total} ✓", **values) if c["total"] and not c["missing"]
            else _("{name}: {done}/{total} — missing {missing}", **values, missing=ids(c["missing"])))
    if c.get("proofs"):
        return _("{checkpoint} · proofs: {proofs}", checkpoint=line, proofs=T.esc(truncate("; ".join(c["proofs"]), 300)))
    return line


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
        values = {"when": when(c["at"]), "story": label(c), "who": who(c["actor"]), "link": link(c["evidence"])}
        rows.append(
            _("{when} ✅ {story} done, approved by {who} 🚦 gate {gate} passed{link}", **values, gate=T.esc(T.gate_word(c["gate"])))
            if c.get("gate") else _("{when} ✅ {story} done, approved by {who}{link}", **values)
        )
    for c in changes["review"]:
        values = {"when": when(c["at"]), "story": label(c), "who": who(c["actor"]), "link": link(c["evidence"])}
        rows.append(
            _("{when} 👀 {story} sent to review by {who}, reviewer {reviewer}{link}", **values,
              reviewer=who(c["reviewer"]))
            if c.get("reviewer") else _("{when} 👀 {story} sent to review by {who}{link}", **values)
        )
    for c in changes["returned"]:
        why = f" — {T.esc(truncate(c['reason'], 200))}" if c.get("reason") else ""
        values = {"when": when(c["at"]), "story": label(c), "who": who(c["actor"]), "why": why}
        rows.append(_("{when} ↩ {story} reopened by {who}{why}", **values) if c.get("action") == "reopen"
                    else _("{when} ↩ {story} sent back for changes by {who}{why}", **values))
    for c in changes["started"]:
        if c.get("forced"):
            why = f" — {T.esc(truncate(c['reason'], 200))}" if c.get("reason") else ""
            rows.append(_("{when} ⚠ {story} force-started by {who}{why}", when=when(c["at"]), story=label(c),
                          who=who(c["actor"]), why=why))
        else:
            rows.append(_("{when} ▶ {story} started by {who}", when=when(c["at"]), story=label(c),
                          who=who(c["actor"])))
    return rows


def _startable_lines(startable: dict) -> list[str]:
    if not startable["count"]:
        return [_("Nothing is startable right now.")]
    lines = [
        _("{heading}: {stories}", heading=heading, stories=", ".join(label(c) for c in cards[:5])
          + (f", … +{num(len(cards) - 5)}" if len(cards) > 5 else ""))
        for heading, cards in T.group_by_owner(startable["items"])
    ]
    if startable["unclaimed"]:
        lanes = startable.get("unbound_lanes") or []
        values = {"n": num(len(startable["unclaimed"])), "stories": ids(startable["unclaimed"])}
        if len(lanes) == 1:
            unclaimed = _("⚠ Unclaimed ({n}): {stories} — lane {lane} has nobody: /team lane {lane} @person",
                          **values, lane=T.esc(lanes[0]))
        elif lanes:
            unclaimed = _("⚠ Unclaimed ({n}): {stories} — lanes {lanes} have nobody: /team lane X @person",
                          **values, lanes=", ".join(T.esc(x) for x in lanes))
        else:
            unclaimed = _("⚠ Unclaimed ({n}): {stories}", **values)
        lines.insert(0, unclaimed)
    return lines


def _review_line(r: dict) -> str:
    values = {"story": label(r), "who": who(r["assignee"]), "age": workdays(r["age_workdays"]),
              "link": link(r.get("link"))}
    if r.get("reviewer"):
        return _("{story} — by {who}, reviewer {reviewer}, waiting {age}{link}", **values, reviewer=who(r["reviewer"]))
    return _("{story} — by {who}, no reviewer named, waiting {age}{link}", **values)


def _stale_line(s: dict) -> str:
    return _("{story} — {who}, no event for {age} (last {when})", story=label(s), who=who(s["assignee"]),
             age=workdays(s["idle_workdays"]), when=when(s["last_event"]))


def _forced_line(f: dict) -> str:
    why = f" ({T.esc(truncate(f['reason'], 200))})" if f.get("reason") else ""
    values = {"story": label(f), "who": who(f.get("by")), "why": why, "stories": ids(f["open"])}
    if f.get("assignee") and f.get("assignee") != f.get("by"):
        return _("{story} — forced by {who}{why}, held by {holder}; still waits for {stories}", **values,
                 holder=who(f["assignee"]))
    return _("{story} — forced by {who}{why}; still waits for {stories}", **values)


def _finding_line(f: dict) -> str:
    severity = f.get("severity", "info")
    values = {"severity": _(SEVERITY_WORDS[severity]) if severity in SEVERITY_WORDS else T.esc(severity),
              "message": T.esc(truncate(finding_text(f), 300))}
    if f.get("line"):
        return _("{severity}: {message} (line {line})", **values, line=f["line"])
    return _("{severity}: {message}", **values)


def _stuck_line(c: dict) -> str:
    day = T.esc(c.get("local_date") or c.get("date") or "?")
    if c.get("claimed_at"):
        return _("digest of {day}, claimed {when}, never marked sent", day=day, when=when(c["claimed_at"]))
    return _("digest of {day}, never marked sent", day=day)


# -- sprints, reopened stories, preparations ---------------------------------------------------


def _sprint_summary(data: dict) -> list[tuple[str, str]]:
    """The current sprint's line, when the active mode has sprints (the details say when it has none)."""
    sprint = data.get("sprint") or {}
    if not sprint.get("count"):
        return []
    current = sprint["current"]
    if current is None:
        return [("sprint", n_("🏃 *Sprints*: all {count} done ✓", "🏃 *Sprints*: all {count} done ✓",
                              sprint["count"], count=num(sprint["count"])))]
    late = sprint["late"]
    values = {"name": T.esc(current["name"]), "index": current["index"], "count": sprint["count"],
              "progress": T.sprint_progress_words(current)}
    if late:
        return [("sprint", _("🏃 *{name}* ({index} of {count}): {progress} · ⚠ {n} late: {stories}", **values,
                             n=num(len(late)), stories=ids([x["story"] for x in late], 5)))]
    return [("sprint", _("🏃 *{name}* ({index} of {count}): {progress}", **values))]


def _sprint_details(data: dict) -> list[tuple[str, str, list[str]]]:
    """Every sprint of the active mode, the current one marked, then the stories late against
    their sprint; a mode without sprints says so."""
    sprint = data.get("sprint") or {}
    if sprint.get("mode") is None:
        return []
    if not sprint["count"]:
        return [("sprint", _("🏃 *Sprints*"), [_("The {mode}-dev plan has no sprints.", mode=sprint["mode"])])]
    current = sprint["current"]
    rows = []
    for s in sprint["sprints"]:
        if current and s["index"] == current["index"]:
            values = {"name": T.esc(s["name"]), "progress": T.sprint_progress_words(current)}
            rows.append(_("*{name}* (current): {progress} — open: {stories}", **values, stories=ids(current["open"]))
                        if current["open"] else _("*{name}* (current): {progress}", **values))
        else:
            values = {"name": T.esc(s["name"]), "done": s["done"], "total": s["total"]}
            if s["done"] == s["total"]:
                rows.append(_("{name}: {done}/{total} done ✓", **values))
            elif s["started"]:
                rows.append(_("{name}: {done}/{total} done (started)", **values))
            else:
                rows.append(_("{name}: {done}/{total} done", **values))
    rows += [
        _("⚠ {story} is late against {sprint}: {state}{holder}", story=label(x), sprint=T.esc(x["sprint"]),
          state=word(x["state"]), holder=", " + who(x["assignee"]) if x.get("assignee") else "")
        for x in sprint["late"]
    ]
    late = len(sprint["late"])
    title = (n_("🏃 *Sprints* of the {mode}-dev plan — ⚠ {count} story late",
                "🏃 *Sprints* of the {mode}-dev plan — ⚠ {count} stories late", late, mode=sprint["mode"],
                count=num(late))
             if late else _("🏃 *Sprints* of the {mode}-dev plan", mode=sprint["mode"]))
    return [("sprint", title, rows)]


def _watch_summary(data: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    reopened = data.get("reopened") or []
    if reopened:
        built = sorted({a["story"] for r in reopened for a in r["after"]})
        stories = ids([r["story"] for r in reopened], 5)
        out.append(("reopened", n_("↩ *Reopened*: {stories} — ⚠ work started or done on top of it since: {built}",
                                   "↩ *Reopened*: {stories} — ⚠ work started or done on top of them since: {built}",
                                   len(reopened), stories=stories, built=ids(built, 5))
                    if built else _("↩ *Reopened*: {stories}", stories=stories)))
    preparations = data.get("preparations") or []
    if preparations:
        listed = ", ".join(f"{T.esc(p['story'])} ({who(p['preparer'])})" for p in preparations[:5])
        more = f", … +{num(len(preparations) - 5)}" if len(preparations) > 5 else ""
        out.append(("preparations", _("🧰 *Being prepared*: {stories}", stories=listed + more)))
    return out


def _watch_details(data: dict) -> list[tuple[str, str, list[str]]]:
    out: list[tuple[str, str, list[str]]] = []
    reopened = data.get("reopened") or []
    if reopened:
        out.append(("reopened", _("↩ *Reopened*: {n}", n=num(len(reopened))), [_reopened_line(r) for r in reopened]))
    preparations = data.get("preparations") or []
    if preparations:
        out.append(("preparations", _("🧰 *Being prepared*: {n}", n=num(len(preparations))),
                    [_preparation_line(p) for p in preparations]))
    return out


def _reopened_line(r: dict) -> str:
    values = {"story": label(r), "when": when(r.get("reopened_at")), "state": word(r["state"]),
              "holder": f", {who(r['assignee'])}" if r.get("assignee") else ""}
    if r["after"]:
        built = [f"{a['story']} ({word(a['state'])})" for a in r["after"]]
        return _("{story} — reopened {when}, {state}{holder}; ⚠ started or done on top of it since: {built}",
                 **values, built=ids(built))
    return _("{story} — reopened {when}, {state}{holder}", **values)


def _preparation_line(p: dict) -> str:
    age = f", {workdays(p['age_workdays'])}" if p.get("age_workdays") is not None else ""
    values = {"story": label(p), "note": T.prepared_note(p), "age": age}
    if p.get("cycle"):
        return _("{story} — {note}{age}; {never}", **values, never=T.never_starts(p["cycle"]))
    if p["waiting_for"]:
        return _("{story} — {note}{age}; waits for {stories}", **values, stories=ids(p["waiting_for"]))
    return _("{story} — {note}{age}; can start now", **values)


# -- incidents ---------------------------------------------------------------------------------


def _incident_summary(data: dict) -> list[tuple[str, str]]:
    """The open incidents' line, critical first, each with its age in work days (none: no line)."""
    line = I.summary_line(data.get("incidents") or [])
    return [("incidents", line)] if line else []


def _incident_details(data: dict) -> list[tuple[str, str, list[str]]]:
    rows = data.get("incidents") or []
    if not rows:
        return []
    return [("incidents", _("🚨 *Incidents open*: {n}", n=num(len(rows))), [I.line(r) for r in rows])]


# -- whole texts -------------------------------------------------------------------------------


def digest_summary_text(data: dict) -> str:
    """The channel message: the headline and one line per section (about a dozen lines at most)."""
    return "\n".join([f"*{T.esc(headline_text(data))}*", *(line for _key, line in summary_lines(data))])


def digest_day(data: dict) -> str:
    """The digest's day as people say it: "Thursday 3 December" / "jeudi 3 décembre"."""
    try:
        return F.long_day(date.fromisoformat(str(data["local_date"])))
    except (KeyError, ValueError):
        return T.esc(str(data.get("local_date") or "?"))


def headline_text(data: dict) -> str:
    """The digest's one-line headline in the current language (`data["headline"]` is the English
    one, for --json), with the open incidents it counts."""
    said = headline(data, catalog(current()))
    part = I.headline_part(data.get("incidents") or [])
    return f"{said} · {part}" if part else said


def digest_details_text(data: dict, cap: int = DETAIL_CAP) -> str:
    """The thread reply: every section in full, each list capped ("… and N more")."""
    out = [_("*Digest details — {plan}, {day}*", plan=T.esc(data["plan"]), day=digest_day(data))]
    for _key, title, lines in detail_sections(data):
        out.append(title)
        shown = T.capped(lines, cap)  # past `cap`, its last line is "… and N more"
        out.extend(line if len(lines) > cap and i == cap else f"  • {line}" for i, line in enumerate(shown))
    return "\n".join(out)


def digest_posting_text(plan: str, channel: str | None) -> str:
    """What a lead hears after /digest post."""
    if channel:
        return _("Posting the digest of {plan} in <#{channel}>.", plan=T.esc(plan), channel=channel)
    return _("Posting the digest of {plan}.", plan=T.esc(plan))


def digest_outcome_text(plan: str, day: str, outcome: str, channel: str | None = None, ts: str | None = None,
                        why: str | None = None) -> str:
    """/digest post when today's digest was not posted by this request: already posted (a link
    to it), skipped, being posted by another process, or not confirmed by Slack."""
    values = {"plan": T.esc(plan), "day": T.esc(day), "channel": channel, "ts": T.esc(ts or ""),
              "why": T.esc(why or "")}
    if outcome == "already-sent" and ts:
        if channel:
            return _("Today's digest of {plan} ({day}) was already posted in <#{channel}> (ts {ts}): "
                     "once a day. `deliverybot digest --post --force` posts another copy.", **values)
        return _("Today's digest of {plan} ({day}) was already posted (ts {ts}): "
                 "once a day. `deliverybot digest --post --force` posts another copy.", **values)
    if outcome == "already-sent":
        return _("Today's digest of {plan} ({day}) was skipped (nothing moved): once a day.", **values)
    if outcome == "claimed-elsewhere":
        if channel:
            return _("Today's digest of {plan} ({day}) is being posted in <#{channel}> right now: once a day.",
                     **values)
        return _("Today's digest of {plan} ({day}) is being posted right now: once a day.", **values)
    if channel and why:
        return _("Slack did not confirm today's digest of {plan} in <#{channel}> ({why}). "
                 "It is finished within minutes, without posting twice.", **values)
    if channel:
        return _("Slack did not confirm today's digest of {plan} in <#{channel}>. "
                 "It is finished within minutes, without posting twice.", **values)
    if why:
        return _("Slack did not confirm today's digest of {plan} ({why}). "
                 "It is finished within minutes, without posting twice.", **values)
    return _("Slack did not confirm today's digest of {plan}. It is finished within minutes, without posting twice.",
             **values)
