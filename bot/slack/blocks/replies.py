"""Block Kit for replies, channel announcements and DMs: pure functions, data in, block dicts out.

Built with `slack_sdk.models` so each block is validated as it is made, then checked as a whole
message by `limits.check_message` (50 blocks, text sizes, button values...). Lists are capped
and summarised, so a 2,000-story plan renders as one readable message; the full answer always
stays in `Reply.data` (and `deliverybot cmd --json`).

Every button carries the JSON value {"plan": slug, "story": id} (bot.slack's contract); buttons
that open a modal add "label" (the modal's heading) and, for approvals, "link" (the evidence to
prefill). User text (titles, reasons, links) is escaped with `text.esc` before it enters mrkdwn;
the service's reply texts are already escaped and are used as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import N_, _, n_
from bot.i18n.formats import number
from bot.render import incidents as I
from bot.render import milestones as M
from bot.render import text as T
from bot.render.moves import owners_told
from bot.render.mrkdwn import truncate, who
from bot.service.replies import Notification, Reply
from bot.slack import ACTION_APPROVE, ACTION_CHANGES, ACTION_DONE, ACTION_PREPARE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.limits import (
    BUTTON_TEXT_MAX,
    CONTEXT_TEXT_MAX,
    FIELD_TEXT_MAX,
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    check_message,
)
from bot.slack.payloads import ButtonValue

MAX_LISTED = 20  # stories shown with their own Start button in one message
MAX_LINES = 15  # lines in a compact list (blocked, gates, history...)
MAX_IDS = 12  # ids in an inline list ("waits for 1.1, 1.2, …")
MAX_DM_STARTS = 10  # Start buttons in a "now startable in your lane" DM
LABEL_MAX = 200  # a story's label inside a line
FULL_LIST = N_("the full list: `deliverybot cmd --json`")  # said with _(FULL_LIST)


# -- small builders shared with home.py ------------------------------------------------------


def section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    """A mrkdwn section; `text` must already be escaped. Cut to Slack's 3,000 characters."""
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(text or "—", SECTION_TEXT_MAX)), accessory=accessory
    )


def fields_section(fields: Sequence[str]) -> SectionBlock:
    return SectionBlock(fields=[MarkdownTextObject(text=truncate(f, FIELD_TEXT_MAX)) for f in fields[:10]])


def header(text: str) -> HeaderBlock:
    """A header: plain text, so nothing to escape."""
    return HeaderBlock(text=PlainTextObject(text=truncate(text or "—", HEADER_TEXT_MAX), emoji=True))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text or "—", CONTEXT_TEXT_MAX))])


def button(text: str, action_id: str, value: ButtonValue, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=truncate(text, BUTTON_TEXT_MAX), emoji=True),
        action_id=action_id,
        value=value.encode(),
        style=style,
    )


def story_value(plan: str | None, sid: str, label: str | None = None, link: str | None = None) -> ButtonValue:
    """A story button's value, the label cut to what a modal shows."""
    return ButtonValue(story=sid, plan=plan, label=truncate(label, LABEL_MAX) if label else None, link=link)


def start_button(plan: str | None, sid: str, text: str = N_("Start")) -> ButtonElement:
    return button(_(text), ACTION_START, story_value(plan, sid), style="primary")


def prepare_button(plan: str | None, sid: str) -> ButtonElement:
    return button(_("Prepare"), ACTION_PREPARE, story_value(plan, sid))


def review_button(plan: str | None, sid: str, label: str | None = None) -> ButtonElement:
    return button(_("Send to review"), ACTION_REVIEW, story_value(plan, sid, label))


def done_button(
    plan: str | None, sid: str, label: str | None = None, link: str | None = None
) -> ButtonElement:
    return button(
        _("Done"), ACTION_DONE, story_value(plan, sid, label, link), style="primary"
    )


def changes_button(plan: str | None, sid: str, label: str | None = None) -> ButtonElement:
    return button(_("Request changes"), ACTION_CHANGES, story_value(plan, sid, label))


def state_word(state: str | None) -> str:
    word = T.STATE_WORDS_BY_VALUE.get(str(state))
    return _(word) if word else str(state)


def label_of(card: dict) -> str:
    """A card's label, escaped and cut for one line of mrkdwn."""
    return T.esc(truncate(card.get("label") or card.get("id") or "?", LABEL_MAX))


def card_marks(card: dict) -> str:
    """The marks a person scans for: gate kind, critical path, how many stories wait on it."""
    tags = []
    if card.get("gate"):
        tags.append(_("🚦 {kind} gate", kind=T.esc(T.gate_word(card["gate"]))))
    if card.get("critical"):
        tags.append(_("🔥 critical path"))
    if card.get("unblocks_all"):
        tags.append(_("unblocks {count}", count=number(card["unblocks_all"])))
    return " · ".join(tags)


def id_list(ids: Sequence[str], cap: int = MAX_IDS) -> str:
    shown = ", ".join(T.esc(i) for i in ids[:cap])
    return shown + (f", … +{number(len(ids) - cap)}" if len(ids) > cap else "")


def bullets(title: str, lines: Sequence[str], cap: int = MAX_LINES, more: str = "") -> str:
    """`title` then "• line" rows, at most `cap` of them and always under a section's 3,000
    characters; the rest are counted in a last "…and N more" row."""
    out = [title]
    size = len(title)
    reserve = 200  # room for the "more" row
    shown = 0
    for line in lines[:cap]:
        row = "• " + truncate(line, 240)
        if size + len(row) + 1 + reserve > SECTION_TEXT_MAX:
            break
        out.append(row)
        size += len(row) + 1
        shown += 1
    if len(lines) > shown:
        count = number(len(lines) - shown)
        out.append(_("…and {count} more ({more})", count=count, more=more) if more
                   else _("…and {count} more", count=count))
    return "\n".join(out)


def text_sections(text: str, limit: int = 5) -> list[SectionBlock]:
    """Already-escaped text as sections of at most 3,000 characters, split between lines."""
    chunks: list[str] = []
    current = ""
    for line in placeholders(text or "—").split("\n"):
        line = truncate(line, SECTION_TEXT_MAX)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_MAX:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current)
    if len(chunks) > limit:
        chunks = chunks[:limit]
        chunks[-1] = truncate(chunks[-1] + "\n…", SECTION_TEXT_MAX)
    return [section(c) for c in chunks if c.strip()] or [section("—")]


_PLACEHOLDER = re.compile(r"<(?![@#!]|https?://|mailto:)([^<>|]*)>")


def placeholders(text: str) -> str:
    """Escape usage placeholders such as "/start ID force <reason>" in a service text: Slack would
    read `<reason>` as a link. Mentions, channels and URLs (`<@U1>`, `<#C1>`, `<https://…>`) stay."""
    return _PLACEHOLDER.sub(r"&lt;\1&gt;", text)


def finish(blocks: Iterable[Block | dict]) -> list[dict]:
    """SDK blocks to dicts (validating each), then the whole-message checks."""
    return check_message([b.to_dict() if isinstance(b, Block) else b for b in blocks])


# -- replies -----------------------------------------------------------------------------------


def reply_blocks(reply: Reply) -> list[dict]:
    """The blocks for the person who ran a command (ephemeral or in channel), by `reply.kind`."""
    build = _BUILDERS.get(reply.kind, _plain)
    return finish(build(reply))


def _plain(reply: Reply) -> list[Block]:
    return list(text_sections(reply.text))


def _unblocked(reply: Reply) -> list[Block]:
    d = reply.data
    plan, scope = d.get("plan"), d.get("scope", "ready")
    items: list[dict] = d.get("items", [])
    if scope == "mine":
        title = _("Startable for you in {plan}", plan=plan) if plan else _("Startable for you")
    else:
        title = _("Startable now in {plan}", plan=plan) if plan else _("Startable now")
    blocks: list[Block] = [header(title)]
    facts = [n_("{count} story", "{count} stories", len(items), count=number(len(items)))]
    if d.get("mode"):
        facts.append(mode_words(d["mode"]))
    if len(items) > 1:
        facts.append(_("critical path first"))
    blocks.append(context(" · ".join(facts)))
    if not items:
        blocks.append(
            section(
                _("Nothing startable in your lane right now; `/unblocked` shows everything startable.")
                if scope == "mine"
                else _("Nothing is startable right now. `/board` shows what is in progress.")
            )
        )

    tail: list[Block] = []
    if scope == "all":
        tail.extend(_unblocked_all(d))
    if items:
        tail.append(context(_("Take one with its *Start* button, or `/start ID`.")))
    budget = MESSAGE_BLOCKS_MAX - len(blocks) - len(tail) - 1  # 1: the "more" line
    listed: set[str] = set()
    for heading, cards in T.group_by_owner(items[:MAX_LISTED]):
        if budget < 2:
            break
        blocks.append(section(f"*{truncate(heading, 500)}*"))
        budget -= 1
        for card in cards[:budget]:
            blocks.append(section(_card_text(card), start_button(plan, card["id"])))
            listed.add(card["id"])
        budget -= min(len(cards), budget)
    rest = [c for c in items if c["id"] not in listed]
    if rest:
        blocks.append(context(_more_startable(rest)))
    return blocks + tail


def _card_text(card: dict) -> str:
    marks = card_marks(card)
    prepared = T.prepared_note(card)
    return f"*{label_of(card)}*" + (f"\n{marks}" if marks else "") + (f"\n🧰 {prepared}" if prepared else "")


def _more_startable(rest: list[dict]) -> str:
    groups = T.group_by_owner(rest)
    by = "; ".join(f"{number(len(cards))} {truncate(heading, 120)}" for heading, cards in groups[:4])
    if len(groups) > 4:
        by += "; " + n_("{n} more group", "{n} more groups", len(groups) - 4)
    return _("…and {count} more startable ({by}). `/unblocked mine` narrows to your lane; {full_list}.",
             count=number(len(rest)), by=by, full_list=_(FULL_LIST))


def mode_words(mode: object) -> str:
    """"2-dev plan" for the staffing mode's number of developers."""
    try:
        devs = int(str(mode))
    except ValueError:
        return _("{mode}-dev plan", mode=mode)
    return n_("{n}-dev plan", "{n}-dev plan", devs)


def _unblocked_all(d: dict) -> list[Block]:
    out: list[Block] = []
    active, blocked = d.get("active") or [], d.get("blocked")
    if active or blocked:
        out.append(DividerBlock())
    if active:
        lines = [f"{label_of(c)} — {state_word(c['state'])}, {who(c.get('assignee'))}" for c in active]
        out.append(section(bullets(_("*In progress / review*: {count}", count=number(len(active))), lines,
                                   more=_(FULL_LIST))))
    if blocked:
        lines = [
            _("{story} — {never}", story=label_of(c), never=T.never_starts(c["cycle"]))  # a wait that never ends
            if c.get("cycle")
            else _("{story} — waits for {ids}; 🧰 {note}", story=label_of(c),
                   ids=id_list(c.get("waiting_for") or [], 5), note=T.prepared_note(c))
            if c.get("preparer")
            else _("{story} — waits for {ids}", story=label_of(c), ids=id_list(c.get("waiting_for") or [], 5))
            for c in blocked
        ]
        out.append(section(bullets(_("*Blocked*: {count}", count=number(len(blocked))), lines, more=_(FULL_LIST))))
    return out


def _board(reply: Reply) -> list[Block]:
    d = reply.data
    counts, total = d.get("counts", {}), d.get("total", 0)
    blocks: list[Block] = [header(_("{plan} — board", plan=d["plan"]) if d.get("plan") else _("Board"))]
    startable = d.get("startable", 0)
    blocks.append(
        fields_section(
            [
                _("*Done*\n{done} / {total}", done=number(counts.get("done", 0)), total=number(total)),
                _("*In review*\n{count}", count=number(counts.get("review", 0))),
                _("*In progress*\n{count}", count=number(counts.get("in_progress", 0))),
                n_("*To do*\n{count} ({startable} startable)", "*To do*\n{count} ({startable} startable)",
                   startable, count=number(counts.get("todo", 0)), startable=number(startable)),
            ]
        )
    )
    if d.get("gates"):
        blocks.append(section(bullets(_("*Gates*"), [gate_line(g) for g in d["gates"]])))
    if d.get("checkpoints"):
        lines = [M.line(c) if "reached" in c else _checkpoint_count(c) for c in d["checkpoints"]]
        blocks.append(section(bullets(_("🏁 *Checkpoints*"), lines)))
    blocks.extend(incident_blocks(d.get("incidents") or []))
    cp = d.get("critical_path") or {}
    if cp.get("path"):
        blocks.append(section(_critical_text(cp)))
    moving = []
    if d.get("review"):
        moving.append(_("*In review*: {ids}", ids=id_list(d["review"], 30)))
    if d.get("in_progress"):
        moving.append(_("*In progress*: {ids}", ids=id_list(d["in_progress"], 30)))
    if moving:
        blocks.append(section("\n".join(moving)))
    forced = d.get("forced_open") or []
    if forced:
        lines = [forced_line(f) for f in forced]
        blocks.append(section(bullets(_("⚠ *Forced starts still open*"), lines)))
    blocks.extend(board_watch(d))
    blocks.append(context(_("`/board ID` for one story · `/unblocked` for what can start")))
    return blocks


def _checkpoint_count(c: dict) -> str:
    """"Beta: 3/5 — missing 2.1, 2.2" for a checkpoint row without its milestone status."""
    name, done, total = T.esc(c["name"]), c["done"], c["total"]
    if c["missing"]:
        return _("{name}: {done}/{total} — missing {ids}", name=name, done=done, total=total,
                 ids=id_list(c["missing"]))
    return _("{name}: {done}/{total} ✓", name=name, done=done, total=total)


def forced_line(f: dict) -> str:
    """"2.3 (@ann) still waits for 1.1" for a start forced past prerequisites still open."""
    return _("{story} ({who}) still waits for {ids}", story=T.esc(f["story"]), who=who(f.get("assignee")),
             ids=id_list(f["open"], 6))


def board_watch(d: dict) -> list[Block]:
    """The board's reopened stories (and the work built on them since), the active mode's sprint
    and the stories late against it, and the stories being prepared."""
    out: list[Block] = []
    reopened = d.get("reopened") or []
    if reopened:
        out.append(section(bullets(_("↩ *Reopened*"), [reopened_line(r) for r in reopened])))
    sprint = sprint_text(d.get("sprint"))
    if sprint:
        out.append(section(sprint))
    preparations = d.get("preparations") or []
    if preparations:
        lines = [preparation_line(p) for p in preparations]
        out.append(section(bullets(_("🧰 *Being prepared*: {count}", count=number(len(preparations))), lines,
                                   more=_(FULL_LIST))))
    return out


def reopened_line(r: dict) -> str:
    """"2.2 — reopened 3 Dec, in progress, @ann; ⚠ started or done on top of it since: 3.1 (in review)"."""
    holder = f", {who(r['assignee'])}" if r.get("assignee") else ""
    story, day, state = T.esc(r["story"]), T.day(r.get("reopened_at")), state_word(r["state"])
    after = r.get("after") or []
    if after:
        built = [f"{a['story']} ({state_word(a['state'])})" for a in after]
        return _("{story} — reopened {day}, {state}{holder}; ⚠ started or done on top of it since: {ids}",
                 story=story, day=day, state=state, holder=holder, ids=id_list(built, 6))
    return _("{story} — reopened {day}, {state}{holder}", story=story, day=day, state=state, holder=holder)


def sprint_text(sprint: dict | None) -> str:
    """The current sprint of the active mode, its progress and the stories late against their
    sprint, as one section's mrkdwn ("" without a mode)."""
    if not sprint or sprint.get("mode") is None:
        return ""
    if not sprint["count"]:
        return _("🏃 *Sprints*: the {plan} has none.", plan=mode_words(sprint["mode"]))
    current = sprint["current"]
    if current is None:
        return n_("🏃 *Sprints*: all {count} done ✓", "🏃 *Sprints*: all {count} done ✓", sprint["count"],
                  count=number(sprint["count"]))
    head = _("🏃 *Sprint*: {name} ({index} of {count}, {plan}) — {progress}", name=T.esc(current["name"]),
             index=current["index"], count=sprint["count"], plan=mode_words(sprint["mode"]),
             progress=T.sprint_progress_words(current))
    late = sprint.get("late") or []
    if not late:
        return head
    lines = [
        f"{T.esc(x['story'])} ({T.esc(x['sprint'])}) — {state_word(x['state'])}"
        + (f", {who(x['assignee'])}" if x.get("assignee") else "")
        for x in late
    ]
    return head + "\n" + bullets(_("⚠ *Late against their sprint*: {count}", count=number(len(late))), lines)


def preparation_line(p: dict) -> str:
    """"1.4 — prepared by @bob since 3 Dec; waits for 1.1"."""
    story, note = T.esc(p["story"]), T.prepared_note(p)
    if p.get("cycle"):
        return _("{story} — {note}; {never}", story=story, note=note, never=T.never_starts(p["cycle"]))
    if p.get("waiting_for"):
        return _("{story} — {note}; waits for {ids}", story=story, note=note, ids=id_list(p["waiting_for"], 6))
    return _("{story} — {note}; ✅ can start now", story=story, note=note)


def incident_blocks(rows: list[dict]) -> list[Block]:
    """The open incidents (`planner.incidents.rows`), critical first: one section, capped."""
    if not rows:
        return []
    title = _("🚨 *Open incidents*: {count}", count=number(len(rows)))
    return [section(bullets(title, [I.line(r) for r in rows], more=_(FULL_LIST)))]


def gate_line(g: dict) -> str:
    """One gate of board["gates"]: its state, who holds it, how many wait behind it."""
    done = g["state"] == "done"
    holder = f", {who(g['assignee'])}" if g.get("assignee") and not done else ""
    story, kind, state = T.esc(g["story"]), T.esc(T.gate_word(g["kind"])), state_word(g["state"])
    if done:
        return _("🚦 {story} ({kind}): {state} ✓", story=story, kind=kind, state=state)
    return _("🚦 {story} ({kind}): {state}{holder} — {count} waiting behind it", story=story, kind=kind,
             state=state, holder=holder, count=number(g.get("waiting_behind", 0)))


def _critical_text(cp: dict) -> str:
    path, current = cp["path"], cp.get("current")
    if not current:
        return _("*Critical path*: all {count} done ✓", count=number(len(path)))
    at = path.index(current) if current in path else 0
    lo, hi = max(0, at - 2), min(len(path), at + 4)
    window = " → ".join(f"*{T.esc(s)}*" if s == current else T.esc(s) for s in path[lo:hi])
    window = ("… → " if lo else "") + window + (" → …" if hi < len(path) else "")
    return _("*Critical path*: at {story} ({state}), step {step} of {total}\n{window}", story=T.esc(current),
             state=state_word(cp.get("state")), step=at + 1, total=len(path), window=window)


def _story(reply: Reply) -> list[Block]:
    d = reply.data
    plan, sid, state = d.get("plan"), d["id"], d.get("state", "todo")
    label = d.get("label") or sid
    blocks: list[Block] = [header(label)]
    holder = f", {who(d['assignee'])}" if d.get("assignee") else ""
    facts = [_("*State*\n{state}{holder}", state=state_word(state), holder=holder)]
    lane = T.lane_words(d)
    facts.append(_("*Lane*\n{lane}, bound to {owner}", lane=lane, owner=who(d["owner"])) if d.get("owner")
                 else _("*Lane*\n{lane}", lane=lane))
    if d.get("gate"):
        facts.append(_("*Gate*\n🚦 {kind}", kind=T.esc(T.gate_word(d["gate"]))))
    if d.get("critical"):
        facts.append(_("*Critical path*\n🔥 yes"))
    if state == "review" and d.get("reviewer"):
        facts.append(_("*Reviewer*\n{who}", who=who(d["reviewer"])))
    if d.get("evidence"):
        facts.append(_("*Evidence*\n{evidence}", evidence=T.esc(truncate(d["evidence"], 500))))
    blocks.append(fields_section(facts))

    lines = []
    if d.get("prerequisites"):
        lines.append(_("*After*: {ids}", ids=id_list(d["prerequisites"])))
    if state == "todo":
        if d.get("open_prerequisites"):
            lines.append(_("⛔ *Blocked*: waits for {ids}", ids=id_list(d["open_prerequisites"])))
        elif d.get("startable", True):
            lines.append(_("✅ *Startable* now"))
    if d.get("finalisation"):
        lines.append(_("Finalised at the end: done only when every other story is done."))
    if d.get("unblocks_ids"):
        lines.append(_("*Unblocks*: {ids}", ids=id_list(d["unblocks_ids"], 20)))
    if lines:
        blocks.append(section("\n".join(lines)))
    if d.get("forced") and state != "done":
        blocks.append(context(_("⚠ Started by a lead's bypass, past open prerequisites.")))
    if state == "todo" and d.get("preparer"):
        blocks.append(context(_("🧰 Being {note}.", note=T.prepared_note(d))))
    history = d.get("history") or []
    if history:
        rows = [_history_line(h) for h in history[-MAX_LINES:]]
        older = len(history) - len(rows)
        title = (_("*History* (last {shown} of {total})", shown=len(rows), total=len(history)) if older
                 else _("*History*"))
        blocks.append(section(bullets(title, rows, cap=MAX_LINES)))
    buttons = _story_buttons(plan, sid, label, state, d)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return blocks


def _history_line(h: dict) -> str:
    extra = "".join(f" — {T.esc(truncate(h[k], 300))}" for k in ("evidence", "reason") if h.get(k))
    return T.history_line(h) + extra


def _story_buttons(plan: str | None, sid: str, label: str, state: str, d: dict) -> list[ButtonElement]:
    if state == "todo" and d.get("startable"):
        return [start_button(plan, sid)]
    if state == "in_progress":
        return [review_button(plan, sid, label)]
    if state == "review":
        return [done_button(plan, sid, label, d.get("evidence")), changes_button(plan, sid, label)]
    return []


def _transition(reply: Reply) -> list[Block]:
    d = reply.data
    plan, sid, to = d.get("plan"), d.get("story"), d.get("to")
    blocks: list[Block] = []
    if d.get("gate") and to == "done":
        blocks.append(header(_("🚦 Gate passed")))
    prefixes = _now_startable_prefixes("Now startable")
    headline = "\n".join(line for line in reply.text.split("\n") if not line.startswith(prefixes))
    blocks.extend(text_sections(headline, limit=2))
    newly = d.get("newly_startable") or []
    if newly:
        blocks.append(
            context(_("Now startable ({count}): {ids} — {told}.", count=number(len(newly)), ids=id_list(newly, 20),
                      told=owners_told(bool(d.get("owners_told")))))
        )
    if sid and to == "review":
        blocks.append(ActionsBlock(elements=[done_button(plan, sid), changes_button(plan, sid)]))
    elif sid and to == "in_progress":
        blocks.append(ActionsBlock(elements=[review_button(plan, sid)]))
    return blocks


def _refusal(reply: Reply) -> list[Block]:
    d = reply.data
    blocks: list[Block] = list(text_sections(reply.text, limit=3))
    if d.get("open_prerequisites"):
        ids = id_list(d["open_prerequisites"])
        blocks.append(context(_("⚠ Still open: {ids}. `/board {story}` shows why.", ids=ids, story=T.esc(d["story"]))
                              if d.get("story") else _("⚠ Still open: {ids}.", ids=ids)))
    elif d.get("error") == "conflict":
        blocks.append(context(_("⚠ Someone moved it first: nothing of yours was applied.")))
    return blocks


def _next(reply: Reply) -> list[Block]:
    d = reply.data
    plan, sid, kind = d.get("plan"), d.get("story"), d.get("suggestion") or d.get("reason")
    text = truncate(placeholders(reply.text), SECTION_TEXT_MAX)
    if not sid or kind == "preparing":  # nothing to click while a preparation waits
        return [section(text)]
    if kind == "continue":
        return [section(text, review_button(plan, sid))]
    if kind == "review":
        return [section(text), ActionsBlock(elements=[done_button(plan, sid), changes_button(plan, sid)])]
    if kind == "prepare":
        return [section(text, prepare_button(plan, sid))]
    return [section(text, start_button(plan, sid))]


def _team(reply: Reply) -> list[Block]:
    d = reply.data
    lanes = d.get("lanes") or []
    blocks: list[Block] = [header(_("Team of {plan}", plan=d["plan"]) if d.get("plan") else _("Team"))]
    if d.get("mode"):
        blocks.append(context(mode_words(d["mode"])))
    fields = [_lane_field(lane) for lane in lanes]
    for i in range(0, min(len(fields), 40), 10):
        blocks.append(fields_section(fields[i : i + 10]))
    if not lanes:
        blocks.extend(text_sections(reply.text, limit=2))
    leads = ", ".join(who(p) for p in d.get("leads") or []) or _("none yet")
    channel = _(" · announces in <#{channel}>", channel=T.esc(d["channel"])) if d.get("channel") else ""
    if d.get("allow_solo"):
        blocks.append(context(_("Leads: {leads} · four eyes: off (solo allowed){channel}", leads=leads,
                                channel=channel)))
    else:
        blocks.append(context(_("Leads: {leads} · four eyes: on{channel}", leads=leads, channel=channel)))
    return blocks


def _lane_field(lane: dict) -> str:
    """"*Dev A* (core)\n@ann — 2 stories": one lane of /team, its label when it has one."""
    count = len(lane.get("stories") or [])
    values = {"lane": T.esc(lane["lane"]), "person": who(lane.get("person")), "count": number(count)}
    if lane.get("label"):
        return n_("*Dev {lane}* ({label})\n{person} — {count} story", "*Dev {lane}* ({label})\n{person} — {count} stories",
                  count, label=T.esc(lane["label"]), **values)
    return n_("*Dev {lane}*\n{person} — {count} story", "*Dev {lane}*\n{person} — {count} stories", count, **values)


def _help(reply: Reply) -> list[Block]:
    return [
        *text_sections(reply.text),
        context(_("Buttons do exactly what the commands do, with the same rules.")),
    ]


_BUILDERS: dict[str, Callable[[Reply], list[Block]]] = {
    "unblocked": _unblocked,
    "board": _board,
    "story": _story,
    "transition": _transition,
    "refusal": _refusal,
    "next": _next,
    "team": _team,
    "help": _help,
}


# -- notifications -----------------------------------------------------------------------------


MILESTONE_HEADERS = {"checkpoint": N_("🏁 Checkpoint {name} reached"), "validated": N_("🏁 Checkpoint {name} validated"),
                     "delivered": N_("🎉 Plan delivered")}  # said with _(header, name=checkpoint)


# bot.render.moves's sentences (marked there), looked up here to know their French beginning
_MOVES_STARTABLE = ("Now startable: {stories}.", "Now startable: {stories} — {told}.")


def _now_startable_prefixes(english: str = "Now startable:") -> tuple[str, ...]:
    """How a service text begins its "Now startable: …" line (bot.render.moves), in English and in
    the language spoken now: that line is shown apart, capped, so it is found by its beginning."""
    prefixes = [english]
    for line in _MOVES_STARTABLE:
        start = _(line).strip().split("{", 1)[0].strip()
        if len(start) >= 6 and start not in prefixes:
            prefixes.append(start)
    return tuple(prefixes)


def announcement_blocks(note: Notification) -> list[dict]:
    """A channel post after a transition; a gate passing gets a "🚦 Gate passed" header, a checkpoint
    reached or validated and the end of the plan theirs."""
    blocks: list[Block] = []
    if note.data.get("gate"):
        blocks.append(header(_("🚦 Gate passed")))
    milestone = MILESTONE_HEADERS.get(str(note.data.get("milestone")))
    if milestone:
        blocks.append(header(_(milestone, name=note.data.get("checkpoint", ""))))
    lines = note.text.split("\n")
    prefixes = _now_startable_prefixes()
    headline = [line for line in lines if not line.startswith(prefixes)]
    blocks.extend(text_sections("\n".join(headline), limit=2))
    newly = note.data.get("newly_startable") or []
    listed = next((line for line in lines if line.startswith(prefixes)), None)
    if listed:
        # "Now startable: 1.2 (<@U1>), 1.3 (unclaimed)." -> capped, owners kept
        prefix = next(p for p in prefixes if listed.startswith(p))
        entries = listed.removeprefix(prefix).strip().rstrip(".").split(", ")
        shown = ", ".join(entries[:15]) + (f", … +{number(len(entries) - 15)}" if len(entries) > 15 else "")
        blocks.append(context(_("Now startable ({count}): {ids}", count=number(len(newly) or len(entries)), ids=shown)))
    return finish(blocks)


def dm_blocks(note: Notification) -> list[dict]:
    """A DM: a review request gets Approve/Request changes buttons; "now startable in your lane"
    gets a Start button per story (capped); anything else is its text."""
    data, plan = note.data, note.data.get("plan")
    if data.get("review_request") and data.get("story"):
        sid = data["story"]
        first, _sep, rest = note.text.partition("\n")
        label, link = data.get("label"), data.get("link") or data.get("evidence")
        blocks: list[Block] = [*text_sections(first, limit=2)]
        blocks.append(
            ActionsBlock(
                elements=[
                    button(
                        _("Approve (done)"),
                        ACTION_APPROVE,
                        story_value(plan, sid, label, link),
                        style="primary",
                    ),
                    button(_("Request changes"), ACTION_CHANGES, story_value(plan, sid, label)),
                ]
            )
        )
        if rest.strip():
            blocks.append(context(placeholders(rest.strip())))
        return finish(blocks)
    stories = data.get("stories") or []
    if stories:
        labels = data.get("labels") or {}
        blocks = [section(truncate(note.text, 1000))]
        for sid in stories[:MAX_DM_STARTS]:
            text = f"*{T.esc(truncate(labels[sid], LABEL_MAX))}*" if labels.get(sid) else f"*{T.esc(sid)}*"
            blocks.append(section(text, start_button(plan, sid)))
        if len(stories) > MAX_DM_STARTS:
            blocks.append(
                context(_("…and {count} more: `/unblocked mine` lists them.",
                          count=number(len(stories) - MAX_DM_STARTS)))
            )
        return finish(blocks)
    return finish(text_sections(note.text, limit=3))
