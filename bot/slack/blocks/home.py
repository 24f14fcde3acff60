"""App Home: one person's view of the plan, as a `views.publish` payload (pure function)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock
from slack_sdk.models.views import View

from bot.i18n import _
from bot.i18n.formats import number
from bot.render import text as T
from bot.render.milestones import line as milestone_line
from bot.render.mrkdwn import truncate, who
from bot.slack.blocks.limits import check_view
from bot.slack.blocks.replies import (
    bullets,
    changes_button,
    context,
    done_button,
    forced_line,
    gate_line,
    header,
    incident_blocks,
    label_of,
    preparation_line,
    prepare_button,
    review_button,
    section,
    start_button,
    state_word,
)

MAX_MINE = 15  # own stories listed with their button
MAX_REVIEWS = 15  # reviews listed with Done / Request changes (2 blocks each)
MAX_WATCH = 10  # open bypasses, preparations: lines each


def home_view(data: dict) -> dict:
    """The App Home tab (type "home", at most 100 blocks).

    `data` (what `DeliveryService.home` returns)::

        {
          "plan": slug,
          "me": person id,
          "mine": [story_card...],        # my stories in progress or in review
          "next": {"story": id | None, "why": str, "kind": one of planner.staffing.NEXT_ORDER,
                   "label": str | None} | None,
          "reviews": [story_card...],     # stories in review whose reviewer is me
          "gates": board["gates"],        # [{"story", "kind", "state", "assignee", "waiting_behind"}]
          "counts": board["counts"],      # {"todo", "in_progress", "review", "done"} (optional)
          "total": int,                   # optional
          "forced_open": board["forced_open"],    # open bypasses (optional)
          "preparations": board["preparations"],  # stories being prepared (optional)
          "checkpoints": [CheckpointStatus.to_row()...],  # reached, validated, held by (optional)
          "incidents": [planner.incidents.rows...],      # the open incidents, critical first (optional)
        }
    """
    plan = data.get("plan")
    blocks: list[Block] = [header(f"deliverybot — {plan}" if plan else "deliverybot")]
    counts = data.get("counts")
    if counts:
        total = data.get("total", sum(counts.values()))
        blocks.append(
            context(
                _("{done}/{total} done · {review} in review · {in_progress} in progress · {todo} to do",
                  done=number(counts.get("done", 0)), total=number(total), review=number(counts.get("review", 0)),
                  in_progress=number(counts.get("in_progress", 0)), todo=number(counts.get("todo", 0)))
            )
        )
    blocks.append(DividerBlock())
    blocks.extend(_mine(plan, data.get("mine") or []))
    blocks.extend(_next(plan, data.get("next")))
    blocks.extend(_reviews(plan, data.get("reviews") or []))
    gates = data.get("gates") or []
    if gates:
        blocks.append(DividerBlock())
        blocks.append(section(bullets(_("*Gates*"), [gate_line(g) for g in gates])))
    blocks.extend(_watch(data))
    blocks.extend(_milestones(data))
    blocks.append(context(_("`/unblocked` what can start · `/board` the board · `/help` all commands")))
    view = View(type="home", blocks=blocks).to_dict()
    return check_view(view)


def _watch(data: dict) -> list[Block]:
    """The plan's open bypasses (forced past prerequisites still not done) and preparations."""
    out: list[Block] = []
    forced = data.get("forced_open") or []
    if forced:
        lines = [forced_line(f) for f in forced]
        out.append(section(bullets(_("⚠ *Forced starts still open*"), lines, cap=MAX_WATCH)))
    preparations = data.get("preparations") or []
    if preparations:
        lines = [preparation_line(p) for p in preparations]
        title = _("🧰 *Being prepared*: {count}", count=number(len(preparations)))
        out.append(section(bullets(title, lines, cap=MAX_WATCH)))
    return out


def _milestones(data: dict) -> list[Block]:
    """The checkpoints (reached, validated, held by an incident) and the open incidents, critical first."""
    out: list[Block] = []
    checkpoints = data.get("checkpoints") or []
    if checkpoints:
        out.append(section(bullets(_("🏁 *Checkpoints*"), [milestone_line(c) for c in checkpoints], cap=MAX_WATCH)))
    out.extend(incident_blocks(data.get("incidents") or []))
    return out


def _mine(plan: str | None, mine: list[dict]) -> list[Block]:
    out: list[Block] = [section(_("*Your stories*"))]
    if not mine:
        out.append(context(_("Nothing in progress or in review.")))
    for card in mine[:MAX_MINE]:
        story, state = label_of(card), state_word(card.get("state"))
        if card.get("state") == "review":
            out.append(section(
                _("*{story}* — {state}, waiting for {reviewer}", story=story, state=state, reviewer=who(card["reviewer"]))
                if card.get("reviewer")
                else _("*{story}* — {state}, waiting for a reviewer", story=story, state=state)
            ))
        else:
            text = _("*{story}* — {state}", story=story, state=state)
            out.append(section(text, review_button(plan, card["id"], card.get("label"))))
    if len(mine) > MAX_MINE:
        out.append(context(_("…and {count} more: `/board` shows the board.", count=number(len(mine) - MAX_MINE))))
    return out


def _next(plan: str | None, nxt: dict | None) -> list[Block]:
    out: list[Block] = [section(_("*Your next story*"))]
    nxt = nxt or {}
    sid = nxt.get("story")
    why = truncate(nxt.get("why") or _("nothing is startable right now"), 500)  # mrkdwn from bot.render.text
    if not sid:
        out.append(context(_("Nothing for you right now: {why}.", why=why)))
        return out
    label = nxt.get("label") or sid
    text = f"*{T.esc(truncate(label, 200))}*\n{why}"
    kind = nxt.get("kind")
    if kind == "continue":
        out.append(section(text, review_button(plan, sid, label)))
    elif kind == "review":
        out.append(section(text))
        out.append(ActionsBlock(elements=[done_button(plan, sid, label), changes_button(plan, sid, label)]))
    elif kind == "prepare":
        out.append(section(text, prepare_button(plan, sid)))
    elif kind == "preparing":  # it waits: nothing to click
        out.append(section(text))
    else:
        out.append(section(text, start_button(plan, sid)))
    return out


def _reviews(plan: str | None, reviews: list[dict]) -> list[Block]:
    out: list[Block] = [section(_("*Reviews waiting for you*"))]
    if not reviews:
        out.append(context(_("No review is waiting for you.")))
    for card in reviews[:MAX_REVIEWS]:
        if card.get("assignee"):
            out.append(section(_("*{story}* — by {who}", story=label_of(card), who=who(card["assignee"]))))
        else:
            out.append(section(f"*{label_of(card)}*"))
        out.append(
            ActionsBlock(
                elements=[
                    done_button(plan, card["id"], card.get("label")),
                    changes_button(plan, card["id"], card.get("label")),
                ]
            )
        )
    if len(reviews) > MAX_REVIEWS:
        count = number(len(reviews) - MAX_REVIEWS)
        out.append(context(_("…and {count} more: `/next` takes them in order.", count=count)))
    return out
