"""The daily digest as Slack shows it: a short channel message and the details in its thread,
within Slack's limits even on a 2,000-story plan. The words themselves are tested in
tests/bot/render/test_digest_text.py."""

import json
from datetime import timedelta

from fakeslack.blocks import check_blocks as fake_check_blocks

from bot.render.digest_text import summary_lines
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks
from bot.slack.blocks.limits import MESSAGE_JSON_MAX, check_message
from tests.helpers.bot import MON, NASTY, SLUG, watched
from tests.helpers.plans import read_seed

SEED_FINDINGS = len(read_seed().findings)


def slack_accepts(blocks):
    assert fake_check_blocks(blocks, 50) == []
    assert check_message(blocks) is blocks
    return blocks


def texts(blocks):
    """The mrkdwn a person reads (headers are plain text: Slack shows them as they are)."""
    out = []
    for b in blocks:
        if b["type"] == "section":
            out.append(b["text"]["text"])
        out.extend(el["text"] for el in b.get("elements", []))
    return out


def thread_sections(blocks):
    """The thread's sections as whole texts: a block that goes on with "• " joins the one before."""
    out = []
    for b in blocks:
        if b["type"] != "section":
            continue
        text = b["text"]["text"]
        if text.startswith(("• ", "…and ")) and out:
            out[-1] += "\n" + text
        else:
            out.append(text)
    return out


def rows_and_more(text):
    """(items shown, N of its "…and N more" row) in one section's text."""
    shown = text.count("\n• ")
    more = [line for line in text.split("\n") if line.startswith("…and ")]
    return shown, int(more[0].split()[1].replace(",", "")) if more else 0


# -- the seed plan, mid-delivery ----------------------------------------------------------------


def test_user_text_is_escaped_in_the_message_and_its_thread(seed):
    data = seed(MON + timedelta(days=3), since=MON)
    data["plan"] = NASTY
    data["headline"] = NASTY + " — headline"
    joined = "\n".join(texts(digest_main_blocks(data)) + texts(digest_thread_blocks(data)))
    assert "<!channel>" not in joined
    assert "forced by @lea (&lt;!channel&gt; &amp; co alerting first)" in joined
    # the header is plain text, which Slack never reads as a mention
    assert digest_main_blocks(data)[0]["text"] == {
        "type": "plain_text",
        "text": f"Daily digest — {NASTY}",
        "emoji": True,
    }


def test_main_blocks_are_short_and_say_where_the_details_are(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=1, hours=12))
    blocks = slack_accepts(digest_main_blocks(data))
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": f"Daily digest — {SLUG}", "emoji": True},
    }
    assert blocks[1]["text"]["text"] == f"*{data['headline']}*"
    lines = [line for _, line in summary_lines(data)]
    assert [b["elements"][0]["text"] for b in blocks[2:-1]] == lines
    assert blocks[-1]["elements"][0]["text"] == "Details in the thread 🧵"


def test_thread_blocks_hold_each_section(seed):
    data = seed(MON + timedelta(days=3), since=MON)
    blocks = slack_accepts(digest_thread_blocks(data))
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    titles = [s.split("\n")[0] for s in sections]
    assert titles == [
        "🚦 *Gates*",
        "🏁 *Checkpoints*",
        "🔥 *Critical path*",
        "🏃 *Sprints*",  # the 3-dev plan has none, and says so
        "🔄 *Changes since Mon 02 Mar 09:00*",
        "▶ *Startable*: 2",
        "👀 *Reviews waiting*: 1",
        "⚠ *Forced starts still open* (no lasting bypass): 1",
        f"🔎 *Plan findings*: {SEED_FINDINGS}",
    ]
    forced = sections[7]
    assert (
        "• 3.1 — forced by @lea (&lt;!channel&gt; &amp; co alerting first)" in forced
        and "still waits for 2.2" in forced
    )


def test_a_quiet_day_says_nothing_waits(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=2, hours=1), findings=())
    data.update(quiet=True, reviews_waiting=[], forced_open=[])  # as on a day when nothing waits
    blocks = slack_accepts(digest_main_blocks(data))
    assert blocks[-1]["elements"][0]["text"] == "Nothing waits: no details today."


# -- a generated 2,000-story plan ---------------------------------------------------------------


def test_big_plan_main_message_fits_and_stays_short(big):
    blocks = slack_accepts(digest_main_blocks(big))
    assert len(blocks) <= 15
    assert "<!channel>" not in "\n".join(texts(blocks))


def test_big_plan_thread_fits_and_counts_what_it_leaves_out(big):
    blocks = slack_accepts(digest_thread_blocks(big))
    assert len(json.dumps(blocks, ensure_ascii=False)) <= MESSAGE_JSON_MAX
    sections = thread_sections(blocks)
    firsts = {t.split("\n")[0].split(":")[0]: t for t in sections}
    assert list(firsts) == [
        "🚦 *Gates*",
        "🏁 *Checkpoints*",
        "🔥 *Critical path*",
        "🏃 *Sprints*",
        "🔄 *Changes since Tue 10 Feb 09",
        "▶ *Startable*",
        "👀 *Reviews waiting*",
        "💤 *In progress, no event for 3+ work days*",
        "⚠ *Forced starts still open* (no lasting bypass)",
        "🔎 *Plan findings*",
        "⚠ *Earlier digests claimed but never sent*",
    ]  # every section has its place, even on a 2,000-story day
    for key, title in (
        ("reviews_waiting", "👀"),
        ("stale", "💤"),
        ("findings", "🔎"),
        ("stuck_claims", "⚠ *Earlier"),
    ):
        text = next(t for t in sections if t.startswith(title))
        shown, more = rows_and_more(text)
        assert shown >= 5 and shown + more == len(big[key]), key
    assert "<!channel>" not in "\n".join(texts(blocks))


def test_big_plan_thread_splits_long_sections_within_the_limits(big):
    blocks = slack_accepts(digest_thread_blocks(big, lines_per_section=400))
    assert len(blocks) <= 50 and len(json.dumps(blocks, ensure_ascii=False)) <= MESSAGE_JSON_MAX
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    starts = [i for i, t in enumerate(sections) if t.startswith("👀 *Reviews waiting*")]
    following = sections[starts[0] + 1]
    assert following.startswith("• ")  # the reviews go on in a second block
    shown = sum(t.count("• ") for t in sections[starts[0] : starts[0] + 3] if not t.startswith("💤"))
    assert shown > 15


def test_sprints_reopened_work_and_preparations_reach_the_message_and_its_thread(seed):
    data = watched(seed(MON + timedelta(days=3), since=MON))
    main = texts(slack_accepts(digest_main_blocks(data)))
    assert any(t.startswith("🏃 *Sprint 1* (1 of 4)") and t.endswith("⚠ 1 late: 1.2") for t in main)
    assert "↩ *Reopened*: 1.3 — ⚠ work started or done on top of it since: 2.1" in main
    assert "🧰 *Being prepared*: 4.1 (<@U0CID>)" in main
    sections = thread_sections(slack_accepts(digest_thread_blocks(data)))
    titles = [s.split("\n")[0] for s in sections]
    assert "🏃 *Sprints* of the 2-dev plan — ⚠ 1 story late" in titles
    assert "↩ *Reopened*: 1" in titles and "🧰 *Being prepared*: 1" in titles
    assert "<!channel>" not in "\n".join(sections)
