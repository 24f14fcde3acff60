"""Every name a plan gives (title, story titles, lane labels, proofs) is escaped wherever it is echoed:
a plan cannot ping the channel or impersonate a mention through deliverybot."""

from __future__ import annotations

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks
from bot.slack.blocks.replies import reply_blocks
from tests.helpers.bot import LINK, SEED

HOSTILE = {
    "# Plan De Livraison Parallele - k3s-mono-pgsql": "# <!everyone> plan & co",
    "(baseline hardening)": "(<!channel> hardening <@U0BAD>)",
    "(Argo App-of-Apps)": "(<https://evil.example|Argo> & <!subteam^S1>)",
    "Dev B (security + compliance):": "Dev B (<!here> security):",
    "- preuves hardening + VPN + secrets": "- preuves <!channel> + VPN",
}
RAW = ("<!everyone>", "<!channel>", "<!here>", "<@U0BAD>", "<https://evil.example", "<!subteam")


@pytest.fixture
def hostile(store, tmp_path):
    text = SEED.read_text()
    for old, new in HOSTILE.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "hostile.md"
    path.write_text(text)
    import_plan(store, path, slug="k3s")
    store.add_lead("lea", "test")
    return DeliveryService(store)


def _mrkdwn(node, out: list[str]) -> list[str]:
    """Every mrkdwn text of Block Kit (plain_text, e.g. a header, is never read for mentions)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            out.append(node["text"])
        for value in node.values():
            _mrkdwn(value, out)
    elif isinstance(node, list):
        for value in node:
            _mrkdwn(value, out)
    return out


def _everything_said(reply) -> str:
    parts = [reply.text, *(n.text for n in reply.notifications), *_mrkdwn(reply_blocks(reply), [])]
    return "\n".join(parts)


def test_no_name_from_the_plan_reaches_slack_unescaped(hostile):
    said = []
    for actor, command in [
        ("ann", "/start 1.1"), ("ann", f"/review 1.1 {LINK} @bob"), ("bob", f"/done 1.1 {LINK}"),
        ("lea", f"/checkpoint A {LINK}"), ("lea", "/team lane B @bob"),
        ("ann", "/unblocked"), ("ann", "/unblocked all"), ("ann", "/board"), ("ann", "/board 1.1"),
        ("ann", "/board 2.2"), ("bob", "/next"), ("ann", "/team"), ("ann", "/checkpoint"), ("ann", "/digest"),
        ("lea", "/digest post"), ("ann", "/incident critical broken on 1.1"), ("ann", "/help"),
    ]:
        reply = hostile.handle(actor, command)
        said.append((command, _everything_said(reply)))
    for command, text in said:
        for raw in RAW:
            assert raw not in text, f"{command} echoes {raw}"
    digest = hostile.handle("ann", "/digest").data["digest"]
    posted = "\n".join(_mrkdwn([digest_main_blocks(digest), digest_thread_blocks(digest)], []))
    assert "hardening" in posted or "1.1" in posted
    for raw in RAW:
        assert raw not in posted, f"the posted digest echoes {raw}"
    board = dict(said)["/board 1.1"]
    assert "&lt;!channel&gt; hardening" in board  # shown, escaped
