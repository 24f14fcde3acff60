"""The picture of the plan: a real PNG, a sensible size, colours that mean the states, and the CLI."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.render.graph_png import BYPASS, FILL, PREPARED, geometry, person_tag, render_png, watch_marks
from planner.graph import PlanGraph
from planner.model import Gate, Plan, Story
from planner.staffing import Staffing
from planner.state import State, StoryStatus
from tests.helpers.plans import ROOT as REPO
from tests.helpers.plans import read_seed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 10_000
MAX_BYTES = 5 * 1024 * 1024


def statuses(**states: str) -> dict[str, StoryStatus]:
    """statuses(**{"1.1": "done"}) -> the statuses a store would hold."""
    return {sid: StoryStatus(sid, state=State(state)) for sid, state in states.items()}


def wide_plan(n: int, *, seed: int = 2, per_epic: int = 10) -> Plan:
    """n stories in epics: mostly chained inside an epic, each epic after a story of an earlier one."""
    rnd = random.Random(seed)
    ids = [f"{i // per_epic + 1}.{i % per_epic + 1}" for i in range(n)]
    edges = set()
    for i, sid in enumerate(ids):
        start = i - i % per_epic
        if i > start:
            edges.add((ids[rnd.randrange(max(start, i - 3), i)], sid))
        elif start:
            edges.add((ids[rnd.randrange(0, start)], sid))
        if i and rnd.random() < 0.1:
            edges.add((ids[rnd.randrange(0, i)], sid))
    gates = (Gate(ids[0], "entry"), Gate(ids[n // 2], "data"))
    return Plan(f"{n} stories", stories=tuple(Story(s) for s in ids), edges=tuple(sorted(edges)), gates=gates)


@pytest.fixture(scope="module")
def seed() -> PlanGraph:
    return PlanGraph(read_seed())


def decode(png: bytes):
    from PIL import Image

    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < MAX_BYTES
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def colour_at(image, xy: tuple[int, int]) -> tuple[int, int, int]:
    """The most common colour in a 5x5 patch (a stray anti-aliased pixel does not decide)."""
    x, y = xy
    pixels = [image.getpixel((x + dx, y + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    return max(set(pixels), key=pixels.count)


def close(rgb: tuple[int, int, int], hex_colour: str, tolerance: int = 6) -> bool:
    want = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, want, strict=True))


def test_seed_plan_is_a_png_of_a_sensible_size(seed):
    image = decode(render_png(seed, {}))
    width, height = image.size
    assert 1000 <= width <= 4000, image.size
    assert 400 <= height <= 2000, image.size
    assert width > height  # left to right


def test_two_hundred_stories_stay_within_limits_and_grow(seed):
    small = decode(render_png(seed, {}))
    big_graph = PlanGraph(wide_plan(200))
    big = decode(render_png(big_graph, statuses(**{"1.1": "done", "1.2": "in_progress"})))
    assert max(big.size) <= MAX_SIDE
    assert big.size[0] > small.size[0] and big.size[1] > small.size[1]
    geo = geometry(big_graph)
    assert geo.id_pt >= 7 and geo.tag_pt >= 7 and geo.dpi >= 100  # legible when opened full size


def test_box_colour_follows_the_state(seed):
    geo = geometry(seed)
    fresh = decode(render_png(seed, {}))
    later = decode(
        render_png(seed, statuses(**{"1.1": "done", "1.3": "done", "1.4": "done", "2.1": "in_progress"}))
    )
    left = {"dx": -0.4}  # inside the box, clear of the centred label
    assert close(colour_at(fresh, geo.pixel("1.1", **left)), FILL[State.TODO])
    assert close(colour_at(later, geo.pixel("1.1", **left)), FILL[State.DONE])
    assert close(colour_at(later, geo.pixel("1.3", **left)), FILL[State.DONE])
    assert close(colour_at(later, geo.pixel("2.1", **left)), FILL[State.IN_PROGRESS])
    assert colour_at(later, geo.pixel("1.1", **left)) != colour_at(later, geo.pixel("2.4", **left))


def test_waiting_todo_looks_unlike_startable_todo(seed):
    geo = geometry(seed)
    x0, y = geo.pixel("2.4", dx=-0.45)
    x1, _ = geo.pixel("2.4", dx=-0.25)

    def row(image):
        return [image.getpixel((x, y)) for x in range(x0, x1)]

    waiting = row(decode(render_png(seed, {})))  # 1.1 not done: hatched
    startable = row(decode(render_png(seed, statuses(**{"1.1": "done"}))))
    assert len(set(waiting)) > 1 and (255, 255, 255) in waiting
    assert all(close(p, FILL[State.TODO]) for p in startable)


def test_a_plan_with_a_cycle_still_draws():
    plan = Plan(
        "loop",
        stories=tuple(Story(s) for s in ("1.1", "1.2", "1.3")),
        edges=(("1.1", "1.2"), ("1.2", "1.3"), ("1.3", "1.2")),
        gates=(Gate("1.1", "entry"),),
    )
    decode(render_png(PlanGraph(plan), {}, title="A $plan$ with a cycle"))


def test_an_empty_plan_still_draws():
    decode(render_png(PlanGraph(Plan("empty")), {}))


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deliverybot.db'}",
    }


def test_cli_graph_writes_the_png(tmp_path):
    out = tmp_path / "plan.png"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "graph", "--out", str(out)],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    bad = subprocess.run(
        [sys.executable, "-m", "bot.cli", "graph", "--out", str(tmp_path / "plan.jpg")],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2


def test_one_shot_commands_do_not_import_matplotlib(tmp_path):
    code = "import sys, bot.cli, bot.render.graph_png; sys.exit('matplotlib' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(tmp_path), timeout=60).returncode
        == 0
    )


# -- open bypasses and preparations -------------------------------------------------------------


def band(image, geo, sid: str, dy: float, x_from: float = -0.5, x_to: float = 0.5) -> list:
    """The pixels of one row at `dy` box-heights from the centre of `sid`, from x_from to x_to box-widths."""
    (x0, y), (x1, _) = geo.pixel(sid, dx=x_from, dy=dy), geo.pixel(sid, dx=x_to, dy=dy)
    return [image.getpixel((x, y)) for x in range(x0, x1)]


def test_an_open_bypass_has_a_red_dashed_outline_until_its_prerequisites_are_done(seed):
    forced = {**statuses(**{"1.1": "done", "1.3": "in_progress"}),
              "2.1": StoryStatus("2.1", State.REVIEW, assignee="lea", forced=True)}  # 1.3 still open
    geo = geometry(seed, marks=frozenset({"bypass"}))
    outline = 0.5 + 0.045 / geo.box_h  # just outside the box's top edge, where the outline runs
    red = band(decode(render_png(seed, forced)), geo, "2.1", -outline, -0.4, 0.3)
    assert sum(close(p, BYPASS, 40) for p in red) > len(red) // 3  # dashed: mostly red
    closed = {**forced, "1.3": StoryStatus("1.3", State.DONE)}
    plain = band(decode(render_png(seed, closed)), geometry(seed), "2.1", -outline, -0.4, 0.3)
    assert not any(close(p, BYPASS, 40) for p in plain)


def test_a_story_being_prepared_carries_a_tag(seed):
    prepared = {"1.4": StoryStatus("1.4", State.TODO, preparer="U0BOB")}  # 1.1 not done: 1.4 waits
    geo = geometry(seed, marks=frozenset({"prepared"}))
    above = -0.5 - 0.1 / geo.box_h  # in the tag, above the box's top-right corner
    tagged = band(decode(render_png(seed, prepared)), geo, "1.4", above, 0.1, 0.48)
    assert sum(close(p, PREPARED, 12) for p in tagged) > len(tagged) // 3
    bare = band(decode(render_png(seed, {})), geometry(seed), "1.4", above, 0.1, 0.48)
    assert not any(close(p, PREPARED, 12) for p in bare)


def test_marks_name_the_preparer_by_lane_and_count_what_is_open(seed):
    staffing = Staffing(seed, 3, {"B": "U0BOB"})
    sts = {"1.4": StoryStatus("1.4", State.TODO, preparer="U0BOB"),
           "3.1": StoryStatus("3.1", State.TODO, preparer="cid"),
           "1.2": StoryStatus("1.2", State.IN_PROGRESS, forced=True)}
    watch = watch_marks(seed, sts, staffing)
    assert watch.prepared == {"1.4": "Dev B", "3.1": "@cid"} and watch.bypass == {"1.2"}
    assert watch.kinds == {"bypass", "prepared"}
    assert watch_marks(seed, sts).prepared["1.4"] == "U0BOB"  # no staffing: the id as it is
    assert person_tag("U0ZED", staffing) == "U0ZED"  # bound to no lane


def test_two_hundred_stories_with_marks_stay_within_limits():
    graph = PlanGraph(wide_plan(200))
    ids = graph.plan.story_ids
    sts = {s: StoryStatus(s, State.DONE) for s in ids[:30]}
    sts.update({s: StoryStatus(s, State.IN_PROGRESS, forced=True) for s in ids[30::9]})
    sts.update({s: StoryStatus(s, State.TODO, preparer="U0BOB") for s in ids[34::7] if s not in sts})
    image = decode(render_png(graph, sts))
    assert max(image.size) <= MAX_SIDE


def test_a_plan_too_large_to_draw_gets_a_small_picture_saying_so(monkeypatch):
    from bot.render import graph_png

    monkeypatch.setattr(graph_png, "MAX_DRAWN_STORIES", 150)
    image = decode(render_png(PlanGraph(wide_plan(200)), {}))
    assert image.size == (800, 160)  # drawn at once instead of a picture of every story
