"""Milestones: after a done, the checkpoints it reached and the end of the plan, told to the channel;
and the checkpoint and incident data the board, the digest, App Home and the picture show.

`announced` is called once by every committed move (`bot.service.transitions.transition`): for a
done that reaches a checkpoint or finishes the plan, it adds the channel announcements (right
after the move's own) and their lines to the reply; any other move passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from bot.digest.schedule import DigestConfig, plan_digest_config
from bot.i18n import _
from bot.render import incidents as say_incidents
from bot.render import milestones as say
from bot.render.graph_png import PictureMilestones
from bot.service.context import Call, Context
from bot.service.replies import Notification, Reply, to_channel
from planner.checkpoints import CheckpointStatus, reached_by, status_of, statuses_of
from planner.figures import delivered, figures
from planner.incidents import open_incidents, rows
from planner.state import Action, Event, StoryStatus


def announced(call: Call, event: Event, after: Mapping[str, StoryStatus], reply: Reply) -> Reply:
    """`reply` to a move, with what a done reached: each checkpoint whose last story it was
    ("Checkpoint A reached: … — proofs expected: …") and the end of the plan with its figures."""
    if event.action != Action.DONE or not reply.ok:
        return reply
    ctx = call.ctx
    before = ctx.statuses
    notes: list[Notification] = []
    reached = [status_of(c, after, ctx.attachments, ctx.incidents) for c in reached_by(ctx.plan, before, after)]
    for status in reached:
        notes.append(to_channel(ctx, partial(say.reached, status), {
            "plan": ctx.slug, "milestone": "checkpoint", "checkpoint": status.name, "story": event.story_id}))
    finished = delivered(ctx.plan, after) and not delivered(ctx.plan, before)
    data: dict[str, Any] = {"checkpoints_reached": [s.name for s in reached], "delivered": finished}
    if finished:
        config = plan_digest_config(call.store, call.settings, ctx.slug)
        numbers = figures(ctx.plan, call.store.events(ctx.slug), ctx.incidents, tz=config.tz,
                          calendar=config.calendar)
        unvalidated = [s.name for s in statuses_of(ctx.plan, after, ctx.attachments, ctx.incidents)
                       if not s.validated]
        notes.append(to_channel(ctx, lambda: say.delivered(ctx.slug, numbers, unvalidated), {
            "plan": ctx.slug, "milestone": "delivered", "figures": numbers.to_json()}))
        data["figures"] = numbers.to_json()
    if not notes:
        return replace(reply, data={**reply.data, **data})
    told = list(reply.notifications)
    at = next((i + 1 for i, n in enumerate(told) if n.kind == "channel"), 0)  # right after the move's own
    text = reply.text + "".join("\n" + n.text for n in notes)
    return replace(reply, text=text, data={**reply.data, **data},
                   notifications=(*told[:at], *notes, *told[at:]))


# -- what the board, the digest, App Home and the picture show ----------------------------------


def checkpoint_statuses(ctx: Context) -> list[CheckpointStatus]:
    return statuses_of(ctx.plan, ctx.statuses, ctx.attachments, ctx.incidents)


def checkpoint_rows(ctx: Context) -> list[dict]:
    """Every checkpoint: done/total/missing as the board had them, reached, validated, proofs, held by."""
    return [s.to_row() for s in checkpoint_statuses(ctx)]


def incident_rows(ctx: Context, config: DigestConfig | None = None, now: datetime | None = None) -> list[dict]:
    """The open incidents, critical first; with `config` and `now`, each one's age in work days."""
    if config is None or now is None:
        return rows(open_incidents(ctx.incidents), ctx.plan)
    return rows(open_incidents(ctx.incidents), ctx.plan, today=now.astimezone(config.tz).date(), tz=config.tz,
                calendar=config.calendar)


def board_part(ctx: Context) -> dict[str, Any]:
    """What /board adds to `planner.board.board`: the checkpoints reached and validated (replacing
    its checkpoint rows by a superset of them) and the open incidents."""
    return {"checkpoints": checkpoint_rows(ctx), "incidents": incident_rows(ctx)}


def with_milestones(data: dict, ctx: Context, config: DigestConfig, now: datetime) -> dict:
    """The digest (`planner.digest.build_digest`'s data) with checkpoints reached and validated, and
    the open incidents with their age in work days: an open incident is something that waits, so
    the day is not quiet, and the headline counts it."""
    expected = {c.name: list(c.proofs) for c in ctx.plan.checkpoints}
    open_rows = incident_rows(ctx, config, now)
    out = {**data, "checkpoints": [{**row, "proofs": expected.get(row["name"], [])} for row in checkpoint_rows(ctx)],
           "incidents": open_rows}
    part = say_incidents.headline_part(open_rows)
    if part:
        out.update(headline=f"{data['headline']} · {part}", quiet=False)
    return out


def home_part(ctx: Context, config: DigestConfig | None = None, now: datetime | None = None) -> dict[str, Any]:
    """What App Home adds: the checkpoints and the open incidents (with their age when `config` and `now`)."""
    return {"checkpoints": checkpoint_rows(ctx), "incidents": incident_rows(ctx, config, now)}


def picture_part(ctx: Context) -> PictureMilestones:
    """What the picture marks: the open critical incidents on each story, and one short phrase per
    checkpoint ("A validated", "B reached", "C 1/4")."""
    held: dict[str, list[str]] = {}
    for incident in open_incidents(ctx.incidents):
        if incident.critical and incident.story:
            held.setdefault(incident.story, []).append(incident.key)
    phrases = []
    for s in checkpoint_statuses(ctx):
        phrase = (_("{name} validated", name=s.name) if s.validated else _("{name} reached", name=s.name)
                  if s.reached else f"{s.name} {s.done}/{len(s.stories)}")
        if s.held_by:
            phrase = _("{checkpoint} (held by {incidents})", checkpoint=phrase,
                       incidents=", ".join(i.key for i in s.held_by))
        phrases.append(phrase)
    return PictureMilestones({sid: tuple(keys) for sid, keys in held.items()}, tuple(phrases))


def digest_config(call: Call) -> DigestConfig:
    return plan_digest_config(call.store, call.settings, call.ctx.slug)
