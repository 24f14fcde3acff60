"""Plain-text answers, readable in a terminal and safe as Slack fallback text.

Every piece of text that came from a person or a plan goes through `esc`, so a story titled
"<!channel>" is shown, never executed. Lists are capped: a 2,000-story plan still gives a
message a person can read (the full list is in --json / the data).
"""

from __future__ import annotations

from datetime import datetime

from bot.render.incidents import board_lines as incident_board_lines
from bot.render.milestones import line as milestone_line
from bot.render.mrkdwn import esc, mention, who
from planner.staffing import Suggestion
from planner.state import STATE_WORDS, Event

MAX_LINES = 40
LATE_SHOWN = 10  # stories late against their sprint named on the board


def marks(card: dict) -> str:
    tags = []
    if card.get("gate"):
        tags.append(f"gate: {card['gate']}")
    if card.get("critical"):
        tags.append("critical path")
    if card.get("unblocks_all"):
        tags.append(f"unblocks {card['unblocks_all']}")
    return f"  [{', '.join(tags)}]" if tags else ""


def card_line(card: dict) -> str:
    prepared = prepared_note(card)
    return f"• {esc(card['label'])}{marks(card)}" + (f" — {prepared}" if prepared else "")


def day(iso: str | None) -> str:
    """An ISO time as a short date, "3 Dec" ("?" when unknown)."""
    try:
        at = datetime.fromisoformat(str(iso))
    except ValueError:
        return "?"
    return f"{at.day} {at:%b}"


def prepared_note(card: dict) -> str:
    """"prepared by @bob since 3 Dec" for a story someone prepares ("" when nobody does)."""
    if not card.get("preparer"):
        return ""
    since = f" since {day(card['prepared_since'])}" if card.get("prepared_since") else ""
    return f"prepared by {who(card['preparer'])}{since}"


def capped(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [f"… and {len(lines) - limit} more (use --json or /board ID for details)"]


def owner_heading(card: dict) -> str:
    if card.get("owner"):
        return f"{who(card['owner'])} — {esc(card['lane_label'])}"
    if card.get("floating"):
        return f"Unclaimed — {esc(card['lane_label'])}"
    if card.get("lane"):
        return f"Unclaimed — {esc(card['lane_label'])} (no one bound: /team lane {card['lane']} @someone)"
    return "Unclaimed — in no lane of this mode"


def group_by_owner(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Cards grouped under the person (or unclaimed lane) who should take them, order kept."""
    groups: dict[str, list[dict]] = {}
    for card in items:
        groups.setdefault(owner_heading(card), []).append(card)
    return list(groups.items())


def unblocked_text(plan: str, data: dict) -> str:
    items = data["items"]
    scope = {"ready": "Startable now", "mine": "Startable for you", "all": "Startable now"}[data["scope"]]
    mode = f", {data['mode']}-dev plan" if data.get("mode") else ""
    lines = [f"*{scope} in {esc(plan)}*{mode}: {len(items)}"]
    if not items:
        lines.append("Nothing is startable right now." if data["scope"] != "mine"
                     else "Nothing startable in your lane right now; /unblocked shows everything startable.")
    body = []
    for heading, cards in group_by_owner(items):
        body.append(heading)
        body.extend(f"  {card_line(c)}" for c in cards)
    lines.extend(capped(body))
    if data.get("active"):
        lines.append("*In progress / review*")
        lines.extend(capped([
            f"  • {esc(c['label'])} — {STATE_WORDS_BY_VALUE[c['state']]}, {who(c['assignee'])}"
            for c in data["active"]
        ], 20))
    if data.get("blocked") is not None:
        lines.append(f"*Blocked*: {len(data['blocked'])}")
        lines.extend(capped([
            f"  • {esc(c['label'])} — waits for {', '.join(c['waiting_for'])}"
            + (f"; {prepared_note(c)}" if c.get("preparer") else "")
            for c in data["blocked"]
        ]))
    if items:
        lines.append("Take one with /start ID.")
    return "\n".join(lines)


STATE_WORDS_BY_VALUE = {str(k): v for k, v in STATE_WORDS.items()}


def board_text(plan: str, data: dict) -> str:
    counts = data["counts"]
    lines = [
        f"*{esc(plan)}*: {counts['done']}/{data['total']} done · {counts['review']} in review · "
        f"{counts['in_progress']} in progress · {counts['todo']} to do ({data['startable']} startable)"
    ]
    if data["gates"]:
        lines.append("*Gates*")
        for g in data["gates"]:
            holder = f", {who(g['assignee'])}" if g["assignee"] and g["state"] != "done" else ""
            behind = f" — {g['waiting_behind']} waiting behind it" if g["state"] != "done" else ""
            lines.append(f"  • {g['story']} ({esc(g['kind'])}): {STATE_WORDS_BY_VALUE[g['state']]}{holder}{behind}")
    if data["checkpoints"]:
        lines.append("*Checkpoints*")
        lines.extend(f"  • {checkpoint_line(c)}" for c in data["checkpoints"])
    lines.extend(incident_lines(data.get("incidents") or []))
    cp = data["critical_path"]
    if cp["current"]:
        lines.append(f"*Critical path*: at {cp['current']} ({STATE_WORDS_BY_VALUE[cp['state']]}) "
                     f"of {' → '.join(cp['path'])}")
    elif cp["path"]:
        lines.append("*Critical path*: all done ✓")
    if data["review"]:
        lines.append("*In review*: " + ", ".join(capped(data["review"], 30)))
    if data["in_progress"]:
        lines.append("*In progress*: " + ", ".join(capped(data["in_progress"], 30)))
    for f in data["forced_open"]:
        lines.append(f"⚠ {f['story']} was forced past open prerequisites ({', '.join(f['open'])})")
    lines.extend(reopened_lines(data.get("reopened") or []))
    lines.extend(sprint_lines(data.get("sprint")))
    lines.extend(preparation_lines(data.get("preparations") or []))
    return "\n".join(lines)


def sprint_lines(sprint: dict | None) -> list[str]:
    """The active mode's current sprint and its progress, then the stories late against their
    sprint; a mode without sprints says so (nothing at all without a mode)."""
    if not sprint or sprint.get("mode") is None:
        return []
    if not sprint["count"]:
        return [f"*Sprints*: the {sprint['mode']}-dev plan has none."]
    current = sprint["current"]
    if current is None:
        return [f"*Sprints*: all {sprint['count']} done ✓"]
    lines = [f"*Sprint*: {esc(current['name'])} ({current['index']} of {sprint['count']}, "
             f"{sprint['mode']}-dev plan) — {sprint_progress_words(current)}"]
    lines.extend(
        f"⚠ {esc(x['story'])} is late against {esc(x['sprint'])}: {STATE_WORDS_BY_VALUE[x['state']]}"
        + (f", {who(x['assignee'])}" if x.get("assignee") else "")
        for x in sprint["late"][:LATE_SHOWN]
    )
    if len(sprint["late"]) > LATE_SHOWN:
        lines.append(f"⚠ … and {len(sprint['late']) - LATE_SHOWN} more late against their sprint")
    return lines


def sprint_progress_words(current: dict) -> str:
    """"3/5 done · 1 in review · 1 in progress"."""
    parts = [f"{current['done']}/{current['total']} done"]
    if current.get("review"):
        parts.append(f"{current['review']} in review")
    if current.get("in_progress"):
        parts.append(f"{current['in_progress']} in progress")
    return " · ".join(parts)


def reopened_lines(reopened: list[dict]) -> list[str]:
    """Each reopened story, and the work started or done on top of it since it was reopened."""
    lines = []
    for r in reopened:
        holder = f", {who(r['assignee'])}" if r.get("assignee") else ""
        lines.append(f"↩ {esc(r['story'])} was reopened on {day(r.get('reopened_at'))} "
                     f"({STATE_WORDS_BY_VALUE[r['state']]}{holder})")
        if r["after"]:
            built = ", ".join(f"{esc(a['story'])} ({STATE_WORDS_BY_VALUE[a['state']]})" for a in r["after"][:10])
            more = f", … +{len(r['after']) - 10}" if len(r["after"]) > 10 else ""
            lines.append(f"  ⚠ started or done on top of it since: {built}{more}")
    return lines


def preparation_lines(preparations: list[dict]) -> list[str]:
    """Stories someone prepares until they can start: "• 1.4 — prepared by @bob since 3 Dec (waits for 1.1)"."""
    if not preparations:
        return []
    rows = []
    for p in preparations:
        status = f"waits for {', '.join(p['waiting_for'])}" if p["waiting_for"] else "can start now"
        rows.append(f"  • {esc(p['story'])} — {prepared_note(p)} ({status})")
    return [f"*Being prepared*: {len(preparations)}", *capped(rows, 15)]


def checkpoint_line(c: dict) -> str:
    """A checkpoint on the board: reached and validated when the service knows (`bot.render.milestones`)."""
    if "reached" in c:
        return milestone_line(c)
    missing = f" — missing {', '.join(c['missing'])}" if c["missing"] else " ✓"
    return f"{esc(c['name'])}: {c['done']}/{c['total']}{missing}"


def incident_lines(rows: list[dict]) -> list[str]:
    """The open incidents on the board (`bot.render.incidents`)."""
    return incident_board_lines(rows)


def story_text(data: dict) -> str:
    state = STATE_WORDS_BY_VALUE[data["state"]]
    lines = [f"*{esc(data['label'])}* — {state}" + (f", {who(data['assignee'])}" if data["assignee"] else "")]
    lines.append(f"Lane: {esc(data['lane_label'])}" + (f", bound to {who(data['owner'])}" if data["owner"] else ""))
    if data["gate"]:
        lines.append(f"Gate: {esc(data['gate'])}")
    if data["critical"]:
        lines.append("On the critical path.")
    if data["prerequisites"]:
        lines.append(f"After: {', '.join(data['prerequisites'])}")
    if data["state"] == "todo":
        if data["open_prerequisites"]:
            lines.append(f"Blocked: waits for {', '.join(data['open_prerequisites'])}.")
        else:
            lines.append(f"Startable: /start {data['id']}")
    if data["finalisation"]:
        lines.append("Finalised at the end: done only when every other story is done.")
    if data["unblocks_ids"]:
        lines.append(f"Unblocks: {', '.join(data['unblocks_ids'][:20])}"
                     + (f" (+{len(data['unblocks_ids']) - 20})" if len(data["unblocks_ids"]) > 20 else ""))
    if data.get("reviewer"):
        lines.append(f"Reviewer: {who(data['reviewer'])}")
    if data.get("reopened_at"):
        lines.append(f"⟲ Reopened on {data['reopened_at'][:10]}: being redone.")
    if data["evidence"]:
        lines.append(f"Evidence: {esc(data['evidence'])}")
    if data.get("bypass_open"):
        lines.append(f"⚠ Started by a lead's bypass: it can't be done until {', '.join(data['open_prerequisites'])} "
                     "are done.")
    for incident in data.get("incidents", []):
        lines.append(f"🚨 {esc(incident)}")
    if data["state"] == "todo" and data.get("preparer"):
        lines.append(f"Being {prepared_note(data)}.")
    if data["history"]:
        lines.append("History:")
        for h in data["history"][-15:]:
            extra = (f" → {who(h['person'])}" if h.get("person") else "") + "".join(
                f" {esc(h[k])}" for k in ("evidence", "reason") if h.get(k))
            lines.append(f"  {h['at'][:16].replace('T', ' ')} {who(h['actor'])} {h['action']}: "
                         f"{STATE_WORDS_BY_VALUE[h['from']]} → {STATE_WORDS_BY_VALUE[h['to']]}{extra}")
    return "\n".join(lines)


def graph_text(plan: str) -> str:
    return (f"The dependency graph of {esc(plan)}, coloured by state: in Slack it is posted here; "
            "in a terminal, deliverybot graph --out graph.png writes it.")


def _ids(ids: tuple[str, ...] | list[str], cap: int = 8) -> str:
    shown = ", ".join(esc(i) for i in ids[:cap])
    return shown + (f" and {len(ids) - cap} more" if len(ids) > cap else "")


def _weight(s: Suggestion) -> str:
    """" (data gate, critical path)" for a story that holds others back, else nothing."""
    tags = ([f"{esc(s.gate)} gate"] if s.gate else []) + (["critical path"] if s.critical else [])
    return f" ({', '.join(tags)})" if tags else ""


def _your_lanes(s: Suggestion) -> str:
    """Why /next looks beyond someone's lanes: finished, nothing in them to start or prepare, or none."""
    if not s.has_lane:
        return "you have no lane in this mode"
    if s.lane_finished:
        return "your lane is finished"
    later = (f" ({_ids(s.later)} is finalised at the end: it comes once no other story is left to do)"
             if s.later else "")
    return f"nothing in your lane to start or prepare{later}"


def why_next(s: Suggestion, changes: Event | None = None) -> str:
    """Why /next suggests this story, as mrkdwn: "next in your lane (Dev A)". `changes`: the
    latest request for changes on the story they hold, when that is what sent it back to them."""
    sid = esc(s.story_id)
    if s.kind == "continue":
        if changes is not None:
            asked = f": {esc(changes.reason)}" if changes.reason else ""
            return f"you hold {sid}; {mention(changes.actor)} asked for changes{asked} — make them and send it back to review"
        return f"you hold {sid}; finish it and send it to review"
    if s.kind == "review":
        return f"{sid} waits for your review{_weight(s)}"
    if s.kind == "prepared":
        return f"you prepared {sid} and it can start now"
    if s.kind == "lane":
        return f"next in your lane (Dev {esc(s.lane)})" if s.lane else "a floating story your lane may take"
    if s.kind == "preparing":
        return (f"you are preparing {sid}; it waits for {_ids(s.waits_for)}, and you will hear first "
                "when it can start")
    if s.kind == "prepare":
        return (f"nothing in your lane can start yet; prepare {sid} (branch, variables, secrets) while it waits "
                f"for {_ids(s.waits_for)}")
    if s.kind == "elsewhere":
        extra = "on the critical path" if s.critical else "the best startable story free to take"
        taken = f" (in the lane of {mention(s.owner)}, who is on other work)" if s.owner else ""
        return f"{_your_lanes(s)}; {sid} is {extra}{taken}"
    if s.has_lane:
        return f"{_your_lanes(s)}, and nothing else is free to start right now"
    return "nothing is free to start right now"


def next_text(s: Suggestion, label: str | None, changes: Event | None = None) -> str:
    """/next: the story, why it is theirs, and the command that moves it."""
    if s.story_id is None or label is None:
        return f"Nothing for you right now: {why_next(s)}."
    story = s.story_id
    action = {"continue": f"/review {story} <link> when ready",
              "review": f"/done {story} <evidence link> or /review {story} changes <what>",
              "prepare": f"/prepare {story}",
              "preparing": f"/board {story} shows what it waits for; /prepare {story} off gives it up"}
    todo = esc(action.get(s.kind, f"/start {story}"))
    return f"Next for you: *{esc(label)}* — {why_next(s, changes)}.\n{todo}"


def internal_error_text(ref: str) -> str:
    return (f"Something went wrong on our side (ref {ref}). If you were changing something, /board shows "
            "whether it was recorded before you try again; if it keeps happening, give this reference to "
            "whoever runs deliverybot.")


def database_unavailable_text(sentence: str) -> str:
    """A command the database could not serve (storage.errors): what is wrong, that nothing changed."""
    return f"deliverybot can't save right now ({esc(sentence)}); nothing was changed — try again"


def graph_not_posted_text(error: str) -> str:
    """/board graph when Slack refused the upload: most often the bot is not in the channel."""
    if error in ("not_in_channel", "channel_not_found"):
        return "I can't post the graph here: I'm not in this channel. Invite me with /invite @deliverybot, then try again."
    return f"The graph could not be posted here (Slack said {error}); deliverybot graph --out graph.png draws it."


def digest_not_posted_text(why: str) -> str:
    """/digest post when Slack took nothing (`why` says what Slack answered)."""
    invite = (" Invite me to the channel (/invite @deliverybot), then /digest post again."
              if "not_in_channel" in why or "channel_not_found" in why else "")
    return f"The digest was not posted: {esc(why)}.{invite}"
