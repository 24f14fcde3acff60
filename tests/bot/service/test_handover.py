"""The plan's section 8, worked as the team that wrote it would, through `deliverybot cmd`:
Dev A starts 1.1 while Dev B prepares 1.4 and Dev C prepares 3.1; nobody else takes a prepared
story; the preparer is told first; hand-overs, releases, four eyes on the work and the forced
start that stays a bypass until its prerequisites are done. Every refusal writes nothing."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from storage.store import Store
from tests.helpers.bot import SEED, SLUG

PR, CI, PROOF = "https://git.example.com/infra/pull/11", "https://ci.example.com/run/11", "https://wiki.example.com/p"


@pytest.fixture
def team(tmp_path, monkeypatch, capsys):
    """A mode-3 team on the bundled plan: lea leads; lanes A alice, B bob, C carol."""
    url = f"sqlite:///{tmp_path}/team.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "import", str(SEED), "--lead", "lea"]) == 0
    capsys.readouterr()

    class Team:
        store = Store(url)

        def __call__(self, who: str, text: str, expect: int = 0) -> dict:
            before = len(self.store.events(SLUG)) + len(self.store.audit(SLUG))
            code = main(["cmd", "--as", who, "--json", text])
            out = json.loads(capsys.readouterr().out)
            assert code == expect, f"{who} {text}: {out['text']}"
            if expect:
                assert len(self.store.events(SLUG)) + len(self.store.audit(SLUG)) == before, "a refusal wrote"
            return out

        def dms(self, out: dict) -> list[tuple[str, str]]:
            return [(n["to"], n["text"]) for n in out["notifications"] if n["kind"] == "dm"]

    t = Team()
    for words in ("mode 3", "lane A @alice", "lane B @bob", "lane C @carol"):
        t("lea", f"/team {words}")
    yield t
    t.store.close()


def test_section_8_prepare_while_1_1_is_worked_then_the_preparers_go_first(team):
    team("alice", "/start 1.1")
    prepared = team("bob", "/prepare 1.4")
    assert prepared["data"]["story"] == "1.4" and prepared["data"]["action"] == "prepare"
    assert prepared["text"] == "🛠 @bob is preparing 1.4 while it waits."
    team("carol", "/prepare 3.1")
    assert "prepared by @bob" in team("carol", "/prepare 1.4", expect=1)["text"]
    assert team("carol", "/start 1.4", expect=1)["data"]["error"] == "not-startable"

    team("alice", f"/review 1.1 {PR} {CI} @bob hardening + VPN ok")
    done = team("lea", f"/done 1.1 {PROOF}")  # a lead, in the named reviewer's place
    dms = team.dms(done)
    # Told first, in one DM that asks for one story: the one /next offers.
    assert dms[0] == ("bob", "1.1 is done: 1.4 is yours (you prepared it) — /start 1.4\n"
                             "Also startable in your lane: 2.4, 5.3.")
    assert [to for to, _ in dms].count("bob") == 1
    assert "1.4" in team("bob", "/next")["text"]
    refused = team("carol", "/start 1.4", expect=1)
    assert refused["data"]["error"] == "prepared-by-other"
    assert refused["text"].startswith("1.4 is prepared by @bob since ")
    assert "a lead can override: /start 1.4 force &lt;reason&gt;" in refused["text"]
    started = team("bob", "/start 1.4")
    assert started["data"]["person"] is None and "lane" not in started["text"]
    # 3.1 still waits for the acceleration gate: carol keeps preparing it.
    assert "prepared by @carol" in team("bob", "/board 3.1")["text"]


def test_the_evidence_is_every_link_and_a_note_and_each_link_is_checked(team):
    team("alice", "/start 1.1")
    bad = team("alice", f"/review 1.1 {PR} javascript:alert(1)", expect=1)
    assert bad["text"].startswith("Can't send 1.1 to review: evidence links must start with http:// or https://")
    sent = team("alice", f"/review 1.1 {PR} {CI} @bob hardening + VPN + secrets")
    assert sent["text"] == (f"👀 1.1 baseline hardening is in review — {PR} {CI} — reviewer @bob. "
                            "Note: hardening + VPN + secrets")
    [(to, dm)] = team.dms(sent)
    assert to == "bob" and "Note: hardening + VPN + secrets" in dm
    [event] = [e for e in team.store.events(SLUG, "1.1") if e.action == "review"]
    assert (event.evidence, event.reviewer, event.reason) == (f"{PR} {CI}", "bob", "hardening + VPN + secrets")


def test_a_named_reviewer_or_a_lead_approves_and_is_asked_again_after_changes(team):
    team("alice", "/start 1.1")
    team("alice", f"/review 1.1 {PR} @bob")
    third = team("carol", f"/done 1.1 {PROOF}", expect=1)
    assert third["text"].startswith("1.1 waits for @bob's review: only the named reviewer or a lead approves it.")
    team("bob", "/review 1.1 changes add the VPN proof")
    again = team("alice", f"/review 1.1 {PR} {CI}")
    assert "reviewer @bob" in again["text"]
    assert team.dms(again) == [("bob", f"@alice asks you to review 1.1 baseline hardening again — {PR} {CI}.\n"
                                       "Approve: /done 1.1 &lt;evidence link&gt; · Request changes: /review 1.1 changes &lt;what&gt;")]
    team("lea", f"/done 1.1 {PROOF}")  # a lead may approve in the reviewer's place


def test_whoever_sent_it_to_review_cannot_approve_it_even_after_handing_it_over(team):
    team("alice", "/start 1.1")
    team("alice", "/assign 1.1 @carol")
    team("carol", f"/review 1.1 {PR}")
    for author in ("alice", "carol"):
        refused = team(author, f"/done 1.1 {PROOF}", expect=1)
        assert refused["data"]["error"] == "four-eyes"
        assert refused["text"].startswith("You did 1.1 (you held it or sent it to review this round)")
    team("bob", f"/done 1.1 {PROOF}")


def test_hand_over_and_release_are_announced_and_tell_the_people_concerned(team):
    team("alice", "/start 1.1")
    assert team("bob", "/assign 1.1 @bob", expect=1)["text"].startswith(
        "1.1 is held by @alice; only they or a lead can hand it over or release it.")
    handed = team("lea", "/assign 1.1 @carol")
    assert handed["text"] == "🤝 @lea handed 1.1 baseline hardening from @alice to @carol."
    assert handed["notifications"][0]["kind"] == "channel"
    assert sorted(team.dms(handed)) == [
        ("alice", "@lea handed your 1.1 baseline hardening to @carol."),
        ("carol", "@lea handed you 1.1 baseline hardening (from @alice). When it is ready: /review 1.1 &lt;link&gt;")]
    released = team("carol", "/release 1.1")
    assert released["text"].startswith("↩ @carol released 1.1 baseline hardening: it is back in to-do.")
    assert released["data"]["newly_startable"] == ["1.1"]
    assert team.dms(released) == [("alice", "Now startable in your lane: 1.1 baseline hardening. "
                                            "Take it with /start 1.1.")]
    assert team("alice", "/release 1.1", expect=1)["data"]["error"] == "not-started"


def test_taking_a_story_of_another_lane_is_allowed_said_and_recorded(team):
    took = team("bob", "/start 1.1")
    assert took["text"] == ("▶ @bob started 1.1 baseline hardening (from @alice's lane).\n"
                            "You took 1.1 from @alice's lane: they are told, and its history shows it.")
    assert took["data"]["person"] == "alice"
    assert team.dms(took) == [("alice", "@bob took 1.1 baseline hardening from your lane.")]
    [event] = team.store.events(SLUG, "1.1")
    assert (event.actor, event.person) == ("bob", "alice")


def test_a_forced_start_stays_a_bypass_until_its_prerequisites_are_done(team):
    team("alice", "/start 1.1")
    team("lea", "/start 1.4 force the audit is tomorrow")
    team("lea", "/assign 1.4 @bob")
    team("bob", f"/review 1.4 {PR}")
    held = team("carol", f"/done 1.4 {PROOF}", expect=1)
    assert held["text"] == ("1.4 can't be done while 1.1 (in progress, @alice) is not done (no lasting bypass).\n"
                            "Keep it in review; it can be approved once they are done.")
    team("alice", f"/review 1.1 {PR}")
    team("carol", f"/done 1.1 {PROOF}")
    team("carol", f"/done 1.4 {PROOF}")


def test_a_lead_overrides_a_preparation_with_a_reason_and_the_preparer_hears_it(team):
    team("alice", "/start 1.1")
    team("bob", "/prepare 1.4")
    team("alice", f"/review 1.1 {PR}")
    team("carol", f"/done 1.1 {PROOF}")
    forced = team("lea", "/start 1.4 force bob is on leave")
    assert forced["data"]["person"] == "bob" and forced["data"]["action"] == "start"  # nothing to bypass
    assert forced["text"] == "▶ @lea started 1.4 over @bob's preparation. Reason: bob is on leave"
    assert "bypass" not in team("lea", "/board 1.4")["text"]
    assert ("bob", "@lea started 1.4, which you were preparing (a lead's override). Reason: bob is on leave") in \
        team.dms(forced)
    assert team("bob", "/prepare 1.4 off", expect=1)["data"]["error"] == "not-preparer"


def test_a_lead_ends_a_preparation_and_the_preparer_is_told(team):
    team("alice", "/start 1.1")
    team("bob", "/prepare 1.4")
    assert team("carol", "/prepare 1.4", expect=1)["text"].startswith("1.4 is already prepared by @bob since ")
    ended = team("lea", "/prepare 1.4 off")
    assert ended["text"] == "🛠 @lea ended @bob's preparation of 1.4."
    assert team.dms(ended) == [("bob", "@lea ended your preparation of 1.4.")]


def test_a_review_nobody_was_named_for_is_proposed_to_who_can_take_it(team):
    team("alice", "/start 1.1")
    team("alice", f"/review 1.1 {PR}")
    assert team("lea", "/next")["data"]["story"] == "1.1"  # a lead without a lane: first thing
    assert team("alice", "/next")["data"]["story"] != "1.1"  # never to who did it


def test_a_reopened_story_tells_its_holder_and_holds_back_the_gate_announcements_after_it(team):
    def deliver(story: str, by: str, approver: str) -> dict:
        team(by, f"/start {story}")
        team(by, f"/review {story} {PR}")
        return team(approver, f"/done {story} {PROOF}")

    deliver("1.1", "alice", "bob")
    deliver("1.3", "alice", "bob")
    deliver("2.1", "alice", "bob")
    team("alice", "/start 2.2")
    team("alice", f"/review 2.2 {PR}")
    reopened = team("lea", "/start 1.3 reopen the VPN proof was for staging")
    assert team.dms(reopened) == [("alice", "@lea reopened 1.3; it is yours again, in progress. Reason: the VPN "
                                            "proof was for staging\nWhen it is ready: /review 1.3 &lt;link&gt;")]
    gate = team("carol", f"/done 2.2 {PROOF}")  # 2.2 waits on 2.1 (done), which rests on the reopened 1.3
    assert gate["text"].startswith("✅ 2.2 Argo App-of-Apps is done, approved by @carol")
    assert "Gate passed" not in gate["notifications"][0]["text"]
    team("alice", f"/review 1.3 {PR}")
    again = team("bob", f"/done 1.3 {PROOF}")
    assert again["text"].split("\n")[1] == ("🚦 Gate passed (acceleration): 2.2 Argo App-of-Apps — held back while 1.3 "
                                            "was reopened.")
    passed = deliver("4.1", "carol", "bob")  # nothing reopened any more: the data gate is announced
    assert passed["text"].startswith("🚦 Gate passed (data): ✅ 4.1 PostgreSQL persistant is done")


def test_every_link_is_checked_wherever_it_stands_and_a_typed_list_keeps_its_links(team):
    team("alice", "/start 1.1")
    slipped = team("alice", f"/review 1.1 {PR} voir aussi javascript:alert(1)", expect=1)
    assert slipped["data"]["error"] == "bad-link"
    sent = team("alice", f"/review 1.1 {PR}, {CI} voir la CI")
    [event] = [e for e in team.store.events(SLUG, "1.1") if e.action == "review"]
    assert (event.evidence, event.reason) == (f"{PR} {CI}", "voir la CI") and sent["ok"]
