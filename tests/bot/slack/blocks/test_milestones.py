"""Checkpoints and incidents in Block Kit: the board and App Home show them (within Slack's limits,
however many incidents are open), and the channel posts of a checkpoint reached or validated and of
the end of the plan carry their header."""

from fakeslack.blocks import check_view as fake_check_view

from bot.service.replies import Notification
from bot.slack.blocks.home import home_view
from bot.slack.blocks.replies import announcement_blocks, reply_blocks
from tests.helpers.bot import NASTY, NASTY_ESCAPED
from tests.helpers.milestones import CHECKPOINTS, deliver, label, ok
from tests.helpers.slack import all_text, slack_accepts


def test_the_board_shows_checkpoints_reached_and_open_incidents(service):
    deliver(service, CHECKPOINTS["A"][0])
    ok(service, "ann", f"/incident critical {NASTY} on 4.1")
    blocks = slack_accepts(reply_blocks(ok(service, "ann", "/board")))
    text = all_text(blocks)
    n = len(CHECKPOINTS["A"][0])
    assert f"A: {n}/{n} ✓ reached, not validated — proofs expected: " in text
    assert "held by INC-1 (critical, open)" in text
    assert "🚨 *Open incidents*: 1" in text and f"INC-1 critical on {label('4.1')} — {NASTY_ESCAPED}" in text
    assert "<!channel>" not in text


def test_app_home_lists_checkpoints_and_caps_the_incidents(service):
    for i in range(60):
        ok(service, "ann", f"/incident minor flaky {i}")
    ok(service, "ann", "/incident critical DB down on 4.1")
    view = home_view(service.home("bob"))
    assert fake_check_view(view, ("home",)) == [] and len(view["blocks"]) <= 100
    text = all_text(view["blocks"])
    assert "🏁 *Checkpoints*" in text and "🚨 *Open incidents*: 61" in text
    assert text.index("INC-61 critical") < text.index("INC-1 minor")  # critical first
    assert "deliverybot cmd --json" in text  # the rest is one command away


def test_milestone_posts_carry_their_header():
    for milestone, checkpoint, title in (("checkpoint", "A", "🏁 Checkpoint A reached"),
                                         ("validated", "B", "🏁 Checkpoint B validated"),
                                         ("delivered", None, "🎉 Plan delivered")):
        note = Notification("channel", "C1", "text", {"milestone": milestone, "checkpoint": checkpoint})
        blocks = slack_accepts(announcement_blocks(note))
        assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == title
    plain_post = slack_accepts(announcement_blocks(Notification("channel", "C1", "🚨 INC-1 opened", {})))
    assert plain_post[0]["type"] == "section"
