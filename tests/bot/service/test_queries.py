"""The commands that only read, on the seed plan: /unblocked (ready, mine, all) and /status."""

from tests.helpers.bot import STORIES, startable


def test_unblocked_follows_the_seed(service, walk):
    assert startable(service) == ["1.1"]
    walk.finish("1.1")
    assert sorted(startable(service)) == ["1.3", "1.4", "2.4", "5.3", "5.4"]
    walk.finish("1.3")
    walk.finish("1.4")
    assert sorted(startable(service)) == ["1.2", "2.1", "2.4", "5.3", "5.4"]
    assert startable(service)[0] == "2.1"  # the critical path comes first


def test_unblocked_text_groups_by_lane_owner_with_marks(service):
    service.handle("lea", "/team lane A @ann")
    reply = service.handle("bob", "/unblocked")
    others = STORIES - 1  # an entry gate holds every other story
    assert "@ann — Dev A (platform core)" in reply.text
    assert "1.1 baseline hardening" in reply.text
    assert "gate: entry" in reply.text and "critical path" in reply.text and f"unblocks {others}" in reply.text
    item = reply.data["items"][0]
    assert item["owner"] == "ann" and item["gate"] == "entry" and item["critical"] and item["unblocks_all"] == others


def test_unblocked_all_shows_blocked_with_open_prerequisites(service, walk):
    walk.finish("1.1")
    reply = service.handle("ann", "/unblocked all")
    blocked = {b["id"]: b["waiting_for"] for b in reply.data["blocked"]}
    assert blocked["1.2"] == ["1.3", "1.4"]
    assert blocked["4.1"] == ["2.2"]
    assert "1.2" in reply.text and "waits for 1.3, 1.4" in reply.text


def test_unblocked_mine_only_my_lane(service, walk):
    service.handle("lea", "/team lane B @bob")
    walk.finish("1.1")
    assert startable(service, "bob", "/unblocked mine") == ["1.4", "2.4", "5.3", "5.4"]
    assert startable(service, "zed", "/unblocked mine") == []


def test_status_board_and_story_history(service, walk):
    walk.finish("1.1")
    board = service.handle("ann", "/board")
    assert board.data["counts"]["done"] == 1
    assert f"1/{STORIES} done" in board.text
    assert "Checkpoint" in board.text or "Checkpoints" in board.text
    story = service.handle("ann", "/status 1.2")
    assert story.data["open_prerequisites"] == ["1.3", "1.4"]
    assert "waits for 1.3, 1.4" in story.text
    hist = service.handle("ann", "/status 1.1").data["history"]
    assert [h["action"] for h in hist] == ["start", "review", "done"]


def test_user_text_is_escaped_in_replies(service, walk):
    service.handle("ann", "/start 1.1")
    service.handle("ann", "/review 1.1 https://x.example/<!channel>")
    reply = service.handle("lea", "/status 1.1")
    assert "<!channel>" not in reply.text
