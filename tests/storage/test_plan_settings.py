"""Per-plan settings: the untyped key/JSON API that bot/ still uses."""

from __future__ import annotations

import pytest

from tests.helpers.storage import SLUG


def test_settings_hold_json_values_per_plan(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    assert plan_store.get_setting(SLUG, "mode") is None
    assert plan_store.get_setting(SLUG, "mode", 3) == 3
    plan_store.set_setting(SLUG, "mode", 2)
    plan_store.set_setting(SLUG, "four_eyes", False)
    plan_store.set_setting(SLUG, "digest", {"time": "09:00", "days": ["mon", "tue"]})
    plan_store.set_setting(SLUG, "mode", 4)
    assert plan_store.get_setting(SLUG, "mode") == 4
    assert plan_store.get_setting(SLUG, "four_eyes", True) is False  # a stored False is not "unset"
    assert plan_store.settings(SLUG) == {
        "digest": {"time": "09:00", "days": ["mon", "tue"]},
        "four_eyes": False,
        "mode": 4,
    }
    assert plan_store.settings("other") == {}
    with pytest.raises(TypeError):
        plan_store.set_setting(SLUG, "bad", object())
    assert "bad" not in plan_store.settings(SLUG)
