"""Plain-text answers, readable in a terminal and safe as Slack fallback text.

Every piece of text that came from a person or a plan goes through `esc`, so a story titled
"<!channel>" is shown, never executed. Lists are capped: a 2,000-story plan still gives a
message a person can read (the full list is in --json / the data).
"""

from __future__ import annotations

from bot.render.mrkdwn import esc, mention, who
from planner.staffing import Suggestion
from planner.state import STATE_WORDS

MAX_LINES = 40


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
    return f"• {esc(card['label'])}{marks(card)}"


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
            f"  • {esc(c['label'])} — waits for {', '.join(c['waiting_for'])}" for c in data["blocked"]
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
        for c in data["checkpoints"]:
            missing = f" — missing {', '.join(c['missing'])}" if c["missing"] else " ✓"
            lines.append(f"  • {esc(c['name'])}: {c['done']}/{c['total']}{missing}")
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
    return "\n".join(lines)


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
    if data["evidence"]:
        lines.append(f"Evidence: {esc(data['evidence'])}")
    if data["forced"]:
        lines.append("⚠ Started by a lead's bypass.")
    if data["history"]:
        lines.append("History:")
        for h in data["history"][-15:]:
            extra = "".join(f" {esc(h[k])}" for k in ("evidence", "reason") if h.get(k))
            lines.append(f"  {h['at'][:16].replace('T', ' ')} {who(h['actor'])} {h['action']}: "
                         f"{STATE_WORDS_BY_VALUE[h['from']]} → {STATE_WORDS_BY_VALUE[h['to']]}{extra}")
    return "\n".join(lines)


def graph_text(plan: str) -> str:
    return (f"The dependency graph of {esc(plan)}, coloured by state: in Slack it is posted here; "
            "in a terminal, deliverybot graph --out graph.png writes it.")


def why_next(s: Suggestion) -> str:
    """Why /next suggests this story, as mrkdwn: "next in your lane (Dev A)"."""
    if s.kind == "continue":
        return f"you hold {s.story_id}; finish it and send it to review"
    if s.kind == "review":
        return f"{s.story_id} waits for your review"
    if s.kind == "lane":
        return f"next in your lane (Dev {esc(s.lane)})" if s.lane else "a floating story your lane may take"
    if s.kind == "elsewhere":
        why = "your lane is blocked" if s.has_lane else "you have no lane in this mode"
        extra = "on the critical path" if s.critical else "the best startable story"
        taken = f" (in the lane of {mention(s.owner)})" if s.owner else ""
        return f"{why}; {s.story_id} is {extra}{taken}"
    return "nothing is startable right now"


def next_text(s: Suggestion, label: str | None) -> str:
    """/next: the story, why it is yours, and the command that moves it."""
    if s.story_id is None or label is None:
        return f"Nothing for you right now: {why_next(s)}."
    story = s.story_id
    action = {"continue": f"/review {story} <link> when ready",
              "review": f"/done {story} <evidence link> or /review {story} changes <what>"}
    todo = esc(action.get(s.kind, f"/start {story}"))
    return f"Next for you: *{esc(label)}* — {why_next(s)}.\n{todo}"


def internal_error_text(ref: str) -> str:
    return (f"Something went wrong on our side (ref {ref}). If you were changing something, /board shows "
            "whether it was recorded before you try again; if it keeps happening, give this reference to "
            "whoever runs deliverybot.")


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
