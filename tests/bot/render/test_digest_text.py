"""The daily digest in words: the channel message's summary lines and the details' text.

The data comes from `build_digest` on the seed plan driven through the real service (clock set
to chosen times), and on a generated 2,000-story plan (tests.helpers.bot). Counts of the seed
are read from its Markdown, not hard-coded; the Block Kit of the same digest is tested in
tests/bot/slack/blocks/test_digest.py.
"""

from datetime import timedelta

from bot.render.digest_text import digest_details_text, digest_summary_text
from tests.helpers.bot import (
    CRITICAL_STEPS,
    LINK,
    MON,
    NASTY,
    PR,
    SLUG,
    STORIES,
    behind,
    watched,
)
from tests.helpers.plans import read_seed

SEED_FINDINGS = read_seed().findings  # what the digest reports, not what it is tested on


# -- the seed plan, mid-delivery ----------------------------------------------------------------


def test_summary_text_is_the_headline_and_one_line_per_section(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=1, hours=12))
    text = digest_summary_text(data)
    lines = text.split("\n")
    assert len(lines) <= 12
    assert lines[0] == (
        f"*{SLUG} — 5/{STORIES} done · gate 2.2 (acceleration) in progress · 2 startable · "
        "1 review waiting · 1 forced start open*"
    )
    assert (
        f"🚦 *Gates*: 1.1 (entry) ✓ · 2.2 (acceleration) in progress, @ann, 2 work days, {behind('2.2')} waiting"
        in text
    )
    assert "🏁 *Checkpoints*: A 3/3 ✓ · B 1/3 · C 0/4 · D 0/2" in lines
    assert f"🔥 *Critical path*: at 2.2 (in progress, @ann, 2 work days), step 4 of {CRITICAL_STEPS}" in lines
    assert "🔄 *Changes since Tue 03 Mar 21:00*: 1 started" in lines
    assert "▶ *Startable*: 2 — ⚠ 2 unclaimed: 5.3, 5.4" in lines
    assert "👀 *Reviews waiting*: 1 — oldest 2.4, 2 work days" in lines
    assert any(line.startswith("⚠ *Forced starts still open*: 3.1") for line in lines)
    warnings = sum(f.severity == "warning" for f in SEED_FINDINGS)
    assert warnings and f"🔎 *Plan findings*: {len(SEED_FINDINGS)} ({warnings} warnings)" in lines
    assert "Quiet" not in text


def test_details_text_gives_every_section_with_links_owners_and_reasons(seed):
    data = seed(MON + timedelta(days=1, hours=2))  # Tuesday 11:00; first digest: the last day
    text = digest_details_text(data)
    assert text.startswith(f"*Digest details — {SLUG}, Tuesday 3 March*")
    assert (
        "  • 2.2 Argo App-of-Apps (acceleration): in progress, @ann since Tue 03 Mar 09:00 (0 work days)"
        in text
    )
    assert "  • A: 3/3 ✓ · proofs: preuves hardening + VPN + secrets" in text
    assert "  • … → 1.3 ✓ → 2.1 ✓ → *2.2* → 4.1 → 5.1 → 5.2" in text
    assert f"👀 2.4 sent to review by @cid, reviewer @bob — {PR}" in text
    assert "  • 2.4 — by @cid, reviewer @bob, waiting 0 work days — " + PR in text
    assert "  • ⚠ Unclaimed (2): 5.3, 5.4 — lane B has nobody: /team lane B @person" in text
    assert "Unclaimed — Dev B (security + compliance) (no one bound: /team lane B @someone)" in text
    monday = digest_details_text(seed(MON + timedelta(hours=6)))
    assert f"✅ 1.1 baseline hardening done, approved by @bob 🚦 gate entry passed — {LINK}" in monday


def test_user_text_is_escaped_in_the_summary_and_the_details(seed):
    data = seed(MON + timedelta(days=3), since=MON)
    data["plan"] = NASTY
    data["headline"] = NASTY + " — headline"
    summary, details = digest_summary_text(data), digest_details_text(data)
    assert "<!channel>" not in summary and "<!channel>" not in details
    assert "forced by @lea (&lt;!channel&gt; &amp; co alerting first)" in details


def test_a_quiet_day_says_so_in_the_summary(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=2, hours=1), findings=())
    data.update(quiet=True, reviews_waiting=[], forced_open=[])  # as on a day when nothing waits
    assert "😌 Quiet: nothing changed and nothing waits." in digest_summary_text(data)


# -- a generated 2,000-story plan ---------------------------------------------------------------


def test_big_plan_digest_has_a_lot_to_say(big):
    assert big["total"] == 2000
    assert len(big["reviews_waiting"]) > 15 and len(big["stale"]) > 15 and len(big["forced_open"]) > 15
    assert big["startable"]["count"] > 15 and big["startable"]["unclaimed"] and big["startable"]["by_owner"]
    assert len(big["gates"]) == 12 and len(big["findings"]) == 300


def test_big_plan_summary_stays_short_with_the_open_gates_first(big):
    text = digest_summary_text(big)
    assert len(text.split("\n")) <= 12
    gates = next(line for line in text.split("\n") if line.startswith("🚦"))
    open_gates = [g["story"] for g in big["gates"] if g["state"] != "done"]
    assert len(open_gates) > 5
    assert gates.startswith(f"🚦 *Gates*: {open_gates[0]} (")  # the open gates first, then a count
    assert gates.endswith(f" · +{len(open_gates) - 5} more open · {12 - len(open_gates)} passed ✓")
    assert "<!channel>" not in text


def test_big_plan_details_text_is_capped(big):
    text = digest_details_text(big)
    assert f"… and {len(big['stale']) - 15:,} more" in text
    assert f"… and {len(big['findings']) - 15:,} more" in text
    assert len(text.split("\n")) < 200


# -- sprints, reopened stories, preparations -----------------------------------------------------


def test_the_summary_gives_the_current_sprint_reopened_work_and_preparations(seed):
    first = read_seed().mode(2).sprints[0]
    lines = digest_summary_text(watched(seed(MON + timedelta(days=3)))).split("\n")
    n = len(first.stories)
    assert f"🏃 *{first.name}* (1 of 4): 0/{n} done · 1 in progress · ⚠ 1 late: 1.2" in lines
    assert "↩ *Reopened*: 1.3 — ⚠ work started or done on top of it since: 2.1" in lines
    assert "🧰 *Being prepared*: 4.1 (<@U0CID>)" in lines


def test_the_details_give_every_sprint_the_late_stories_reopened_work_and_preparations(seed):
    sprints = read_seed().mode(2).sprints
    text = digest_details_text(watched(seed(MON + timedelta(days=3))))
    lines = text.split("\n")
    at = lines.index("🏃 *Sprints* of the 2-dev plan — ⚠ 1 story late")
    first = sprints[0]
    assert lines[at + 1] == (f"  • *{first.name}* (current): 0/{len(first.stories)} done · 1 in progress — "
                             f"open: {', '.join(first.stories)}")
    assert lines[at + 2] == f"  • {sprints[1].name}: 0/{len(sprints[1].stories)} done (started)"
    assert f"  • ⚠ &lt;!channel&gt; &amp; co is late against {first.name}: to do" in lines
    assert ("  • 1.3 — reopened Tue 03 Mar 10:00, in progress, @ann; ⚠ started or done on top of it since: "
            "2.1 (in review)") in lines
    assert "  • 4.1 PostgreSQL persistant — prepared by <@U0CID> since 2 Mar, 3 work days; waits for 2.2" in lines


def test_the_seed_digest_says_the_three_dev_plan_has_no_sprints(seed):
    data = seed(MON + timedelta(days=3))
    assert "🏃" not in digest_summary_text(data)  # the summary keeps to what there is
    lines = digest_details_text(data).split("\n")
    assert lines[lines.index("🏃 *Sprints*") + 1] == "  • The 3-dev plan has no sprints."
