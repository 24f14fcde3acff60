"""Where each story sits in a picture of the plan: columns left to right, rows top to bottom.

Pure geometry in abstract units (a column per layer, about one row per story), so the renderer
in bot/ only scales and draws. The recipe is the classic layered one:

1. break cycles by ignoring the back edges a depth-first walk meets (a bad plan still draws);
2. layer = longest distance from a source, so every edge points right; when the plan has an
   entry gate, stories that wait for nothing else sit just right of it (layer 1);
3. edges spanning several layers get a waypoint in every column they cross, so lines can run
   between boxes instead of through them;
4. order each column to reduce crossings (barycenter sweeps, the best order seen is kept);
5. give rows: each story as close as it can to its neighbours, in order, at least a row apart,
   and the critical path pinned on row 0 when it has at most one story per column.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from planner.graph import PlanGraph
from planner.model import story_sort_key

Point = tuple[float, float]
Edge = tuple[str, str]

# Minimum vertical distance between neighbours in a column, in rows. Waypoints are thin lines,
# so they pack tighter than boxes; a box keeps them far enough that a line clears its border.
GAP_STORY = 1.0
GAP_STORY_WAYPOINT = 0.6
GAP_WAYPOINT = 0.35
MAX_WAYPOINTS = 20_000  # beyond this, long edges are drawn straight (huge plans stay fast)
SWEEPS = 4
PLACEMENT_ROUNDS = 4
WAYPOINT_WEIGHT = 4.0


@dataclass(frozen=True)
class Layout:
    """positions: story -> (x, y), x the layer (0, 1, ...) and y the row (grows downwards; floats,
    at least one row apart within a layer, in the order of `layers`). routes: for an edge drawn
    through waypoints, the points it passes between its two stories. implicit: the entry gate's
    edges to stories that wait for nothing else (not in the plan's text, drawn lighter). ignored:
    explicit edges left out to break cycles (they may point left)."""

    positions: dict[str, Point]
    layers: tuple[tuple[str, ...], ...]
    routes: dict[Edge, tuple[Point, ...]]
    implicit: tuple[Edge, ...]
    ignored: frozenset[Edge]
    pinned: frozenset[str]  # critical-path stories held on row 0

    @property
    def n_layers(self) -> int:
        return len(self.layers)

    @property
    def widest(self) -> int:
        return max((len(layer) for layer in self.layers), default=0)


def layered_layout(graph: PlanGraph) -> dict[str, Point]:
    """story id -> (x, y): x the layer (every explicit edge a -> b has x[a] < x[b] unless it closes
    a cycle), y the row within the layer, ordered to keep crossings down."""
    return compute_layout(graph).positions


@dataclass(eq=False)
class _Waypoint:
    """A point an edge passes in a column it crosses (a node of the layered graph, not a story)."""

    edge: Edge
    index: int


Node = str | _Waypoint  # a node of the layered graph


def compute_layout(graph: PlanGraph) -> Layout:
    plan = graph.plan
    rank = {sid: i for i, sid in enumerate(sorted(plan.story_ids, key=lambda s: (story_sort_key(s), s)))}
    stories = sorted(rank, key=rank.__getitem__)
    succ: dict[str, list[str]] = {
        s: sorted((t for t in graph.g.successors(s) if t != s and t in rank), key=rank.__getitem__)
        for s in stories
    }

    ignored = _back_edges(stories, succ)
    dag_succ = {s: [t for t in succ[s] if (s, t) not in ignored] for s in stories}
    has_pred = {t for s in stories for t in dag_succ[s]}

    implicit: list[Edge] = []
    entry = plan.entry_gate
    if entry in rank:
        upstream = _ancestors(entry, dag_succ)
        implicit = [(entry, s) for s in stories if s != entry and s not in has_pred and s not in upstream]
    all_succ = {s: list(dag_succ[s]) for s in stories}
    for a, b in implicit:
        all_succ[a].append(b)

    layer = _longest_path_layers(stories, all_succ, rank)
    n_layers = max(layer.values(), default=-1) + 1

    # The layered graph: stories plus waypoints, every edge between adjacent layers.
    layer_of: dict[Node, int] = {s: n for s, n in layer.items()}
    down: dict[Node, list[Node]] = {s: [] for s in stories}
    up: dict[Node, list[Node]] = {s: [] for s in stories}
    chains: dict[Edge, list[_Waypoint]] = {}
    edges = [(a, b) for a in stories for b in all_succ[a]]
    spans = sum(max(layer[b] - layer[a] - 1, 0) for a, b in edges)
    for a, b in edges:
        waypoints: list[_Waypoint] = []
        if spans <= MAX_WAYPOINTS:
            for i in range(layer[b] - layer[a] - 1):
                w = _Waypoint((a, b), i)
                layer_of[w] = layer[a] + 1 + i
                down[w], up[w] = [], []
                waypoints.append(w)
            chains[(a, b)] = waypoints
        chain: list[Node] = [a, *waypoints, b]
        for x, y in zip(chain, chain[1:], strict=False):
            if layer_of[y] == layer_of[x] + 1:
                down[x].append(y)
                up[y].append(x)

    columns: list[list[Node]] = [[] for _ in range(n_layers)]
    for s in stories:
        columns[layer[s]].append(s)
    for a, b in edges:
        for w in chains.get((a, b), ()):
            columns[layer_of[w]].append(w)

    tiebreak: dict[Node, float] = {s: rank[s] for s in stories}
    for route in chains.values():
        for w in route:
            tiebreak[w] = rank[w.edge[0]] + 0.5
    pinned = _pinnable(graph.critical_path(), layer)
    columns = _order(columns, down, up, tiebreak, pinned)
    ys = _place(columns, down, up, pinned)

    positions = {s: (float(layer[s]), ys[s]) for s in stories}
    routes = {e: tuple((float(layer_of[w]), ys[w]) for w in route) for e, route in chains.items() if route}
    return Layout(
        positions=positions,
        layers=tuple(tuple(n for n in col if isinstance(n, str)) for col in columns),
        routes=routes,
        implicit=tuple(implicit),
        ignored=frozenset(ignored),
        pinned=frozenset(pinned),
    )


# -- 1. cycles -------------------------------------------------------------------------------


def _back_edges(stories: list[str], succ: dict[str, list[str]]) -> set[Edge]:
    """Edges that close a cycle in a depth-first walk (iterative: deep plans must not recurse)."""
    state: dict[str, int] = {}  # 1: on the walk's stack, 2: finished
    back: set[Edge] = set()
    for root in stories:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                seen = state.get(child)
                if seen == 1:
                    back.add((node, child))
                elif seen is None:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def _ancestors(target: str, succ: dict[str, list[str]]) -> set[str]:
    pred: dict[str, list[str]] = {}
    for s, ts in succ.items():
        for t in ts:
            pred.setdefault(t, []).append(s)
    seen: set[str] = set()
    todo = [target]
    while todo:
        for p in pred.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


# -- 2. layers -------------------------------------------------------------------------------


def _longest_path_layers(
    stories: list[str], succ: dict[str, list[str]], rank: dict[str, int]
) -> dict[str, int]:
    indegree = {s: 0 for s in stories}
    for s in stories:
        for t in succ[s]:
            indegree[t] += 1
    layer = dict.fromkeys(stories, 0)
    ready = [(rank[s], s) for s in stories if indegree[s] == 0]
    heapq.heapify(ready)
    while ready:
        _, s = heapq.heappop(ready)
        for t in succ[s]:
            layer[t] = max(layer[t], layer[s] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                heapq.heappush(ready, (rank[t], t))
    return layer


# -- 4. order within layers ------------------------------------------------------------------


def _order(
    columns: list[list[Node]],
    down: dict[Node, list[Node]],
    up: dict[Node, list[Node]],
    tiebreak: dict[Node, float],
    pinned: set[str],
) -> list[list[Node]]:
    """Barycenter sweeps, down then up, keeping the order with the fewest crossings."""
    cols = [sorted(col, key=tiebreak.__getitem__) for col in columns]
    for i in range(1, len(cols)):  # a first pass from the left gives a sensible start
        cols[i] = _by_barycenter(cols[i], cols[i - 1], up, tiebreak, pinned)
    best = [list(c) for c in cols]
    best_crossings = _crossings(cols, down)
    for _ in range(SWEEPS):
        if best_crossings == 0:
            break
        for i in range(len(cols) - 2, -1, -1):
            cols[i] = _by_barycenter(cols[i], cols[i + 1], down, tiebreak, pinned)
        for i in range(1, len(cols)):
            cols[i] = _by_barycenter(cols[i], cols[i - 1], up, tiebreak, pinned)
        crossings = _crossings(cols, down)
        if crossings < best_crossings:
            best, best_crossings = [list(c) for c in cols], crossings
    return best


def _by_barycenter(
    col: list[Node],
    fixed: list[Node],
    neighbours: dict[Node, list[Node]],
    tiebreak: dict[Node, float],
    pinned: set[str],
) -> list[Node]:
    where = {n: i for i, n in enumerate(fixed)}
    keys: dict[Node, tuple[float, float]] = {}
    for i, n in enumerate(col):
        near = [where[m] for m in neighbours[n] if m in where]
        # No neighbour on that side: keep the current relative place.
        keys[n] = (sum(near) / len(near) if near else i * len(fixed) / max(len(col), 1), tiebreak[n])
    ordered = sorted(col, key=keys.__getitem__)
    # A critical story goes in the middle of the siblings it ties with, so branches leave the
    # critical row both upwards and downwards instead of piling up on one side.
    for i, n in enumerate(ordered):
        if n in pinned:
            same = [j for j, m in enumerate(ordered) if keys[m][0] == keys[n][0]]
            ordered.insert(same[0] + len(same) // 2, ordered.pop(i))
            break
    return ordered


def _crossings(cols: list[list[Node]], down: dict[Node, list[Node]]) -> int:
    """Edge crossings between adjacent layers (inversions counted with a Fenwick tree)."""
    total = 0
    for left, right in zip(cols, cols[1:], strict=False):
        where = {n: i for i, n in enumerate(right)}
        ends = sorted((i, where[m]) for i, n in enumerate(left) for m in down[n] if m in where)
        tree = [0] * (len(right) + 1)
        for seen, (_, j) in enumerate(ends):
            # edges already seen whose right end is strictly below j cross this one
            k, not_above = j + 1, 0
            while k > 0:
                not_above += tree[k]
                k -= k & -k
            total += seen - not_above
            k = j + 1
            while k <= len(right):
                tree[k] += 1
                k += k & -k
    return total


# -- 5. rows ---------------------------------------------------------------------------------


def _pinnable(path: list[str], layer: dict[str, int]) -> set[str]:
    """Critical-path stories that can share row 0: at most one per layer."""
    per_layer: dict[int, list[str]] = {}
    for s in path:
        if s in layer:
            per_layer.setdefault(layer[s], []).append(s)
    return {ss[0] for ss in per_layer.values() if len(ss) == 1}


def _gap(a: Node, b: Node) -> float:
    a_story, b_story = isinstance(a, str), isinstance(b, str)
    if a_story and b_story:
        return GAP_STORY
    return GAP_STORY_WAYPOINT if a_story or b_story else GAP_WAYPOINT


def _place(
    columns: list[list[Node]], down: dict[Node, list[Node]], up: dict[Node, list[Node]], pinned: set[str]
) -> dict[Node, float]:
    """Rows: pull each node towards the mean row of its neighbours, keeping order and gaps."""
    ys: dict[Node, float] = {}
    for col in columns:
        ys.update(_fit(col, [0.0] * len(col), pinned, start_packed=True))
    for _ in range(PLACEMENT_ROUNDS):
        for i in range(1, len(columns)):
            ys.update(_fit(columns[i], _targets(columns[i], up, ys), pinned))
        for i in range(len(columns) - 2, -1, -1):
            ys.update(_fit(columns[i], _targets(columns[i], down, ys), pinned))
    both = {n: up[n] + down[n] for col in columns for n in col}
    for col in columns:
        ys.update(_fit(col, _targets(col, both, ys), pinned))
    return ys


def _targets(col: list[Node], neighbours: dict[Node, list[Node]], ys: dict[Node, float]) -> list[float]:
    out = []
    for n in col:
        near = neighbours[n]
        out.append(sum(ys[m] for m in near) / len(near) if near else ys[n])
    return out


def _fit(
    col: list[Node], want: list[float], pinned: set[str], start_packed: bool = False
) -> dict[Node, float]:
    """Rows as close as possible (least squares) to `want`, in column order, gaps respected,
    a pinned story exactly on row 0."""
    if not col:
        return {}
    offsets = [0.0]
    for a, b in zip(col, col[1:], strict=False):
        offsets.append(offsets[-1] + _gap(a, b))
    pin = next((i for i, n in enumerate(col) if n in pinned), None)
    if start_packed:
        base = -offsets[pin] if pin is not None else 0.0
        return {n: base + o for n, o in zip(col, offsets, strict=True)}
    # y_i = w_i + offsets_i with w non-decreasing: isotonic regression of want_i - offsets_i.
    # Waypoints weigh more than stories: long edges stay straight and the boxes make room.
    z = [w - o for w, o in zip(want, offsets, strict=True)]
    weight = [1.0 if isinstance(n, str) else WAYPOINT_WEIGHT for n in col]
    if pin is None:
        w = _isotonic(z, weight)
    else:
        level = -offsets[pin]
        before = _isotonic(z[:pin], weight[:pin])
        after = _isotonic(z[pin + 1 :], weight[pin + 1 :])
        w = [min(v, level) for v in before] + [level] + [max(v, level) for v in after]
    return {n: wi + o for n, wi, o in zip(col, w, offsets, strict=True)}


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to `values` in weighted least squares (pool adjacent
    violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, wt in zip(values, weights, strict=True):
        blocks.append([v, wt, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks[-1]
            blocks[-1] = [(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2]
    out: list[float] = []
    for mean, _, count in blocks:
        out.extend([mean] * int(count))
    return out
