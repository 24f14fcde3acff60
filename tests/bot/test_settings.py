"""Configuration is typed and checked when the process starts: a bad value stops it with the
variable's name (exit 2), instead of a traceback every minute and a /digest that raises."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.settings import Settings, configuration_problems

REPO = Path(__file__).resolve().parents[2]


def test_values_from_the_environment_are_typed(monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_DIGEST_TIME", "09:30")
    monkeypatch.setenv("DELIVERYBOT_DIGEST_TZ", "Europe/Paris")
    monkeypatch.setenv("DELIVERYBOT_DIGEST_WORKDAYS", "sun-thu")
    monkeypatch.setenv("DELIVERYBOT_LEADS", "@alice, U012ABC,,")
    settings = Settings()
    assert settings.digest_time == time(9, 30)
    assert settings.digest_timezone == ZoneInfo("Europe/Paris")
    assert settings.digest_workdays == frozenset({6, 0, 1, 2, 3})
    assert settings.lead_names == ["alice", "U012ABC"]


@pytest.mark.parametrize(("name", "value", "said"), [
    ("DELIVERYBOT_DIGEST_TZ", "Mars/Olympus", "'Mars/Olympus' is not a time zone"),
    ("DELIVERYBOT_DIGEST_TIME", "25:00", "out of range"),
    ("DELIVERYBOT_DIGEST_WORKDAYS", "someday", "someday"),
    ("PORT", "70000", "65535"),
])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value, said):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    [problem] = configuration_problems(refused.value)
    assert problem.startswith(f"{name}: ") and said in problem


@pytest.mark.parametrize("command", [["run"], ["cmd", "--as", "ann", "/digest"]])
def test_the_process_exits_2_on_a_bad_time_zone_before_doing_anything(tmp_path, command):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite",
           "DELIVERYBOT_DIGEST_TZ": "Mars/Olympus", "DELIVERYBOT_LANG": "en"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", *command], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert "DELIVERYBOT_DIGEST_TZ: 'Mars/Olympus' is not a time zone" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "db.sqlite").exists()  # nothing was started, nothing written
