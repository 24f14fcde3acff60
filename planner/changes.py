"""What changed between two versions of a plan: what a re-import tells the person who ran it.

A re-import keeps every state and event (storage/plans.py), so editing a plan mid-delivery is
safe, but only if the person sees what their edit did: a story dropped by mistake, an edge that
now holds back work in progress, a renamed gate. Pure: a function of the old and the new Plan;
`bot/render/changes.py` words it.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Plan, story_sort_key


@dataclass(frozen=True)
class PlanChanges:
    """Each field lists what the new plan has that the old did not (added) or the reverse (removed).
    `titles`: (id, old title, new title) for stories in both whose title changed; `gates_changed`:
    (story, old kind, new kind); `lanes`: (devs, lane key, old stories, new stories) for every lane
    whose stories or order changed, added or removed (an absent lane has no stories)."""

    stories_added: tuple[str, ...] = ()
    stories_removed: tuple[str, ...] = ()
    titles: tuple[tuple[str, str | None, str | None], ...] = ()
    edges_added: tuple[tuple[str, str], ...] = ()
    edges_removed: tuple[tuple[str, str], ...] = ()
    gates_added: tuple[tuple[str, str], ...] = ()
    gates_removed: tuple[tuple[str, str], ...] = ()
    gates_changed: tuple[tuple[str, str, str], ...] = ()
    lanes: tuple[tuple[int, str, tuple[str, ...], tuple[str, ...]], ...] = ()
    title: tuple[str, str] | None = None  # the plan's own title, (old, new)

    @property
    def empty(self) -> bool:
        return not any((self.stories_added, self.stories_removed, self.titles, self.edges_added,
                        self.edges_removed, self.gates_added, self.gates_removed, self.gates_changed,
                        self.lanes, self.title))

    def to_json(self) -> dict:
        return {
            "stories_added": list(self.stories_added), "stories_removed": list(self.stories_removed),
            "titles": [{"story": s, "old": a, "new": b} for s, a, b in self.titles],
            "edges_added": [list(e) for e in self.edges_added], "edges_removed": [list(e) for e in self.edges_removed],
            "gates_added": [{"story": s, "kind": k} for s, k in self.gates_added],
            "gates_removed": [{"story": s, "kind": k} for s, k in self.gates_removed],
            "gates_changed": [{"story": s, "old": a, "new": b} for s, a, b in self.gates_changed],
            "lanes": [{"devs": d, "lane": k, "old": list(a), "new": list(b)} for d, k, a, b in self.lanes],
            "title": list(self.title) if self.title else None,
        }


def plan_changes(old: Plan, new: Plan) -> PlanChanges:
    """What `new` changes of `old`, each list in the order people read ids."""
    old_ids, new_ids = set(old.story_ids), set(new.story_ids)
    titles = tuple((sid, old_story.title, new_story.title) for sid in new.story_ids
                   if (old_story := old.story(sid)) and (new_story := new.story(sid))
                   and old_story.title != new_story.title)
    old_edges, new_edges = set(old.edges), set(new.edges)
    old_gates = {g.story: g.kind for g in old.gates}
    new_gates = {g.story: g.kind for g in new.gates}
    return PlanChanges(
        stories_added=_ids(new_ids - old_ids),
        stories_removed=_ids(old_ids - new_ids),
        titles=titles,
        edges_added=_edges(new_edges - old_edges),
        edges_removed=_edges(old_edges - new_edges),
        gates_added=tuple((s, new_gates[s]) for s in _ids(new_gates.keys() - old_gates.keys())),
        gates_removed=tuple((s, old_gates[s]) for s in _ids(old_gates.keys() - new_gates.keys())),
        gates_changed=tuple((s, old_gates[s], new_gates[s]) for s in _ids(old_gates.keys() & new_gates.keys())
                            if old_gates[s] != new_gates[s]),
        lanes=_lanes(old, new),
        title=(old.title, new.title) if old.title != new.title else None,
    )


def _ids(ids: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(ids, key=story_sort_key))


def _edges(edges: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(edges, key=lambda e: (story_sort_key(e[0]), story_sort_key(e[1]))))


def _lanes(old: Plan, new: Plan) -> tuple[tuple[int, str, tuple[str, ...], tuple[str, ...]], ...]:
    def lanes(plan: Plan) -> dict[tuple[int, str], tuple[str, ...]]:
        return {(m.devs, lane.key): lane.stories for m in plan.modes for lane in m.lanes}

    before, after = lanes(old), lanes(new)
    return tuple((devs, key, before.get((devs, key), ()), after.get((devs, key), ()))
                 for devs, key in sorted(before.keys() | after.keys())
                 if before.get((devs, key), ()) != after.get((devs, key), ()))
