"""The daily digest as people read it: the channel's short message, its thread, the text fallback.

The data comes from `build_digest` on the seed plan driven through the real service (clock set
to chosen times), and on a generated 2,000-story plan that must still fit Slack's limits.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakeslack.blocks import check_blocks as fake_check_blocks

from bot.bootstrap import import_plan
from bot.render.digest_text import digest_details_text, digest_summary_text, summary_lines
from bot.service.delivery import DeliveryService
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks
from bot.slack.blocks.limits import MESSAGE_JSON_MAX, check_message
from planner.calendar import WorkCalendar
from planner.digest import build_digest
from planner.graph import PlanGraph
from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Story
from planner.staffing import Staffing
from planner.state import Action, Event, State, fold_events
from tests.bot.conftest import LINK, SEED

TZ = ZoneInfo("Europe/Paris")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
PR = "https://git.example.com/infra/pull/7"
NASTY = "<!channel> & co"


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


@pytest.fixture
def seed(store):
    """The seed on Thursday 5 March: Epic 1 and 2.1 done, gate 2.2 in progress since Tuesday,
    2.4 in review since Tuesday, a forced start still open, lane A bound, lane B not."""
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    now = {"t": MON}
    service = DeliveryService(store, clock=lambda: now["t"])

    def at(when, actor, text):
        now["t"] = when
        reply = service.handle(actor, text)
        assert reply.ok, reply.text

    for i, sid in enumerate(("1.1", "1.3", "1.4", "2.1", "1.2")):
        when = MON + timedelta(hours=i)
        at(when, "ann", f"/start {sid}")
        at(when + timedelta(minutes=20), "ann", f"/review {sid} {PR} @bob")
        at(when + timedelta(minutes=40), "bob", f"/done {sid} {LINK}")
    at(MON + timedelta(days=1), "lea", "/team lane A @ann")
    at(MON + timedelta(days=1), "ann", "/start 2.2")
    at(MON + timedelta(days=1), "cid", "/start 2.4")
    at(MON + timedelta(days=1, hours=1), "cid", f"/review 2.4 {PR} @bob")
    at(MON + timedelta(days=2), "lea", f"/start 3.1 force {NASTY} alerting first")

    def digest(when, **kw):
        ctx = service.context()
        return build_digest(
            ctx.staffing,
            ctx.statuses,
            store.events(ctx.slug),
            now=when,
            tz=TZ,
            calendar=WorkCalendar(),
            plan_name=ctx.slug,
            **kw,
        )

    return digest


def test_summary_text_is_the_headline_and_one_line_per_section(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=1, hours=12))
    text = digest_summary_text(data)
    lines = text.split("\n")
    assert len(lines) <= 12
    assert lines[0] == (
        "*k3s-mono-pgsql — 5/18 done · gate 2.2 (acceleration) in progress · 2 startable · "
        "1 review waiting · 1 forced start open*"
    )
    assert "🚦 *Gates*: 1.1 (entry) ✓ · 2.2 (acceleration) in progress, @ann, 2 work days, 9 waiting" in text
    assert "🏁 *Checkpoints*: A 3/3 ✓ · B 1/3 · C 0/4 · D 0/2" in lines
    assert "🔥 *Critical path*: at 2.2 (in progress, @ann, 2 work days), step 4 of 7" in lines
    assert "🔄 *Changes since Tue 03 Mar 21:00*: 1 started" in lines
    assert "▶ *Startable*: 2 — ⚠ 2 unclaimed: 5.3, 5.4" in lines
    assert "👀 *Reviews waiting*: 1 — oldest 2.4, 2 work days" in lines
    assert any(line.startswith("⚠ *Forced starts still open*: 3.1") for line in lines)
    assert "🔎 *Plan findings*: 4 (4 warnings)" in lines
    assert "Quiet" not in text


def test_details_text_gives_every_section_with_links_owners_and_reasons(seed):
    data = seed(MON + timedelta(days=1, hours=2))  # Tuesday 11:00; first digest: the last day
    text = digest_details_text(data)
    assert text.startswith("*Digest details — k3s-mono-pgsql, 2026-03-03*")
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


def test_user_text_is_escaped_everywhere(seed):
    data = seed(MON + timedelta(days=3), since=MON)
    data["plan"] = NASTY
    data["headline"] = NASTY + " — headline"
    rendered = [digest_summary_text(data), digest_details_text(data)]
    rendered += texts(digest_main_blocks(data)) + texts(digest_thread_blocks(data))
    joined = "\n".join(rendered)
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
        "text": {"type": "plain_text", "text": "Daily digest — k3s-mono-pgsql", "emoji": True},
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
        "🔄 *Changes since Mon 02 Mar 09:00*",
        "▶ *Startable*: 2",
        "👀 *Reviews waiting*: 1",
        "⚠ *Forced starts still open* (no lasting bypass): 1",
        "🔎 *Plan findings*: 4",
    ]
    forced = sections[6]
    assert (
        "• 3.1 — forced by @lea (&lt;!channel&gt; &amp; co alerting first)" in forced
        and "still waits for 2.2" in forced
    )


def test_a_quiet_day_says_nothing_waits(seed):
    data = seed(MON + timedelta(days=3), since=MON + timedelta(days=2, hours=1), findings=())
    data.update(quiet=True, reviews_waiting=[], forced_open=[])  # as on a day when nothing waits
    blocks = slack_accepts(digest_main_blocks(data))
    assert blocks[-1]["elements"][0]["text"] == "Nothing waits: no details today."
    assert "😌 Quiet: nothing changed and nothing waits." in digest_summary_text(data)


# -- a generated 2,000-story plan ---------------------------------------------------------------


def big_digest():
    """2,000 stories in epics of 20 chained stories, a dozen gates, four lanes (B and C bound), a
    300-step critical path; a few hundred stories started, reviewed, done or forced, over weeks."""
    sids = [f"{1 + i // 20}.{1 + i % 20}" for i in range(2000)]
    edges = tuple((sids[i - 1], sids[i]) for i in range(1, 2000) if i % 20)
    stories = tuple(Story(s, title=NASTY if i == 7 else f"task {i} " + "x" * 60) for i, s in enumerate(sids))
    kinds = ("acceleration", "data", "recovery")
    gates = (Gate(sids[0], "entry"),) + tuple(Gate(sids[160 * k], kinds[k % 3]) for k in range(1, 12))
    lanes = tuple(
        Lane(key, f"lane {key.lower()}", tuple(s for i, s in enumerate(sids) if i // 20 % 4 == k))
        for k, key in enumerate("ABCD")
    )  # an epic per lane, in turn
    plan = Plan(
        title="big",
        stories=stories,
        edges=edges,
        gates=gates,
        critical_path=tuple(sids[:300]),
        modes=(Mode(devs=4, recommended=True, lanes=lanes),),
        checkpoints=tuple(Checkpoint(c, tuple(sids[k * 400 : (k + 1) * 400])) for k, c in enumerate("ABCDE")),
        findings=tuple(
            Finding("warning", "unassigned", f"{s} is in no lane " + "y" * 200) for s in sids[:300]
        ),
    )
    staffing = Staffing(PlanGraph(plan), 4, {"B": "U0BOB", "C": "U0CID"})
    events, at = [], MON - timedelta(days=40)

    def move(sid, action, before, after, actor="U0ALICE", **kw):
        events.append(Event(sid, action, actor, before, after, at, **kw))

    for i, sid in enumerate(sids[:900]):
        at += timedelta(minutes=60)
        if i % 20 and i % 7 == 3:  # a lead forced it while the previous story was still open
            move(sid, Action.FORCE_START, State.TODO, State.IN_PROGRESS, "U0LEA", reason=NASTY + " hurry")
            continue
        if i % 20 and events and events[-1].to_state != State.DONE:
            continue
        move(sid, Action.START, State.TODO, State.IN_PROGRESS)
        if i % 5 == 4:
            continue  # stays in progress, soon stale
        move(sid, Action.REVIEW, State.IN_PROGRESS, State.REVIEW, evidence=f"{PR}/{i}", reviewer="U0BOB")
        if i % 6 == 5:
            continue  # waits for review
        move(sid, Action.DONE, State.REVIEW, State.DONE, "U0BOB", evidence=f"{LINK}/{i}")
    statuses = fold_events(sids, events)
    stuck = [
        {"local_date": f"2026-02-{d:02d}", "claimed_at": "2026-02-01T09:00:00+01:00"} for d in range(1, 29)
    ]
    return build_digest(
        staffing,
        statuses,
        events,
        now=MON,
        tz=TZ,
        calendar=WorkCalendar(),
        since=MON - timedelta(days=20),
        stuck_claims=stuck,
        plan_name="big",
    )


@pytest.fixture(scope="module")
def big():
    return big_digest()


def test_big_plan_digest_has_a_lot_to_say(big):
    assert big["total"] == 2000
    assert len(big["reviews_waiting"]) > 15 and len(big["stale"]) > 15 and len(big["forced_open"]) > 15
    assert big["startable"]["count"] > 15 and big["startable"]["unclaimed"] and big["startable"]["by_owner"]
    assert len(big["gates"]) == 12 and len(big["findings"]) == 300


def test_big_plan_main_message_fits_and_stays_short(big):
    blocks = slack_accepts(digest_main_blocks(big))
    assert len(blocks) <= 15
    text = digest_summary_text(big)
    assert len(text.split("\n")) <= 12
    gates = next(line for line in text.split("\n") if line.startswith("🚦"))
    open_gates = [g["story"] for g in big["gates"] if g["state"] != "done"]
    assert len(open_gates) > 5
    assert gates.startswith(f"🚦 *Gates*: {open_gates[0]} (")  # the open gates first, then a count
    assert gates.endswith(f" · +{len(open_gates) - 5} more open · {12 - len(open_gates)} passed ✓")
    assert "<!channel>" not in text


def test_big_plan_thread_fits_and_counts_what_it_leaves_out(big):
    blocks = slack_accepts(digest_thread_blocks(big))
    assert len(json.dumps(blocks, ensure_ascii=False)) <= MESSAGE_JSON_MAX
    sections = thread_sections(blocks)
    firsts = {t.split("\n")[0].split(":")[0]: t for t in sections}
    assert list(firsts) == [
        "🚦 *Gates*",
        "🏁 *Checkpoints*",
        "🔥 *Critical path*",
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


def test_big_plan_details_text_is_capped(big):
    text = digest_details_text(big)
    assert f"… and {len(big['stale']) - 15:,} more" in text
    assert f"… and {len(big['findings']) - 15:,} more" in text
    assert len(text.split("\n")) < 200
