"""The local console: the same service as Slack, typed in a terminal, answered in plain text, with
tab completion drawn from the command table."""

import io

import pytest

from bot.bootstrap import import_plan
from bot.console import candidates, plain, run_console
from bot.service.delivery import DeliveryService
from bot.service.table import COMMANDS, completions
from tests.helpers.bot import SEED

LINK = "https://ci.example.com/run/1"
WORDS = completions()


@pytest.mark.parametrize(("line", "expected"), [
    ("/te", ["/team"]),
    ("/team m", ["mode"]),
    ("/team ", sorted(s.word for s in next(c for c in COMMANDS if c.name == "team").subcommands)),
    ("/d", ["/delivery", "/digest", "/done"]),
    ("/board ", ["graph"]),
    ("/status g", ["graph"]),  # the board's first name, which the console still takes
    ("/next ", []),
    ("/nope", []),
    ("/team mode 3", []),  # nothing completes a free word
])
def test_completion_offers_commands_then_their_sub_commands(line, expected):
    assert candidates(WORDS, line) == expected


def test_completion_knows_every_command_and_alias():
    assert candidates(WORDS, "/") == sorted(f"/{name}" for c in COMMANDS for name in (c.name, *c.aliases))


def test_plain_drops_bold_and_slack_escapes():
    assert plain("*1.1 baseline* &lt;reason&gt; &amp; co") == "1.1 baseline <reason> & co"


@pytest.fixture
def service(store):
    """The seed plan and no lead yet: the console makes its first user one."""
    import_plan(store, SEED)
    return DeliveryService(store)


def test_the_console_answers_help_and_commands_in_plain_text(service):
    out = io.StringIO()
    script = io.StringIO("/help\n\n/unblocked\n/as not a name!\n")
    assert run_console(service, actor="ann", stdin=script, stdout=out) == 0  # stops at the end of input
    text = out.getvalue()
    assert "you, @ann, are the first lead" in text and service.store.is_lead("ann")
    assert "deliverybot keeps the delivery plan honest" in text  # no mrkdwn stars
    assert "/start ID force <reason>" in text  # entities back to characters
    assert all(f"{c.synopsis} — {c.summary}" in text for c in COMMANDS)
    assert "1.1 baseline hardening" in text
    assert "usage: /as NAME" in text


def test_console_switches_people_and_shows_notifications(service):
    out = io.StringIO()
    script = io.StringIO(f"/start 1.1\n/review 1.1 {LINK} @bob\n/as bob\n/done 1.1 {LINK}\n/quit\n/unblocked\n")
    assert run_console(service, actor="ann", stdin=script, stdout=out) == 0
    text = out.getvalue()
    assert "you, @ann, are the first lead" in text
    assert "@ann started 1.1" in text and "you are now @bob" in text
    assert "→ DM @bob: @ann asks you to review 1.1" in text
    assert "Gate passed (entry)" in text
    assert "Startable now" not in text  # nothing runs after /quit


def test_console_names_are_one_person_whatever_the_spelling(service):
    out = io.StringIO()
    script = io.StringIO(f"/start 1.1\n/review 1.1 {LINK}\n/as @ANN\n/done 1.1 {LINK}\n/as Bob\n/done 1.1 {LINK}\n")
    assert run_console(service, actor="Ann", stdin=script, stdout=out) == 0
    text = out.getvalue()
    assert "you, @ann, are the first lead" in text and service.store.is_lead("ann")
    assert "you are now @ann" in text and "you are now @bob" in text
    assert service.store.status("k3s-mono-pgsql", "1.1").state == "done"
    done = [e for e in service.store.events("k3s-mono-pgsql", "1.1") if e.action.value == "done"]
    assert [e.actor for e in done] == ["bob"]  # @ANN was ann: four eyes refused her
