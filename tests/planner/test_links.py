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


@pytest.mark.parametrize(("text", "problem"), [
    ("https://ex.example:99999/", LinkProblem("port", "99999")),
    ("https://ex.example:0/pr/1", LinkProblem("port", "0")),
    ("https://ex.example:http/pr/1", LinkProblem("port", "http")),
    ('https://ex.example/"onmouseover="x', LinkProblem("character", '"')),
    ("https://ex.example/'onmouseover='x", LinkProblem("character", "'")),
    ("https://ex.example/<script>", LinkProblem("character", "<")),
    ("https://ex.example\\@evil.example/", LinkProblem("character", "\\")),
    ("https://user:pass@ex.example/pr/1", LinkProblem("credentials")),
    ("https://token@ex.example/pr/1", LinkProblem("credentials")),
    ("https://ex.example/a b", LinkProblem("invisible")),
    ("https://ex.example/\tpr", LinkProblem("invisible")),
    ("https://ex..example/pr", LinkProblem("host", "ex..example")),
    ("https://-ex.example/pr", LinkProblem("host", "-ex.example")),
    ("https://ex_ample!.example/pr", LinkProblem("host", "ex_ample!.example")),
    ("https://1.2.3/pr", LinkProblem("host", "1.2.3")),
    ("https://ex.example/100%/pr", LinkProblem("not-a-url")),
    ("https://ex.example/a[b]", LinkProblem("character", "[")),  # brackets only around an IPv6 host
    ("https://ex.example:/pr/1", LinkProblem("port", "empty")),
    ("https://ex.example:99999999999999999999/", LinkProblem("port", "999999999999…")),
])
def test_a_url_parser_reads_the_link(text, problem):
    assert link_problem(text) == problem


@pytest.mark.parametrize("link", [
    "https://git.example.com:8443/infra/pull/42", "http://127.0.0.1:8080/run/1", "https://[2001:db8::1]/pr/1",
    "https://ci.internal/job/7", "https://build_host.corp.example/x?a=%20b&c=d#frag", "https://münchen.example/pr/1",
])
def test_real_links_are_still_links(link):
    assert link_problem(link) is None
