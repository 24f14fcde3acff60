"""Plain-text answers, readable in a terminal and safe as Slack fallback text.

Every piece of text that came from a person or a plan goes through `esc`, so a story titled
"<!channel>" is shown, never executed. Lists are capped: a 2,000-story plan still gives a
message a person can read (the full list is in --json / the data).
"""

from __future__ import annotations

from datetime import datetime

from bot.i18n import _, n_
from bot.i18n.formats import short_day
from bot.render.incidents import board_lines as incident_board_lines
from bot.render.milestones import line as milestone_line
from bot.render.moves import action_word, gate_word
from bot.render.mrkdwn import esc, mention, who
from planner.staffing import Suggestion
from planner.state import STATE_WORDS, Event

MAX_LINES = 40
LATE_SHOWN = 10  # stories late against their sprint named on the board


def marks(card: dict) -> str:
    tags = []
    if card.get("gate"):
        tags.append(_("gate: {gate}", gate=gate_word(card["gate"])))
    if card.get("critical"):
        tags.append(_("critical path"))
    if card.get("unblocks_all"):
        tags.append(_("unblocks {n}", n=card["unblocks_all"]))
    return f"  [{', '.join(tags)}]" if tags else ""


def card_line(card: dict) -> str:
    prepared = prepared_note(card)
    return f"• {esc(card['label'])}{marks(card)}" + (f" — {prepared}" if prepared else "")


def day(iso: str | None) -> str:
    """An ISO time as a short date, "3 Dec" / "3 déc." ("?" when unknown)."""
    try:
        at = datetime.fromisoformat(str(iso))
    except ValueError:
        return "?"
    return short_day(at)


def prepared_note(card: dict) -> str:
    """"prepared by @bob since 3 Dec" for a story someone prepares ("" when nobody does)."""
    if not card.get("preparer"):
        return ""
    if card.get("prepared_since"):
        return _("prepared by {who} since {day}", who=who(card["preparer"]), day=day(card["prepared_since"]))
    return _("prepared by {who}", who=who(card["preparer"]))


def being_prepared(card: dict) -> str:
    """"Being prepared by @bob since 3 Dec." as one sentence ("" when nobody prepares it)."""
    if not card.get("preparer"):
        return ""
    if card.get("prepared_since"):
        return _("Being prepared by {who} since {day}.", who=who(card["preparer"]), day=day(card["prepared_since"]))
    return _("Being prepared by {who}.", who=who(card["preparer"]))


def state_word(state: object) -> str:
    """A state as the current language says it ("in review" / "en review")."""
    return _(STATE_WORDS_BY_VALUE.get(str(state), str(state)))


def capped(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [_("… and {n} more (use --json or /board ID for details)", n=len(lines) - limit)]


def lane_words(card: dict) -> str:
    """The lane of a story as the reader says it: "Dev A (platform core)" as the plan names it,
    "floating (Dev B/C)" / "flottante (Dev B/C)", "no lane" / "aucune lane"."""
    if card.get("floating"):
        lanes = "/".join(card.get("floating_lanes") or ())
        return _("floating (Dev {lanes})", lanes=esc(lanes)) if lanes else _("floating")
    if "lane" in card and not card["lane"]:  # the planner's card: in no lane of this mode
        return _("no lane")
    return esc(card.get("lane_label") or "")


def owner_heading(card: dict) -> str:
    if card.get("owner"):
        return f"{who(card['owner'])} — {lane_words(card)}"
    if card.get("floating"):
        return _("Unclaimed — {lane}", lane=lane_words(card))
    if card.get("lane"):
        return _("Unclaimed — {lane} (no one bound: /team lane {key} @someone)",
                 lane=lane_words(card), key=card["lane"])
    return _("Unclaimed — in no lane of this mode")


def group_by_owner(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Cards grouped under the person (or unclaimed lane) who should take them, order kept."""
    groups: dict[str, list[dict]] = {}
    for card in items:
        groups.setdefault(owner_heading(card), []).append(card)
    return list(groups.items())


def unblocked_text(plan: str, data: dict) -> str:
    items = data["items"]
    mine, devs, values = data["scope"] == "mine", data.get("mode"), {"plan": esc(plan), "n": len(items)}
    if mine and devs:
        heading = _("*Startable for you in {plan}*, {devs}-dev plan: {n}", devs=devs, **values)
    elif mine:
        heading = _("*Startable for you in {plan}*: {n}", **values)
    elif devs:
        heading = _("*Startable now in {plan}*, {devs}-dev plan: {n}", devs=devs, **values)
    else:
        heading = _("*Startable now in {plan}*: {n}", **values)
    lines = [heading]
    if not items:
        lines.append(_("Nothing is startable right now.") if not mine
                     else _("Nothing startable in your lane right now; /unblocked shows everything startable."))
    body = []
    for heading, cards in group_by_owner(items):
        body.append(heading)
        body.extend(f"  {card_line(c)}" for c in cards)
    lines.extend(capped(body))
    if data.get("active"):
        lines.append(_("*In progress / review*"))
        lines.extend(capped([
            f"  • {esc(c['label'])} — {state_word(c['state'])}, {who(c['assignee'])}"
            for c in data["active"]
        ], 20))
    if data.get("blocked") is not None:
        lines.append(_("*Blocked*: {n}", n=len(data["blocked"])))
        lines.extend(capped([
            f"  • {esc(c['label'])} — " + (never_starts(c["cycle"]) if c.get("cycle")
                                          else _("waits for {ids}", ids=", ".join(c["waiting_for"])))
            + (f"; {prepared_note(c)}" if c.get("preparer") else "")
            for c in data["blocked"]
        ]))
    if items:
        lines.append(_("Take one with /start ID."))
    return "\n".join(lines)


STATE_WORDS_BY_VALUE = {str(k): v for k, v in STATE_WORDS.items()}


def never_starts(cycle: list[str]) -> str:
    """"can never start: cycle 2.2 → 3.2 → 2.2": a wait no finished story will end, told apart from
    an ordinary wait (`planner.cycles`), for a story of the cycle or one that waits on it."""
    return _("can never start: cycle {cycle}", cycle=" → ".join(esc(i) for i in cycle))


def board_text(plan: str, data: dict) -> str:
    counts = data["counts"]
    lines = [
        n_("*{plan}*: {done}/{total} done · {review} in review · {in_progress} in progress · "
           "{todo} to do ({n} startable)", "*{plan}*: {done}/{total} done · {review} in review · "
           "{in_progress} in progress · {todo} to do ({n} startable)", data["startable"], plan=esc(plan),
           done=counts["done"], total=data["total"], review=counts["review"], in_progress=counts["in_progress"],
           todo=counts["todo"])
    ]
    if data["gates"]:
        lines.append(_("*Gates*"))
        for g in data["gates"]:
            holder = f", {who(g['assignee'])}" if g["assignee"] and g["state"] != "done" else ""
            behind = (" — " + _("{n} waiting behind it", n=g["waiting_behind"])) if g["state"] != "done" else ""
            said = _("{story} ({kind}): {state}", story=g["story"], kind=esc(gate_word(g["kind"])), state=state_word(g["state"]))
            lines.append(f"  • {said}{holder}{behind}")
    if data["checkpoints"]:
        lines.append(_("*Checkpoints*"))
        lines.extend(f"  • {checkpoint_line(c)}" for c in data["checkpoints"])
    lines.extend(incident_lines(data.get("incidents") or []))
    cp = data["critical_path"]
    if cp["current"]:
        lines.append(_("*Critical path*: at {story} ({state}) of {path}", story=cp["current"],
                       state=state_word(cp["state"]), path=" → ".join(cp["path"])))
    elif cp["path"]:
        lines.append(_("*Critical path*: all done ✓"))
    if data["review"]:
        lines.append(_("*In review*: {stories}", stories=", ".join(capped(data["review"], 30))))
    if data["in_progress"]:
        lines.append(_("*In progress*: {stories}", stories=", ".join(capped(data["in_progress"], 30))))
    for f in data["forced_open"]:
        lines.append(_("⚠ {story} was forced past open prerequisites ({ids})", story=f["story"],
                       ids=", ".join(f["open"])))
    lines.extend(reopened_lines(data.get("reopened") or []))
    lines.extend(sprint_lines(data.get("sprint")))
    lines.extend(preparation_lines(data.get("preparations") or []))
    lines.extend(removed_lines(data.get("removed") or []))
    return "\n".join(lines)


def removed_word(row: dict) -> str:
    """"4.3 (was in progress, @ann)": a story the plan no longer has, and where it stood."""
    said = {"story": esc(row["story"]), "state": state_word(row["state"])}
    if row.get("assignee"):
        return _("{story} (was {state}, {who})", who=who(row["assignee"]), **said)
    return _("{story} (was {state})", **said)


def removed_lines(removed: list[dict]) -> list[str]:
    """On /board: the stories no longer in the plan that had work, never silently gone."""
    if not removed:
        return []
    return [_("*Removed from the plan*: {stories}", stories=", ".join(removed_word(r) for r in removed[:30]))]


def sprint_lines(sprint: dict | None) -> list[str]:
    """The active mode's current sprint and its progress, then the stories late against their
    sprint; a mode without sprints says so (nothing at all without a mode)."""
    if not sprint or sprint.get("mode") is None:
        return []
    if not sprint["count"]:
        return [_("*Sprints*: the {devs}-dev plan has none.", devs=sprint["mode"])]
    current = sprint["current"]
    if current is None:
        return [_("*Sprints*: all {n} done ✓", n=sprint["count"])]
    lines = [_("*Sprint*: {name} ({index} of {count}, {devs}-dev plan) — {progress}", name=esc(current["name"]),
               index=current["index"], count=sprint["count"], devs=sprint["mode"],
               progress=sprint_progress_words(current))]
    for x in sprint["late"][:LATE_SHOWN]:
        late = {"story": esc(x["story"]), "sprint": esc(x["sprint"]), "state": state_word(x["state"])}
        lines.append(_("⚠ {story} is late against {sprint}: {state}, {who}", who=who(x["assignee"]), **late)
                     if x.get("assignee") else _("⚠ {story} is late against {sprint}: {state}", **late))
    if len(sprint["late"]) > LATE_SHOWN:
        lines.append(_("⚠ … and {n} more late against their sprint", n=len(sprint["late"]) - LATE_SHOWN))
    return lines


def sprint_progress_words(current: dict) -> str:
    """"3/5 done · 1 in review · 1 in progress"."""
    parts = [_("{done}/{total} done", done=current["done"], total=current["total"])]
    if current.get("review"):
        parts.append(_("{n} in review", n=current["review"]))
    if current.get("in_progress"):
        parts.append(_("{n} in progress", n=current["in_progress"]))
    return " · ".join(parts)


def reopened_lines(reopened: list[dict]) -> list[str]:
    """Each reopened story, and the work started or done on top of it since it was reopened."""
    lines = []
    for r in reopened:
        said = {"story": esc(r["story"]), "day": day(r.get("reopened_at")), "state": state_word(r["state"])}
        lines.append(_("↩ {story} was reopened on {day} ({state}, {who})", who=who(r["assignee"]), **said)
                     if r.get("assignee") else _("↩ {story} was reopened on {day} ({state})", **said))
        if r["after"]:
            built = ", ".join(f"{esc(a['story'])} ({state_word(a['state'])})" for a in r["after"][:10])
            more = f", … +{len(r['after']) - 10}" if len(r["after"]) > 10 else ""
            lines.append("  " + _("⚠ started or done on top of it since: {stories}", stories=built + more))
    return lines


def preparation_lines(preparations: list[dict]) -> list[str]:
    """Stories someone prepares until they can start: "• 1.4 — prepared by @bob since 3 Dec (waits for 1.1)"."""
    if not preparations:
        return []
    rows = []
    for p in preparations:
        status = (never_starts(p["cycle"]) if p.get("cycle")
                  else _("waits for {ids}", ids=", ".join(p["waiting_for"])) if p["waiting_for"] else _("can start now"))
        rows.append(f"  • {esc(p['story'])} — {prepared_note(p)} ({status})")
    return [_("*Being prepared*: {n}", n=len(preparations)), *capped(rows, 15)]


def checkpoint_line(c: dict) -> str:
    """A checkpoint on the board: reached and validated when the service knows (`bot.render.milestones`)."""
    if "reached" in c:
        return milestone_line(c)
    if c["missing"]:
        return _("{name}: {done}/{total} — missing {ids}", name=esc(c["name"]), done=c["done"], total=c["total"],
                 ids=", ".join(c["missing"]))
    return _("{name}: {done}/{total} ✓", name=esc(c["name"]), done=c["done"], total=c["total"])


def incident_lines(rows: list[dict]) -> list[str]:
    """The open incidents on the board (`bot.render.incidents`)."""
    return incident_board_lines(rows)


def story_text(data: dict) -> str:
    state = state_word(data["state"])
    lines = [f"*{esc(data['label'])}* — {state}" + (f", {who(data['assignee'])}" if data["assignee"] else "")]
    lines.append(_("Lane: {lane}, bound to {who}", lane=lane_words(data), who=who(data["owner"]))
                 if data["owner"] else _("Lane: {lane}", lane=lane_words(data)))
    if data["gate"]:
        lines.append(_("Gate: {gate}", gate=esc(gate_word(data["gate"]))))
    if data["critical"]:
        lines.append(_("On the critical path."))
    if data["prerequisites"]:
        lines.append(_("After: {ids}", ids=", ".join(data["prerequisites"])))
    if data["state"] == "todo":
        if data.get("cycle"):
            lines.append(_("Can never start: cycle {cycle}. Fix the plan and import it again, or a lead starts it "
                           "with /start {story} force <reason>.", cycle=" → ".join(esc(i) for i in data["cycle"]),
                           story=data["id"]))
        elif data["open_prerequisites"]:
            lines.append(_("Blocked: waits for {ids}.", ids=", ".join(data["open_prerequisites"])))
        else:
            lines.append(_("Startable: /start {story}", story=data["id"]))
    if data["finalisation"]:
        lines.append(_("Finalised at the end: done only when every other story is done."))
    if data["unblocks_ids"]:
        lines.append(_("Unblocks: {ids}", ids=", ".join(data["unblocks_ids"][:20])
                       + (f" (+{len(data['unblocks_ids']) - 20})" if len(data["unblocks_ids"]) > 20 else "")))
    if data.get("reviewer"):
        lines.append(_("Reviewer: {who}", who=who(data["reviewer"])))
    if data.get("reopened_at"):
        lines.append(_("⟲ Reopened on {day}: being redone.", day=data["reopened_at"][:10]))
    if data["evidence"]:
        lines.append(_("Evidence: {evidence}", evidence=esc(data["evidence"])))
    if data.get("bypass_open"):
        lines.append(_("⚠ Started by a lead's bypass: it can't be done until {ids} are done.",
                       ids=", ".join(data["open_prerequisites"])))
    for incident in data.get("incidents", []):
        lines.append(f"🚨 {esc(incident)}")
    if data["state"] == "todo" and data.get("preparer"):
        lines.append(being_prepared(data))
    lines += history_lines(data["history"])
    return "\n".join(lines)


def removed_story_text(data: dict) -> str:
    """/board ID of a story a re-import dropped: where it stood, that it is kept, and its history."""
    lines = [_("{story} was removed from the plan; its state and history are kept.",
               story=removed_word(data))]
    lines += history_lines(data["history"])
    return "\n".join(lines)


def history_lines(history: list[dict]) -> list[str]:
    """A story's last 15 moves under "History:", each with whom it named and its evidence or reason."""
    if not history:
        return []
    lines = [_("History:")]
    for h in history[-15:]:
        extra = (f" → {who(h['person'])}" if h.get("person") else "") + "".join(
            f" — {esc(h[k])}" for k in ("evidence", "reason") if h.get(k))
        lines.append("  " + history_line(h) + extra)
    return lines


def history_line(h: dict) -> str:
    """"2026-12-03 07:38 @ann start: to do → in progress" (the time as stored, UTC)."""
    return _("{at} {who} {action}: {before} → {after}", at=str(h.get("at", ""))[:16].replace("T", " "),
             who=who(h.get("actor")), action=action_word(h.get("action")), before=state_word(h.get("from")),
             after=state_word(h.get("to")))


def graph_text(plan: str) -> str:
    return _("The dependency graph of {plan}, coloured by state: in Slack it is posted here; "
             "in a terminal, deliverybot graph --out graph.png writes it.", plan=esc(plan))


def _ids(ids: tuple[str, ...] | list[str], cap: int = 8) -> str:
    shown = ", ".join(esc(i) for i in ids[:cap])
    return _("{ids} and {n} more", ids=shown, n=len(ids) - cap) if len(ids) > cap else shown


def _weight(s: Suggestion) -> str:
    """" (data gate, critical path)" for a story that holds others back, else nothing."""
    tags = ([_("{gate} gate", gate=esc(gate_word(s.gate)))] if s.gate else []) + ([_("critical path")] if s.critical else [])
    return f" ({', '.join(tags)})" if tags else ""


def _your_lanes(s: Suggestion) -> str:
    """Why /next looks beyond someone's lanes: finished, nothing in them to start or prepare, or none."""
    if not s.has_lane:
        return _("you have no lane in this mode")
    if s.lane_finished:
        return _("your lane is finished")
    if s.later:
        return _("nothing in your lane to start or prepare ({ids} is finalised at the end: it comes once no other "
                 "story is left to do)", ids=_ids(s.later))
    return _("nothing in your lane to start or prepare")


def why_next(s: Suggestion, changes: Event | None = None, cycle: list[str] | None = None) -> str:
    """Why /next suggests this story, as mrkdwn: "next in your lane (Dev A)". `changes`: the
    latest request for changes on the story they hold, when that is what sent it back to them.
    `cycle`: the dependency cycle that keeps a story to prepare from ever starting (`planner.cycles`),
    so /next does not promise a wait that never ends."""
    sid = esc(s.story_id)
    if cycle and s.kind in ("prepare", "preparing"):
        return _("nothing in your lane can start; {story} {never} (a lead fixes the plan, or starts it with "
                 "/start {story} force <reason>)", story=sid, never=never_starts(cycle))
    if s.kind == "continue":
        if changes is not None and changes.reason:
            return _("you hold {story}; {who} asked for changes: {reason} — make them and send it back to review",
                     story=sid, who=mention(changes.actor), reason=esc(changes.reason))
        if changes is not None:
            return _("you hold {story}; {who} asked for changes — make them and send it back to review",
                     story=sid, who=mention(changes.actor))
        return _("you hold {story}; finish it and send it to review", story=sid)
    if s.kind == "review":
        return _("{story} waits for your review{weight}", story=sid, weight=_weight(s))
    if s.kind == "prepared":
        return _("you prepared {story} and it can start now", story=sid)
    if s.kind == "lane":
        return (_("next in your lane (Dev {lane})", lane=esc(s.lane)) if s.lane
                else _("a floating story your lane may take"))
    if s.kind == "preparing":
        return _("you are preparing {story}; it waits for {ids}, and you will hear first when it can start",
                 story=sid, ids=_ids(s.waits_for))
    if s.kind == "prepare":
        return _("nothing in your lane can start yet; prepare {story} (branch, variables, secrets) while it waits "
                 "for {ids}", story=sid, ids=_ids(s.waits_for))
    if s.kind == "elsewhere":
        where = {"lanes": _your_lanes(s), "story": sid}
        if s.critical and s.owner:
            return _("{lanes}; {story} is on the critical path (in the lane of {owner}, who is on other work)",
                     owner=mention(s.owner), **where)
        if s.critical:
            return _("{lanes}; {story} is on the critical path", **where)
        if s.owner:
            return _("{lanes}; {story} is the best startable story free to take (in the lane of {owner}, "
                     "who is on other work)", owner=mention(s.owner), **where)
        return _("{lanes}; {story} is the best startable story free to take", **where)
    if s.has_lane:
        return _("{lanes}, and nothing else is free to start right now", lanes=_your_lanes(s))
    return _("nothing is free to start right now")


def next_text(s: Suggestion, label: str | None, changes: Event | None = None, cycle: list[str] | None = None) -> str:
    """/next: the story, why it is theirs, and the command that moves it."""
    if s.story_id is None or label is None:
        return _("Nothing for you right now: {why}.", why=why_next(s))
    story = s.story_id
    action = {"continue": _("/review {story} <link> when ready", story=story),
              "review": _("/done {story} <evidence link> or /review {story} changes <what>", story=story),
              "prepare": f"/prepare {story}",
              "preparing": _("/board {story} shows what it waits for; /prepare {story} off gives it up", story=story)}
    todo = esc(f"/board {story}" if cycle and s.kind in ("prepare", "preparing")
               else action.get(s.kind, f"/start {story}"))
    return _("Next for you: *{label}* — {why}.", label=esc(label), why=why_next(s, changes, cycle)) + f"\n{todo}"


def internal_error_text(ref: str) -> str:
    return _("Something went wrong on our side (ref {ref}). If you were changing something, /board shows "
             "whether it was recorded before you try again; if it keeps happening, give this reference to "
             "whoever runs deliverybot.", ref=ref)


def database_unavailable_text(sentence: str) -> str:
    """A command the database could not serve (storage.errors): what is wrong, that nothing changed."""
    return _("deliverybot can't save right now ({why}); nothing was changed — try again", why=esc(sentence))


def graph_not_posted_text(error: str) -> str:
    """/board graph when Slack refused the upload: most often the bot is not in the channel."""
    if error in ("not_in_channel", "channel_not_found"):
        return _("I can't post the graph here: I'm not in this channel. Invite me with /invite @deliverybot, "
                 "then try again.")
    return _("The graph could not be posted here (Slack said {error}); deliverybot graph --out graph.png draws it.",
             error=error)


def digest_not_posted_text(why: str) -> str:
    """/digest post when Slack took nothing (`why` says what Slack answered)."""
    if "not_in_channel" in why or "channel_not_found" in why:
        return _("The digest was not posted: {why}. Invite me to the channel (/invite @deliverybot), "
                 "then /digest post again.", why=esc(why))
    return _("The digest was not posted: {why}.", why=esc(why))
