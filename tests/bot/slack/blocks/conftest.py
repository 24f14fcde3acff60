"""A small generated plan the Block Kit tests render (tests.helpers.slack.make_plan)."""

import pytest

from tests.helpers.slack import make_plan


@pytest.fixture(scope="module")
def small():
    """8 stories in 4 lanes, A bound to U0ALICE and B to U0BOB, a 3-story critical path."""
    return make_plan(8, bindings={"A": "U0ALICE", "B": "U0BOB"}, critical=3)
