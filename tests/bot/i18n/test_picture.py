"""The picture of a French plan speaks French: its legend, tags and summary are drawn in the
language the caller speaks (the plan's, for the digest's picture)."""

from __future__ import annotations

import pytest
from matplotlib.text import Text

from bot.i18n import speaking
from bot.render.graph_png import render_png
from bot.service.milestones import picture_part
from tests.helpers.bot import SEED_TEXT
from tests.helpers.languages import leaks

pytestmark = pytest.mark.languages


def drawn_texts(monkeypatch, service, lang: str) -> list[str]:
    """Every text matplotlib draws in the seed's picture, mid-delivery (a preparation, a story in
    review, a forced start open), said in `lang`."""
    for who, command in (("ann", "/start 1.1"), ("ann", "/review 1.1 https://git.example.com/pr/1 @bob"),
                         ("bob", "/prepare 1.4"), ("lea", "/start 2.1 force le client attend")):
        assert service.handle(who, command).ok, command
    texts: list[str] = []
    draw = Text.draw

    def recording(self, renderer):
        texts.append(self.get_text())
        return draw(self, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    ctx = service.context()
    with speaking(lang):
        png = render_png(ctx.graph, ctx.statuses, title=ctx.plan.title, staffing=ctx.staffing,
                         milestones=picture_part(ctx))
    assert png.startswith(b"\x89PNG")
    return [t for t in texts if t.strip()]


def test_the_picture_of_a_french_plan_has_a_french_legend(monkeypatch, service):
    texts = drawn_texts(monkeypatch, service, "fr")
    assert {"chemin critique", "en cours", "terminée"} <= set(texts), texts
    assert not leaks(texts, expected="fr", plan_text=SEED_TEXT)
    assert not {"critical path", "in progress", "done", "depends on"} & set(texts), texts


def test_the_same_picture_in_english(monkeypatch, service):
    texts = drawn_texts(monkeypatch, service, "en")
    assert {"critical path", "in progress", "done"} <= set(texts), texts
    assert not leaks(texts, expected="en", plan_text=SEED_TEXT)
