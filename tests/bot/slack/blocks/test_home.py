"""App Home: what one person sees on the bot's Home tab, within Slack's view limits."""

from fakeslack.blocks import check_view as fake_check_view

from bot.slack import ACTION_CHANGES, ACTION_DONE, ACTION_PREPARE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.home import home_view
from planner.board import board, story_card
from planner.state import State, StoryStatus
from tests.helpers.bot import NASTY_ESCAPED, SLUG
from tests.helpers.slack import all_text, buttons, value


def test_home_view(small):
    statuses = {
        "1.1": StoryStatus("1.1", State.IN_PROGRESS, assignee="U0ALICE"),
        "1.2": StoryStatus("1.2", State.REVIEW, assignee="U0BOB", reviewer="U0ALICE"),
    }
    cards = {sid: story_card(sid, small, statuses) for sid in small.plan.story_ids}
    data = {
        "plan": "big",
        "me": "U0ALICE",
        "mine": [cards["1.1"]],
        "next": {"story": "1.5", "why": "next in your lane (Dev A)", "kind": "lane", "label": "1.5 task 4"},
        "reviews": [cards["1.2"]] * 60,
        "gates": board(small, statuses)["gates"],
        "counts": {"todo": 6, "in_progress": 1, "review": 1, "done": 0},
        "total": 8,
    }
    view = home_view(data)
    assert view["type"] == "home" and fake_check_view(view, ("home",)) == []
    assert len(view["blocks"]) <= 100
    found = [(b["action_id"], value(b)["story"]) for _, b in buttons(view["blocks"])]
    assert (ACTION_REVIEW, "1.1") in found and (ACTION_START, "1.5") in found
    assert found.count((ACTION_DONE, "1.2")) == 15 and found.count((ACTION_CHANGES, "1.2")) == 15
    text = all_text(view["blocks"])
    assert "*Your stories*" in text and "*Reviews waiting for you*" in text and "…and 45 more" in text
    assert "*Gates*" in text and NASTY_ESCAPED in text
    empty = home_view({"plan": "big", "me": "U0X", "mine": [], "next": None, "reviews": [], "gates": []})
    assert "Nothing for you right now" in all_text(empty["blocks"])


def test_home_of_the_seed_on_the_real_service_is_a_view_slack_accepts(service, walk):
    walk.ok("dev", "/start 1.1")
    walk.ok("dev", "/review 1.1 https://git.example.com/pr/1 @rev")
    view = home_view(service.home("rev"))
    assert fake_check_view(view, ("home",)) == []
    found = [(b["action_id"], value(b)["story"]) for _, b in buttons(view["blocks"])]
    assert (ACTION_DONE, "1.1") in found and (ACTION_CHANGES, "1.1") in found  # rev's review waits


def test_home_shows_open_bypasses_and_preparations_on_the_real_service(service, walk):
    walk.finish("1.1")
    walk.ok("ann", "/start 1.3")
    walk.ok("bob", "/prepare 1.2")  # waits for 1.3 and 1.4
    walk.ok("lea", "/start 2.1 force alerting first")  # 1.3 not done
    view = home_view(service.home("ann"))
    assert fake_check_view(view, ("home",)) == []
    text = all_text(view["blocks"])
    assert "⚠ *Forced starts still open*\n• 2.1 (@lea) still waits for 1.3" in text
    since = service.store.statuses(SLUG)["1.2"].prepared_since
    assert f"🧰 *Being prepared*: 1\n• 1.2 — prepared by @bob since {since.day} {since:%b}; waits for 1.3, 1.4" in text
    walk.ok("ann", "/review 1.3 https://git.example.com/pr/1 @rev")
    walk.ok("rev", "/done 1.3 https://git.example.com/pr/1")
    assert "Forced starts still open" not in all_text(home_view(service.home("ann"))["blocks"])


def test_home_lists_of_bypasses_and_preparations_are_capped(small):
    many = [{"story": f"9.{i}", "label": f"9.{i}", "preparer": "U0BOB", "prepared_since": None,
             "waiting_for": ["1.1"], "startable": False} for i in range(40)]
    view = home_view({"plan": "big", "me": "U0X", "mine": [], "next": None, "reviews": [], "gates": [],
                      "preparations": many,
                      "forced_open": [{"story": f"8.{i}", "assignee": "U0LEA", "open": ["1.1"]} for i in range(40)]})
    assert fake_check_view(view, ("home",)) == []
    text = all_text(view["blocks"])
    assert "🧰 *Being prepared*: 40" in text and text.count("…and 30 more") == 2


def test_your_next_story_offers_prepare_for_a_blocked_story_of_your_lane(service, walk):
    walk.ok("lea", "/team lane B @U0BOB")
    view = home_view(service.home("U0BOB"))
    assert fake_check_view(view, ("home",)) == []
    nxt = service.home("U0BOB")["next"]
    assert nxt["kind"] == "prepare"
    found = [(b["action_id"], value(b)["story"]) for _, b in buttons(view["blocks"])]
    assert (ACTION_PREPARE, nxt["story"]) in found
    walk.ok("U0BOB", f"/prepare {nxt['story']}")
    view = home_view(service.home("U0BOB"))
    assert f"you are preparing {nxt['story']}" in all_text(view["blocks"])
    assert not [b for _, b in buttons(view["blocks"]) if value(b)["story"] == nxt["story"]]
