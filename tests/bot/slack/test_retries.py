"""Slack resends an event it thinks failed: a second delivery of the same event id is dropped,
and the memory of handled ids stays bounded, forgetting the oldest first."""

from bot.slack.retries import SeenEvents


def test_a_repeated_event_id_is_dropped():
    seen = SeenEvents()
    assert seen.first_time("Ev01")
    assert not seen.first_time("Ev01")
    assert not seen.first_time("Ev01")
    assert seen.first_time("Ev02")


def test_an_event_without_an_id_is_always_handled():
    seen = SeenEvents(size=2)
    assert seen.first_time(None) and seen.first_time(None)
    assert seen.first_time("") and seen.first_time("")
    assert seen.first_time("Ev01") and seen.first_time("Ev02") and not seen.first_time("Ev01")  # not counted


def test_the_oldest_id_is_forgotten_beyond_the_size():
    seen = SeenEvents(size=3)
    for event in ("Ev1", "Ev2", "Ev3", "Ev4"):
        assert seen.first_time(event)
    assert not seen.first_time("Ev2") and not seen.first_time("Ev3") and not seen.first_time("Ev4")
    assert seen.first_time("Ev1")  # forgotten: a retry this late is handled again


def test_the_default_remembers_thousands_of_events():
    seen = SeenEvents()
    for i in range(4000):
        seen.first_time(f"Ev{i}")
    assert not seen.first_time("Ev0")
