"""The whole bundled plan walked in French and in English through `deliverybot cmd` (over signed
HTTP: tests/bot/slack/test_http_languages.py): every reply, refusal, post, DM, App Home and modal text a person was shown is read
for catalog sentences of the other language (tests/helpers/languages.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.bot.i18n.walk import AFTER, Step, Team, script
from tests.helpers.bot import SEED_TEXT, run_cli
from tests.helpers.languages import leaks

pytestmark = pytest.mark.languages


def shown(blocks: object) -> Iterator[str]:
    """Every text Block Kit shows a person (each `text` string, at any depth)."""
    if isinstance(blocks, dict):
        for key, value in blocks.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from shown(value)
    elif isinstance(blocks, list):
        for item in blocks:
            yield from shown(item)


def cli_walk(capsys, steps: list[Step]) -> tuple[list[str], dict]:
    texts: list[str] = []
    for step in steps:
        code, out, err = run_cli(capsys, "cmd", "--as", step.actor, "--json", step.text)
        assert code in (0, 1) and not err, (step, code, err)
        reply = json.loads(out)
        assert reply["ok"] is step.ok, (step, reply["text"])
        texts += [reply["text"], *(n["text"] for n in reply["notifications"]), *shown(reply["blocks"])]
    code, out, _err = run_cli(capsys, "cmd", "--as", "lea", "--json", "/board")
    return texts, json.loads(out)["data"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_whole_plan_through_the_command_line(db, capsys, monkeypatch, lang):
    """French with no setting at all (the plan is French); English once a lead says /team lang en."""
    monkeypatch.setenv("DELIVERYBOT_LEADS", "lea")
    team = Team("lea", "ann", "bob", "cat")
    steps = [Step("lea", "/team lang en")] if lang == "en" else []
    steps += script(team, lambda person: f"@{person}")
    texts, board = cli_walk(capsys, steps)

    assert board["counts"]["done"] == board["total"] == len(AFTER)  # the whole plan was delivered
    assert not leaks(texts, expected=lang, plan_text=SEED_TEXT)
    said = "\n".join(texts)
    if lang == "fr":
        assert "a démarré" in said and "est terminée" in said and "Checkpoint A" in said, said[:2000]
    else:
        assert " started " in said and "is done, approved by" in said, said[:2000]
