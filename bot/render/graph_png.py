"""A picture of the plan: the dependency graph as a PNG, left to right, coloured by state.

planner/layout.py decides where stories go; this module only scales that to inches and draws it
with matplotlib's object API on an Agg canvas (no pyplot, no display, no global state), so it is
safe in the Slack app's worker threads. matplotlib is imported inside the functions that draw:
importing this module stays cheap, and `deliverybot cmd` never pays for it.

Sizes are in inches (the axes span the whole figure, one data unit per inch, y downwards), so
font sizes in points stay what they say whatever the number of stories; the figure grows with
the number of layers and the widest layer, and only the resolution gives way past the caps.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from bot.i18n import _, n_
from bot.i18n.formats import number
from bot.render.moves import gate_word
from bot.render.mrkdwn import is_slack_id
from planner.board import forced_open
from planner.graph import PlanGraph
from planner.layout import Layout, compute_layout
from planner.staffing import Staffing
from planner.state import State, StoryStatus

# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
FILL = {
    State.TODO: "#E4E4E4",
    State.IN_PROGRESS: "#56B4E9",
    State.REVIEW: "#E69F00",
    State.DONE: "#009E73",
}
BLOCKED_FILL = "#FFFFFF"
MAX_DRAWN_STORIES = 2_000  # beyond, a plan's picture took minutes (10,000 stories: almost 3) and was unreadable
BLOCKED_HATCH = "#CACACA"
BLOCKED_BORDER = "#8C8C8C"
BORDER = "#3A3A3A"
CRITICAL = "#D55E00"
EDGE = "#9A9A9A"
IMPLICIT_EDGE = "#BDBDBD"
CYCLE_EDGE = "#CC79A7"
BYPASS = "#C0001A"  # a forced start whose prerequisites are still open: red, dashed, with ⚠
PREPARED = "#F0E442"  # the tag of a story someone prepares
TEXT_DARK, TEXT_LIGHT = "#1A1A1A", "#FFFFFF"

DETAILED_MAX = 60  # up to this many stories, boxes carry a short title
TITLE_CHARS = 24
DPI = 144
MIN_DPI = 12
MAX_SIDE_PX = 9_600  # Slack takes bigger images; viewers and phones do not
MAX_PIXELS = 30_000_000  # ~120 MB of RGBA while drawing
MAX_BYTES = 5_000_000  # what a Slack thread shows without fuss


@dataclass(frozen=True)
class Geometry:
    """Everything the drawing needs, in inches from the top-left corner of the figure."""

    layout: Layout
    detailed: bool
    width: float
    height: float
    dpi: float
    box_w: float
    box_h: float
    header: float
    centres: dict[str, tuple[float, float]]
    id_pt: float
    title_pt: float
    tag_pt: float
    legend_cols: int
    legend_rows: int
    col_gap: float
    pitch: float  # inches from one row to the next
    origin: tuple[float, float]  # where layout point (0, 0) lands
    marks: frozenset[str] = frozenset()  # "bypass", "prepared": the state marks drawn (their legend)

    def at(self, x: float, y: float) -> tuple[float, float]:
        """A layout point (layer, row) in inches."""
        return self.origin[0] + x * (self.box_w + self.col_gap), self.origin[1] + y * self.pitch

    def pixel(self, story_id: str, dx: float = 0.0, dy: float = 0.0) -> tuple[int, int]:
        """Pixel (column, row) in the PNG of a point `dx`, `dy` box-sizes from a story's centre."""
        cx, cy = self.centres[story_id]
        return round((cx + dx * self.box_w) * self.dpi), round((cy + dy * self.box_h) * self.dpi)


MARGIN = 0.35
COL_GAP = {True: 0.6, False: 0.42}
ROW_GAP = {True: 0.3, False: 0.2}
LEGEND_PT = 8.5
LEGEND_ROW_H = 0.24


def geometry(graph: PlanGraph, layout: Layout | None = None, *, marks: frozenset[str] = frozenset()) -> Geometry:
    """Sizes and positions for a plan's picture (pure: no matplotlib). `marks`: the state marks
    the picture carries ("bypass", "prepared"), so the legend explains them."""
    layout = layout or compute_layout(graph)
    plan = graph.plan
    detailed = len(plan.stories) <= DETAILED_MAX
    longest_id = max((len(s.id) for s in plan.stories), default=3)
    id_pt = 9.5 if detailed else 8.0
    title_pt, tag_pt = 7.5, 7.0
    if detailed:
        titles = [min(len(s.title or ""), TITLE_CHARS) for s in plan.stories]
        box_w = max(
            1.0, 0.2 + max(titles, default=0) * title_pt * 0.56 / 72, 0.3 + longest_id * id_pt * 0.62 / 72
        )
        box_h = 0.5 if any(titles) else 0.36
    else:
        box_w = max(0.56, 0.18 + longest_id * id_pt * 0.62 / 72)
        box_h = 0.27
    pitch = box_h + ROW_GAP[detailed]

    ys = [y for _x, y in layout.positions.values()]
    ys += [y for route in layout.routes.values() for _x, y in route]
    y_min, y_max = (min(ys), max(ys)) if ys else (0.0, 0.0)

    graph_w = max(layout.n_layers, 1) * (box_w + COL_GAP[detailed]) - COL_GAP[detailed]
    width = max(2 * MARGIN + graph_w, 7.0)
    legend_cols, legend_rows = _legend_grid(
        [label for label, _spec in _legend_entries(graph, layout, marks)], width - 2 * MARGIN
    )
    header = 0.3 + 0.55 + _milestone_room(marks) + legend_rows * LEGEND_ROW_H + 0.2  # margin, title + summary, legend, gap
    cycle_room = 0.3 if layout.ignored else 0.0  # edges closing a cycle loop under the boxes
    height = header + (y_max - y_min) * pitch + box_h + MARGIN + 0.1 + cycle_room

    dpi = float(DPI)
    dpi = min(dpi, MAX_SIDE_PX / width, MAX_SIDE_PX / height, (MAX_PIXELS / (width * height)) ** 0.5)
    dpi = max(dpi, MIN_DPI)  # only a plan of several thousand stories gets there

    origin = (MARGIN + box_w / 2, header + 0.05 + box_h / 2 - y_min * pitch)
    centres = {
        sid: (origin[0] + x * (box_w + COL_GAP[detailed]), origin[1] + y * pitch)
        for sid, (x, y) in layout.positions.items()
    }
    return Geometry(
        layout=layout,
        detailed=detailed,
        width=width,
        height=height,
        dpi=dpi,
        box_w=box_w,
        box_h=box_h,
        header=header,
        centres=centres,
        id_pt=id_pt,
        title_pt=title_pt,
        tag_pt=tag_pt,
        legend_cols=legend_cols,
        legend_rows=legend_rows,
        col_gap=COL_GAP[detailed],
        pitch=pitch,
        origin=origin,
        marks=marks,
    )


def render_png(
    graph: PlanGraph,
    statuses: Mapping[str, StoryStatus],
    *,
    title: str | None = None,
    staffing: Staffing | None = None,
    milestones: PictureMilestones | None = None,
) -> bytes:
    """The plan's dependency graph as PNG bytes, coloured by each story's state in `statuses`.
    An open bypass (forced past prerequisites still not done) gets a red dashed outline and a ⚠;
    a story being prepared, a "prep." tag naming who (their lane in `staffing` when a Slack id).
    `milestones`: the open critical incidents (a tag under their story) and a line of checkpoints."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if len(graph.plan.stories) > MAX_DRAWN_STORIES:  # minutes of drawing for a picture nobody can read
        fig = Figure(figsize=(8, 1.6), dpi=100, facecolor="white")
        FigureCanvasAgg(fig)
        fig.text(0.03, 0.5, _("{count} stories: too many to draw (the picture stops at {limit}).\n"
                              "/board and /unblocked all list them.", count=number(len(graph.plan.stories)),
                              limit=number(MAX_DRAWN_STORIES)), fontsize=13, va="center")
        out = io.BytesIO()
        fig.savefig(out, format="png", facecolor="white", metadata={"Software": "deliverybot"})
        return out.getvalue()
    watch = watch_marks(graph, statuses, staffing)
    geo = geometry(graph, marks=watch.kinds | (milestones.kinds if milestones else frozenset()))
    fig = Figure(figsize=(geo.width, geo.height), dpi=geo.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, geo.width)
    ax.set_ylim(geo.height, 0)
    ax.set_axis_off()

    blocked = {
        s
        for s in graph.plan.story_ids
        if _state(statuses, s) == State.TODO and graph.open_prerequisites(s, statuses)
    }
    _draw_edges(ax, graph, geo)
    _draw_boxes(ax, graph, geo, statuses, blocked)
    _draw_watch(ax, geo, watch)
    if milestones:
        _draw_milestones(ax, geo, milestones)
    _draw_header(fig, ax, graph, geo, statuses, blocked, title)

    dpi = geo.dpi
    for _attempt in range(3):  # a huge plan's PNG may come out too heavy: save it again, smaller
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, facecolor="white", metadata={"Software": "deliverybot"})
        if out.tell() <= MAX_BYTES:
            break
        dpi *= 0.9 * (MAX_BYTES / out.tell()) ** 0.5
    return out.getvalue()


# -- drawing ---------------------------------------------------------------------------------


def _state(statuses: Mapping[str, StoryStatus], story_id: str) -> State:
    status = statuses.get(story_id)
    return status.state if status else State.TODO


def _critical_pairs(graph: PlanGraph) -> set[tuple[str, str]]:
    path = graph.critical_path()
    return set(zip(path, path[1:], strict=False))


def _draw_edges(ax, graph: PlanGraph, geo: Geometry) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import FancyArrowPatch, PathPatch, Polygon

    layout = geo.layout
    critical = _critical_pairs(graph)
    styles = {  # kind: (colour, line width, line style, arrow length)
        "implicit": (IMPLICIT_EDGE, 1.0, (0, (1.5, 2.5)), 0.07),
        "plain": (EDGE, 1.0, "solid", 0.08),
        "critical": (CRITICAL, 3.0, "solid", 0.13),
    }
    paths: dict[str, list] = {k: [] for k in styles}
    heads: dict[str, list] = {k: [] for k in styles}
    half = geo.box_w / 2
    edges = [(a, b, "plain") for a, b in graph.g.edges if a != b and (a, b) not in layout.ignored]
    edges += [(a, b, "implicit") for a, b in layout.implicit]
    for a, b, kind in edges:
        if kind == "plain" and (a, b) in critical:
            kind = "critical"
        length = styles[kind][3]
        (ax_, ay), (bx, by) = geo.centres[a], geo.centres[b]
        points = [(ax_ + half, ay)]
        for layer, row in layout.routes.get((a, b), ()):  # run straight through each crossed column
            cx, cy = geo.at(layer, row)
            points += [(cx - half, cy), (cx + half, cy)]
        points.append((bx - half - length, by))
        paths[kind].append(_smooth(points))
        tip = bx - half
        w = length * 0.45
        heads[kind].append(Polygon([(tip, by), (tip - length, by - w), (tip - length, by + w)], closed=True))
    for kind, (colour, lw, ls, _length) in styles.items():  # critical drawn last, on top
        if paths[kind]:
            patches = [PathPatch(p) for p in paths[kind]]
            ax.add_collection(
                PatchCollection(
                    patches,
                    facecolor="none",
                    edgecolor=colour,
                    linewidth=lw,
                    linestyle=ls,
                    capstyle="round",
                    zorder=2 if kind == "critical" else 1,
                )
            )
            ax.add_collection(
                PatchCollection(
                    heads[kind],
                    facecolor=colour,
                    edgecolor=colour,
                    linewidth=0.5,
                    zorder=2 if kind == "critical" else 1,
                )
            )
    for a, b in sorted(layout.ignored):  # edges that close a cycle: a loud arc below the boxes
        (ax_, ay), (bx, by) = geo.centres[a], geo.centres[b]
        ax.add_patch(
            FancyArrowPatch(
                (ax_, ay + geo.box_h / 2),
                (bx, by + geo.box_h / 2),
                connectionstyle="arc,angleA=-90,angleB=-90,armA=18,armB=18,rad=6",
                arrowstyle="-|>",
                mutation_scale=10,
                color=CYCLE_EDGE,
                linewidth=1.6,
                linestyle="--",
                zorder=2,
            )
        )


def _smooth(points: list[tuple[float, float]]):
    """A path through `points`: straight where it runs through a column, an S-curve between
    columns (leaving and arriving horizontally, so arrowheads always point right)."""
    from matplotlib.path import Path

    verts = [points[0]]
    codes = [Path.MOVETO]
    for i, ((x0, y0), (x1, y1)) in enumerate(zip(points, points[1:], strict=False)):
        if i % 2 == 1 or abs(y1 - y0) < 1e-9:  # inside a column, or level: a straight line
            verts.append((x1, y1))
            codes.append(Path.LINETO)
        else:
            dx = (x1 - x0) / 2
            verts += [(x0 + dx, y0), (x1 - dx, y1), (x1, y1)]
            codes += [Path.CURVE4] * 3
    return Path(verts, codes)


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return TEXT_DARK if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else TEXT_LIGHT


def _clean(text: str) -> str:
    """Keep what the bundled font can draw (no emoji boxes in a story title)."""
    return " ".join("".join(c for c in text if ord(c) <= 0xFFFF and c.isprintable()).split())


def _short(title: str, limit: int = TITLE_CHARS) -> str:
    title = _clean(title).strip()
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _draw_boxes(ax, graph: PlanGraph, geo: Geometry, statuses, blocked: set[str]) -> None:
    from matplotlib.patches import FancyBboxPatch

    plan = graph.plan
    w, h = geo.box_w, geo.box_h
    for story in plan.stories:
        sid = story.id
        cx, cy = geo.centres[sid]
        state = _state(statuses, sid)
        gate = plan.gate_of(sid)
        critical = graph.is_critical(sid)
        is_blocked = sid in blocked
        fill = BLOCKED_FILL if is_blocked else FILL[state]
        edge = CRITICAL if critical else (BLOCKED_BORDER if is_blocked else BORDER)
        lw = 3.2 if gate else (1.8 if critical else 1.0)
        box = FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={min(h, w) * 0.18:.3f}",
            facecolor=fill,
            edgecolor=edge,
            linewidth=lw,
            hatch="////" if is_blocked else None,
            zorder=3,
        )
        ax.add_patch(box)
        if is_blocked:  # hatch takes the edge colour: redraw a clean border over it, dashed
            dashes = (3, 2) if lw < 2 else (1.3, 0.9)  # dashes scale with the line width
            ax.add_patch(
                FancyBboxPatch(
                    (cx - w / 2, cy - h / 2),
                    w,
                    h,
                    boxstyle=box.get_boxstyle(),
                    facecolor="none",
                    edgecolor=edge,
                    linewidth=lw,
                    linestyle=(0, dashes),
                    zorder=3.1,
                )
            )
            box.set_edgecolor(BLOCKED_HATCH)
            box.set_linewidth(0)
        colour = "#4A4A4A" if is_blocked else _text_colour(fill)
        # On a hatched box the label sits on a small white card, so the hatching does not cut it.
        card = (
            {"boxstyle": "square,pad=0.12", "facecolor": BLOCKED_FILL, "edgecolor": "none"}
            if is_blocked
            else None
        )
        text = {"ha": "center", "va": "center", "color": colour, "zorder": 4, "parse_math": False}
        title = _short(story.title) if geo.detailed and story.title else ""
        if title:
            ax.text(cx, cy - h * 0.17, sid, fontsize=geo.id_pt, fontweight="bold", bbox=card, **text)
            ax.text(cx, cy + h * 0.2, title, fontsize=geo.title_pt, bbox=card, **text)
        else:
            ax.text(cx, cy, sid, fontsize=geo.id_pt, fontweight="bold", bbox=card, **text)
        if gate:  # a tag just above the box's top-left corner
            ax.text(
                cx - w / 2 + 0.04,
                cy - h / 2 - 0.035,
                _("{kind} gate", kind=_short(gate_word(gate.kind), 14)),
                ha="left",
                va="bottom",
                fontsize=geo.tag_pt,
                fontweight="bold",
                color=TEXT_LIGHT,
                zorder=5,
                parse_math=False,
                bbox={
                    "boxstyle": "round,pad=0.18,rounding_size=0.3",
                    "facecolor": CRITICAL if critical else BORDER,
                    "edgecolor": "none",
                },
            )


def _legend_grid(labels: list[str], room: float) -> tuple[int, int]:
    """Columns and rows for the legend: one row when it fits in `room` inches."""
    em = LEGEND_PT / 72
    widths = [(2.2 + 0.8 + 1.2) * em + len(label) * 0.56 * em for label in labels]
    if sum(widths) <= room:
        return len(labels), 1
    cols = max(1, min(len(labels), int(room // max(widths))))
    return cols, -(-len(labels) // cols)


def _legend_entries(graph: PlanGraph, layout: Layout, marks: frozenset[str] = frozenset()) -> list[tuple[str, dict]]:
    entries: list[tuple[str, dict]] = [
        (_("todo, can start"), {"patch": {"facecolor": FILL[State.TODO], "edgecolor": BORDER}}),
        (
            _("todo, waiting"),
            {
                "patch": {
                    "facecolor": BLOCKED_FILL,
                    "edgecolor": BLOCKED_BORDER,
                    "hatch": "////",
                    "linestyle": (0, (3, 2)),
                }
            },
        ),
    ]
    entries += [
        (_("in progress"), {"patch": {"facecolor": FILL[State.IN_PROGRESS], "edgecolor": BORDER}}),
        (_("review"), {"patch": {"facecolor": FILL[State.REVIEW], "edgecolor": BORDER}}),
        (_("done"), {"patch": {"facecolor": FILL[State.DONE], "edgecolor": BORDER}}),
    ]
    if graph.plan.gates:
        entries.append(
            (_("gate (thick border)"), {"patch": {"facecolor": "white", "edgecolor": BORDER, "linewidth": 3}})
        )
    if graph.critical_path():
        entries.append((_("critical path"), {"line": {"color": CRITICAL, "linewidth": 3}}))
    entries.append((_("depends on"), {"line": {"color": EDGE, "linewidth": 1.2}}))
    if layout.implicit:
        entries.append(
            (
                _("waits for entry gate"),
                {"line": {"color": IMPLICIT_EDGE, "linewidth": 1.2, "linestyle": (0, (1.5, 2.5))}},
            )
        )
    if layout.ignored:
        entries.append(
            (_("closes a cycle"), {"line": {"color": CYCLE_EDGE, "linewidth": 1.6, "linestyle": "--"}})
        )
    entries += _watch_legend(marks)
    entries += _milestone_legend(marks)
    return entries


def _draw_header(
    fig, ax, graph: PlanGraph, geo: Geometry, statuses, blocked: set[str], title: str | None
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    plan = graph.plan
    counts = {s: 0 for s in State}
    for sid in plan.story_ids:
        counts[_state(statuses, sid)] += 1
    todo = counts[State.TODO]
    summary = _(
        "{stories} stories · {done} done · {review} in review · {progress} in progress · {startable} can start · "
        "{waiting} waiting", stories=number(len(plan.stories)), done=number(counts[State.DONE]),
        review=number(counts[State.REVIEW]), progress=number(counts[State.IN_PROGRESS]),
        startable=number(todo - len(blocked)), waiting=number(len(blocked)),
    ) + _watch_summary(graph, statuses)
    ax.text(
        MARGIN,
        0.3,
        _short(title or plan.title, 90),
        ha="left",
        va="top",
        fontsize=14,
        fontweight="bold",
        color=TEXT_DARK,
        parse_math=False,
    )
    ax.text(MARGIN, 0.62, summary, ha="left", va="top", fontsize=9.5, color="#444444", parse_math=False)

    handles: list[Patch | Line2D] = []
    labels: list[str] = []
    for label, spec in _legend_entries(graph, geo.layout, geo.marks):
        if "patch" in spec:
            handles.append(Patch(**spec["patch"]))
        else:
            handles.append(Line2D([], [], **spec["line"]))
        labels.append(label)
    legend_top = 1 - (0.3 + 0.55 + _milestone_room(geo.marks)) / geo.height
    fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(MARGIN / geo.width - 0.006, legend_top),
        ncol=geo.legend_cols,
        frameon=False,
        fontsize=LEGEND_PT,
        handlelength=2.2,
        handleheight=1.1,
        columnspacing=1.2,
        borderaxespad=0,
        borderpad=0,
        labelspacing=0.45,
    )


# -- open bypasses and preparations ----------------------------------------------------------


@dataclass(frozen=True)
class Watch:
    """What the picture marks besides states: open bypasses and who prepares what."""

    bypass: frozenset[str]  # forced past prerequisites that are still not done
    prepared: dict[str, str]  # story to do -> how the tag names who prepares it
    gates: frozenset[str] = frozenset()  # stories with a gate tag (drawn above the box)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, on in (("bypass", self.bypass), ("prepared", self.prepared)) if on)


def watch_marks(graph: PlanGraph, statuses: Mapping[str, StoryStatus], staffing: Staffing | None = None) -> Watch:
    """The marks of `statuses`: forced starts still open (planner.board.forced_open) and preparations."""
    bypass = frozenset(f["story"] for f in forced_open(graph, statuses))
    prepared = {
        sid: person_tag(st.preparer, staffing)
        for sid in graph.plan.story_ids
        if (st := statuses.get(sid)) is not None and st.state == State.TODO and st.preparer
    }
    return Watch(bypass, prepared, frozenset(g.story for g in graph.plan.gates))


def person_tag(person: str, staffing: Staffing | None) -> str:
    """How a picture names someone: a console name as "@bob"; a Slack id (unreadable in a PNG) as
    the lane they hold in the active mode, "Dev B", else as is."""
    if not is_slack_id(person):
        return "@" + _short(person, 14)
    lanes = staffing.lanes_of(person) if staffing else []
    return "Dev " + "/".join(_short(lane.key, 4) for lane in lanes) if lanes else person


def _watch_legend(marks: frozenset[str]) -> list[tuple[str, dict]]:
    entries: list[tuple[str, dict]] = []
    if "bypass" in marks:
        entries.append((_("⚠ forced, prerequisites open"), {"patch": {
            "facecolor": "white", "edgecolor": BYPASS, "linewidth": 2, "linestyle": (0, (2.5, 1.5))}}))
    if "prepared" in marks:
        entries.append((_("prep. X: X prepares it"), {"patch": {"facecolor": PREPARED, "edgecolor": "none"}}))
    return entries


def _watch_summary(graph: PlanGraph, statuses) -> str:
    """" · ⚠ 1 forced start open · 2 being prepared" for the picture's summary line."""
    watch = watch_marks(graph, statuses)
    parts = []
    if watch.bypass:
        n = len(watch.bypass)
        parts.append(n_("⚠ {n} forced start open", "⚠ {n} forced starts open", n))
    if watch.prepared:
        parts.append(n_("{n} being prepared", "{n} being prepared", len(watch.prepared)))
    return "".join(f" · {p}" for p in parts)


def _draw_watch(ax, geo: Geometry, watch: Watch) -> None:
    """A red dashed outline just outside an open bypass's box, a ⚠ on its top-right corner; a yellow
    "prep. X" tag above the top-right corner of a story being prepared (under it for a gate, whose
    tag is above). A story is never both (a prepared story is to do, a bypass in progress or in review)."""
    from matplotlib.patches import FancyBboxPatch

    w, h = geo.box_w, geo.box_h
    pad = 0.045
    tag = {"fontsize": geo.tag_pt, "zorder": 6, "parse_math": False}
    for sid in sorted(watch.bypass):
        cx, cy = geo.centres[sid]
        ax.add_patch(
            FancyBboxPatch(
                (cx - w / 2 - pad, cy - h / 2 - pad),
                w + 2 * pad,
                h + 2 * pad,
                boxstyle=f"round,pad=0,rounding_size={min(h, w) * 0.22:.3f}",
                facecolor="none",
                edgecolor=BYPASS,
                linewidth=2.0,
                linestyle=(0, (2.5, 1.5)),
                zorder=3.4,
            )
        )
        # "⚠ bypass" above the top-right corner (gate tags sit top-left); a plan too big for
        # titles has narrow boxes: the ⚠ alone, a little larger, on the corner.
        ax.text(cx + w / 2 + pad, cy - h / 2 - pad - (0.03 if geo.detailed else 0.0),
                _("⚠ bypass") if geo.detailed else "⚠", ha="right" if geo.detailed else "center",
                va="bottom" if geo.detailed else "center", color=TEXT_LIGHT, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.18,rounding_size=0.3", "facecolor": BYPASS, "edgecolor": "none"},
                **{**tag, "fontsize": geo.tag_pt + (0 if geo.detailed else 1.5)})
    for sid, who in sorted(watch.prepared.items()):
        cx, cy = geo.centres[sid]
        below = sid in watch.gates  # a gate's tag is above: the preparer goes under the box
        y = cy + h / 2 + 0.035 if below else cy - h / 2 - 0.035
        ax.text(cx + w / 2 - 0.04, y, _("prep. {who}", who=who), ha="right", va="top" if below else "bottom", color=TEXT_DARK,
                bbox={"boxstyle": "round,pad=0.15,rounding_size=0.2", "facecolor": PREPARED,
                      "edgecolor": "none"},
                **tag)


# -- checkpoints and incidents ----------------------------------------------------------------

INCIDENT = "#882255"  # the tag of an open critical incident on a story
MILESTONE_LINE_H = 0.22  # the checkpoints' line under the summary


@dataclass(frozen=True)
class PictureMilestones:
    """What the picture shows of the plan's milestones (`bot.service.milestones.picture_part`)."""

    incidents: Mapping[str, tuple[str, ...]]  # story -> its open critical incidents ("INC-3")
    checkpoints: tuple[str, ...] = ()  # one phrase each: "A validated", "B reached", "C 1/4 (held by INC-3)"

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, on in (("incident", self.incidents), ("checkpoints", self.checkpoints)) if on)


def _milestone_room(marks: frozenset[str]) -> float:
    return MILESTONE_LINE_H if "checkpoints" in marks else 0.0


def _milestone_legend(marks: frozenset[str]) -> list[tuple[str, dict]]:
    if "incident" not in marks:
        return []
    return [(_("INC-n: critical incident open"), {"patch": {"facecolor": INCIDENT, "edgecolor": "none"}})]


def _draw_milestones(ax, geo: Geometry, milestones: PictureMilestones) -> None:
    """The checkpoints' line under the summary, and an "INC-3" tag under the bottom-left corner of
    each story an open critical incident is on (gate tags sit top-left, bypass and prep. tags right)."""
    if milestones.checkpoints:
        text = _("Checkpoints: {checkpoints}", checkpoints=" · ".join(_clean(p) for p in milestones.checkpoints))
        ax.text(MARGIN, 0.62 + MILESTONE_LINE_H, _short(text, 160), ha="left", va="top", fontsize=9.5,
                color="#444444", parse_math=False)
    w, h = geo.box_w, geo.box_h
    for sid, keys in sorted(milestones.incidents.items()):
        if sid not in geo.centres:
            continue
        cx, cy = geo.centres[sid]
        shown = keys[0] + (f" +{len(keys) - 1}" if len(keys) > 1 else "")
        ax.text(cx - w / 2 + 0.04, cy + h / 2 + 0.035, shown, ha="left", va="top", fontsize=geo.tag_pt,
                fontweight="bold", color=TEXT_LIGHT, zorder=6, parse_math=False,
                bbox={"boxstyle": "round,pad=0.15,rounding_size=0.2", "facecolor": INCIDENT, "edgecolor": "none"})
