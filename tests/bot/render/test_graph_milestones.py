"""The picture's milestones: an "INC-n" tag under a story an open critical incident is on, a line of
checkpoints under the summary (the header grows by one line), and the legend explaining the tag."""

from __future__ import annotations

import io

from bot.render.graph_png import (
    INCIDENT,
    MILESTONE_LINE_H,
    PictureMilestones,
    _legend_entries,
    geometry,
    render_png,
)
from planner.graph import PlanGraph
from tests.helpers.plans import read_seed

SEED = PlanGraph(read_seed())


def decode(png: bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def incident_pixels(image, geo, story: str) -> int:
    """Pixels of the incident colour in the strip just under the story's bottom-left corner."""
    want = tuple(int(INCIDENT[i: i + 2], 16) for i in (1, 3, 5))
    x0, y0 = geo.pixel(story, -0.5, 0.5)
    count = 0
    for x in range(x0, x0 + round(0.4 * geo.dpi)):
        for y in range(y0, y0 + round(0.2 * geo.dpi)):
            if all(abs(a - b) <= 8 for a, b in zip(image.getpixel((x, y)), want, strict=True)):
                count += 1
    return count


def test_an_open_critical_incident_tags_its_story_and_the_legend_explains_it():
    marks = PictureMilestones({"4.1": ("INC-3",)}, ("A validated", "B reached", "C 0/4 (held by INC-3)", "D 0/2"))
    plain_geo = geometry(SEED)
    geo = geometry(SEED, marks=marks.kinds)
    assert abs(geo.header - plain_geo.header - MILESTONE_LINE_H) < 0.3  # one more line (the legend may wrap)
    assert geo.header > plain_geo.header
    assert any(label.startswith("INC-n") for label, _ in _legend_entries(SEED, geo.layout, marks.kinds))
    tagged = decode(render_png(SEED, {}, milestones=marks))
    assert incident_pixels(tagged, geo, "4.1") > 40
    assert incident_pixels(tagged, geo, "1.1") == 0
    untagged = decode(render_png(SEED, {}))
    assert incident_pixels(untagged, plain_geo, "4.1") == 0


def test_no_milestone_leaves_the_picture_as_it_was():
    empty = PictureMilestones({})
    assert empty.kinds == frozenset()
    assert geometry(SEED, marks=empty.kinds).header == geometry(SEED).header
    assert decode(render_png(SEED, {}, milestones=empty)).size == decode(render_png(SEED, {})).size
