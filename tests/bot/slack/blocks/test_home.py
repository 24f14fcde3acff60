"""App Home: what one person sees on the bot's Home tab, within Slack's view limits."""

from fakeslack.blocks import check_view as fake_check_view

from bot.slack import ACTION_CHANGES, ACTION_DONE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.home import home_view
from planner.board import board, story_card
from planner.state import State, StoryStatus
from tests.helpers.bot import NASTY_ESCAPED
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
