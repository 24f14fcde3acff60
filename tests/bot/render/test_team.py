"""What /team says: the mode (and whether it is the recommended one), each lane's person, the
floating stories, the leads, four eyes — and the confirmations of a lead's changes."""

from bot.render.team import (
    channel_bound,
    digest_rescheduled,
    holiday_changed,
    holidays_listed,
    lane_bound,
    lead_added,
    mode_switched,
    quiet_switched,
    solo_switched,
    team_text,
)
from planner.model import Mode
from tests.helpers.bot import NASTY, NASTY_ESCAPED

LANES = [{"lane": "A", "label": "platform core", "person": "U0ANN", "stories": ["1.1", "1.2"]},
         {"lane": "B", "label": "", "person": None, "stories": ["2.1"]}]


def test_the_recommended_mode_is_marked_and_a_plan_without_leads_says_none_yet():
    lines = team_text("k3s", Mode(3, recommended=True), LANES, [], [2, 3, 4], False).split("\n")
    assert lines[0] == "*Team of k3s*: 3-dev plan (recommended)"
    assert "Leads: none yet" in lines


def test_another_mode_is_not_marked_recommended():
    first = team_text("k3s", Mode(2), LANES, ["lea"], [2, 3], False).split("\n")[0]
    assert first == "*Team of k3s*: 2-dev plan"


def test_each_lane_names_its_person_or_nobody_and_counts_its_stories():
    text = team_text("k3s", Mode(3), LANES, ["U0LEA", "bob&co"], [3], True)
    assert "  • Dev A (platform core): <@U0ANN> — 2 stories" in text
    assert "  • Dev B: nobody — 1 stories" in text
    assert "Leads: <@U0LEA>, @bob&amp;co" in text


def test_floating_stories_are_listed_and_four_eyes_is_stated():
    on = team_text("k3s", Mode(3, floating=("5.1", "5.2")), [], ["lea"], [2, 3, 4], False)
    assert "  • Floating: 5.1, 5.2" in on
    assert on.endswith("Modes: 2, 3, 4 · four eyes: on")
    off = team_text("k3s", Mode(3), [], ["lea"], [3], True)
    assert "Floating" not in off and off.endswith("four eyes: off (solo allowed)")


def test_a_plan_with_no_modes_says_so_and_plan_text_is_escaped():
    text = team_text(NASTY, None, [], [], [], False)
    assert text.split("\n")[0] == f"*Team of {NASTY_ESCAPED}*: the plan has no staffing modes"
    assert "<!channel>" not in text
    labelled = team_text("k3s", Mode(3), [{**LANES[0], "label": NASTY}], [], [3], False)
    assert f"Dev A ({NASTY_ESCAPED})" in labelled


def test_the_team_of_the_seed_plan_as_a_lead_sees_it(service):
    text = service.handle("ann", "/team").text
    assert "-dev plan (recommended)" in text.split("\n")[0]
    assert "Leads: @lea" in text
    assert service.handle("lea", "/team mode 2").ok
    assert "(recommended)" not in service.handle("ann", "/team").text.split("\n")[0]


def test_confirmations_name_the_lead_and_the_person():
    assert mode_switched("U0LEA", "k3s", 2) == "<@U0LEA> switched k3s to the 2-dev plan."
    assert lane_bound("A", "U0ANN") == "Lane A is now <@U0ANN>'s."
    assert lane_bound("A", None) == "Lane A is now unbound."
    assert lead_added("bob<x>") == "@bob&lt;x&gt; is now a lead."


def test_switches_say_what_is_now_in_force():
    assert solo_switched(True, "U0LEA", "k3s") == (
        "⚠ <@U0LEA> turned four eyes off for k3s: authors may now approve their own stories. "
        "Every digest says so until a lead runs /team solo off.")
    assert solo_switched(False, "U0LEA", "k3s") == (
        "<@U0LEA> turned four eyes back on for k3s: someone other than the author approves.")
    assert "skip" in quiet_switched(True) and "every work day" in quiet_switched(False)
    assert holiday_changed("2026-05-01", removed=False) == "2026-05-01 is now a holiday: no digest that day."
    assert holiday_changed("2026-05-01", removed=True).startswith("2026-05-01 is no longer a holiday")
    assert holidays_listed("k3s", []) == "Holidays of k3s: none."
    assert holidays_listed("k3s", ["2026-05-01", "2026-05-08"]) == "Holidays of k3s: 2026-05-01, 2026-05-08."


def test_digest_and_channel_confirmations_escape_what_was_typed():
    assert digest_rescheduled("k3s", NASTY) == f"The digest of k3s now goes out at {NASTY_ESCAPED}."
    assert channel_bound(NASTY, "#ops") == f"{NASTY_ESCAPED} now announces in #ops."
