"""Refusals in words: planner decides with ids and facts, the render names people and says what to do."""

from __future__ import annotations

import pytest

from bot.render.refusals import link_problem_text, refusal_text
from planner.graph import PlanGraph
from planner.links import link_problem
from planner.state import Action
from planner.workflow import Request, decide
from tests.helpers.plans import statuses, tiny_plan

LINK = "https://git.example.com/pr/1"


GRAPH = PlanGraph(tiny_plan())  # plans and their graphs are immutable: one for the module


def test_open_prerequisites_are_named_with_their_holder():
    sts = statuses(**{"1_1": ("done", "ann"), "1_2": ("in_progress", "U0BOB")})
    text = refusal_text(decide(Request(Action.START, "2.1", "cid"), GRAPH, sts))
    reason, hint = text.split("\n")
    assert reason == "2.1 can't start yet: it waits for 1.2 (in progress, <@U0BOB>)."  # a mention, in Slack
    assert hint == "Take a startable story (/unblocked), or a lead can force it: /start 2.1 force &lt;reason&gt;."


def test_a_console_name_is_an_at_name_and_the_hint_can_be_left_out():
    sts = statuses(**{"1_1": ("in_progress", "ann")})
    d = decide(Request(Action.START, "1.1", "bob"), GRAPH, sts)
    assert refusal_text(d) == "1.1 is already in progress, held by @ann.\nPick another story: /unblocked or /next."
    assert refusal_text(d, with_hint=False) == "1.1 is already in progress, held by @ann."


@pytest.mark.parametrize(("action", "said"), [
    (Action.FORCE_START, "Only a lead can force a story past its prerequisites."),
    (Action.REOPEN, "Only a lead can reopen a done story."),
])
def test_the_same_code_is_worded_for_its_action(action, said):
    state = "todo" if action == Action.FORCE_START else "done"
    d = decide(Request(action, "1.1", "bob", reason="why"), GRAPH, statuses(**{"1_1": (state, "ann")}))
    assert d.code == "lead-only" and refusal_text(d).startswith(said)


@pytest.mark.parametrize(("link", "said"), [
    (None, "an evidence link is required"),
    ("ftp://x/y", "must start with http:// or https:// (got ftp)"),
    ("https://", "that link has no host name"),
    ("https://x.example/a\u00a0b", "spaces, control or invisible characters"),
    ("https://x.example/" + "a" * 2000, "2018 characters long; the limit is 2000"),
])
def test_every_link_problem_reads_as_a_clause(link, said):
    problem = link_problem(link)
    assert problem is not None and said in link_problem_text(problem)
    d = decide(Request(Action.DONE, "1.1", "bob", evidence=link), GRAPH, statuses(**{"1_1": ("review", "ann")}))
    assert refusal_text(d).startswith(f"Can't mark 1.1 done: {link_problem_text(problem)}")


def test_a_link_that_is_evidence_has_no_problem():
    assert link_problem(LINK) is None
