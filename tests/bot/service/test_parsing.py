"""What someone typed, normalised: links in Slack's form, people in their one spelling."""

import pytest

from bot.service.parsing import evidence, person, person_name
from planner.links import LinkProblem, evidence_problem


def test_slack_s_link_form_is_still_a_link_and_its_url_is_checked():
    given = evidence(("<https://git.example.com/pull/42|pull/42>", "<https://ci.example.com/run/7>", "green"))
    assert given.links == ("https://git.example.com/pull/42", "https://ci.example.com/run/7")
    assert given.note == "green" and evidence_problem(given.text) is None
    bad = evidence(("<https://ex.example:99999/|pr>",))
    assert evidence_problem(bad.text) == LinkProblem("port", "99999")


@pytest.mark.parametrize(("word", "who"), [("@Alice", "alice"), ("@alice", "alice"), ("<@U0ANN|ann>", "U0ANN"),
                                           ("@U0ANN", "U0ANN"), ("alice", None)])
def test_a_person_has_one_spelling(word, who):
    assert person(word) == who


@pytest.mark.parametrize(("word", "who"), [("Alice", "alice"), ("@ALICE", "alice"), (" bob.k ", "bob.k"),
                                           ("U0ANN", "U0ANN"), ("<!channel>", None), ("a b", None), ("", None)])
def test_a_console_name_has_one_spelling_or_is_refused(word, who):
    assert person_name(word) == who
