"""What counts as evidence: an http(s) URL with a host, printable, of reasonable length."""

from __future__ import annotations

import pytest

from planner.links import MAX_LINK_LENGTH, LinkProblem, link_problem


@pytest.mark.parametrize("link", ["https://git.example.com/infra/pull/42", "http://ci.example/run/7?x=1#a"])
def test_a_clickable_proof_has_no_problem(link):
    assert link_problem(link) is None


@pytest.mark.parametrize(("text", "problem"), [
    (None, LinkProblem("missing")),
    ("", LinkProblem("missing")),
    ("javascript:alert(1)", LinkProblem("scheme", "javascript")),
    ("pr-42", LinkProblem("scheme", "")),
    ("https://", LinkProblem("no-host")),
    ("https://x.example/\u200bpr", LinkProblem("invisible")),
    ("https://x.example/\u202epr", LinkProblem("invisible")),
    ("https://[::1/pr", LinkProblem("not-a-url")),
    ("https://x.example/" + "a" * MAX_LINK_LENGTH, LinkProblem("too-long", str(18 + MAX_LINK_LENGTH))),
])
def test_what_is_not_evidence_says_why(text, problem):
    assert link_problem(text) == problem
