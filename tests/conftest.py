"""Suite-wide guards: no test may reach Slack or read a developer's real tokens."""

import pytest


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name.startswith("DELIVERYBOT_") and name != "DELIVERYBOT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
