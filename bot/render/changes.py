"""What a re-import changed (`planner.changes`), and the stories it removed that had work, in words.

Printed by `deliverybot plan import` after a re-import, so whoever edited the plan mid-delivery
sees what the edit did before the team does; the removed stories that had work are also shown on
`/board` (`removed_lines`), since their state and history are kept, not lost.
"""

from __future__ import annotations

from bot.i18n import _
from bot.render.mrkdwn import esc
from bot.render.text import removed_word
from planner.changes import PlanChanges

SHOWN = 30  # ids named on one line; a 10,000-story re-import still prints a readable diff


def _ids(ids: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(esc(i) for i in ids[:SHOWN])
    return _("{ids} and {n} more", ids=shown, n=len(ids) - SHOWN) if len(ids) > SHOWN else shown


def _edges(edges: tuple[tuple[str, str], ...]) -> str:
    return _ids([f"{a} → {b}" for a, b in edges])


def _title(title: str | None) -> str:
    return f"“{esc(title)}”" if title else _("(no title)")


def changes_lines(changes: PlanChanges, removed_work: list[dict]) -> list[str]:
    """One line per kind of change; `removed_work`: the removed stories that had work ({story,
    state, assignee}), said with where they stood and that their history is kept."""
    if changes.empty:
        return [_("No change to the plan's stories, dependencies, gates or lanes.")]
    lines = []
    if changes.title:
        lines.append(_("Plan title: {old} → {new}", old=_title(changes.title[0]), new=_title(changes.title[1])))
    if changes.stories_added:
        lines.append(_("Stories added: {ids}", ids=_ids(changes.stories_added)))
    if changes.stories_removed:
        lines.append(_("Stories removed: {ids}", ids=_ids(changes.stories_removed)))
    if removed_work:
        lines.append("  " + _("⚠ removed from the plan with work kept (state and history stay, shown on /board): "
                              "{stories}", stories=", ".join(removed_word(r) for r in removed_work[:SHOWN])))
    for sid, old, new in changes.titles[:SHOWN]:
        lines.append(_("Renamed {story}: {old} → {new}", story=esc(sid), old=_title(old), new=_title(new)))
    if len(changes.titles) > SHOWN:
        lines.append(_("… and {n} more renamed", n=len(changes.titles) - SHOWN))
    if changes.edges_added:
        lines.append(_("Dependencies added: {edges}", edges=_edges(changes.edges_added)))
    if changes.edges_removed:
        lines.append(_("Dependencies removed: {edges}", edges=_edges(changes.edges_removed)))
    for sid, kind in changes.gates_added:
        lines.append(_("Gate added: {story} ({kind})", story=esc(sid), kind=esc(kind)))
    for sid, kind in changes.gates_removed:
        lines.append(_("Gate removed: {story} ({kind})", story=esc(sid), kind=esc(kind)))
    for sid, old_kind, new_kind in changes.gates_changed:
        lines.append(_("Gate {story}: {old} → {new}", story=esc(sid), old=esc(old_kind), new=esc(new_kind)))
    for devs, key, old_lane, new_lane in changes.lanes[:SHOWN]:
        said = {"lane": esc(key), "devs": devs}
        if not old_lane:
            lines.append(_("Lane {lane} of the {devs}-dev plan added: {new}", new=_ids(new_lane), **said))
        elif not new_lane:
            lines.append(_("Lane {lane} of the {devs}-dev plan removed (was {old})", old=_ids(old_lane), **said))
        else:
            lines.append(_("Lane {lane} of the {devs}-dev plan: {new} (was {old})", new=_ids(new_lane),
                           old=_ids(old_lane), **said))
    return lines
