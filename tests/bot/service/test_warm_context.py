"""The service keeps its plan warm (issue 13): its own moves are applied to the cached context, a
write by anyone else (another replica, another process) is learned from the plan's change
counter, and a plan is read from its text at most once (after that, from the copy stored beside
it). Two services on one real SQLite file stand for two replicas."""

from __future__ import annotations

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from planner.stored import reader_key
from storage.store import Store
from tests.helpers.bot import LINK, SEED, SLUG


@pytest.fixture
def replicas(tmp_path):
    """Two services, each with its own store and cache, on one database file."""
    url = f"sqlite:///{tmp_path}/shared.db"
    first = Store(url)
    import_plan(first, SEED)
    first.add_lead("lea", "test")
    return DeliveryService(first), DeliveryService(Store(url))


def counting_reloads(service: DeliveryService, monkeypatch) -> list[str]:
    """Each time `service` reads all of a plan's moved stories (a whole-context reload)."""
    reads: list[str] = []
    states = service.store.plan_states

    def counted(slug):
        reads.append(slug)
        return states(slug)

    monkeypatch.setattr(service.store, "plan_states", counted)
    return reads


def counting_catch_ups(service: DeliveryService, monkeypatch) -> list[int]:
    """How many events each catch-up of `service` read (the moves since its cached version)."""
    read: list[int] = []
    changes_after = service.store.changes_after

    def counted(slug, after_event):
        news = changes_after(slug, after_event)
        read.append(news.events)
        return news

    monkeypatch.setattr(service.store, "changes_after", counted)
    return read


def state_of(service: DeliveryService, story: str) -> str:
    return service.context().status(story).state.value


def test_own_moves_are_applied_without_reloading_the_plan(replicas, monkeypatch):
    ann, _other = replicas
    assert ann.handle("ann", "/unblocked").ok
    reloads = counting_reloads(ann, monkeypatch)
    for text, actor in (("/start 1.1", "ann"), (f"/review 1.1 {LINK} @bob", "ann"), (f"/done 1.1 {LINK}", "bob")):
        reply = ann.handle(actor, text)
        assert reply.ok, reply.text
        after = ann.handle("carol", "/unblocked")
        assert after.ok
    assert reloads == []  # three moves, three answers after them: the plan's states never read again
    assert state_of(ann, "1.1") == "done"
    assert "1.2" in ann.handle("carol", "/unblocked all").text  # what 1.1's done opened is startable
    assert ann.context().statuses == ann.store.statuses(SLUG, moved_only=True)  # the cache is the database


def test_a_write_by_another_replica_is_seen_by_the_next_read(replicas, monkeypatch):
    ann, other = replicas
    assert state_of(ann, "1.1") == "todo" and state_of(other, "1.1") == "todo"  # both caches warm
    assert other.handle("bob", "/start 1.1").ok
    assert state_of(ann, "1.1") == "in_progress"  # learned from the change counter, not waited for
    # ann's own move now is not the only change since her cached version: it is not applied blindly
    reloads = counting_reloads(ann, monkeypatch)
    assert other.handle("lea", "/team lane A @carol").ok  # an audit event by the other replica
    reply = ann.handle("bob", f"/review 1.1 {LINK} @ann")
    assert reply.ok, reply.text
    assert ann.handle("ann", "/board 1.1").ok
    assert reloads  # the other replica's change made this one read the plan again
    ctx = ann.context()
    assert ctx.status("1.1").state.value == "review" and ctx.staffing.owner_of("1.3") == "carol"
    assert other.context().status("1.1").state.value == "review"


def test_moves_by_another_replica_are_caught_up_from_their_events_alone(replicas, monkeypatch):
    """Two workers or replicas on one database: each one's moves reach the other's next read as
    those few events, not as a reload of every moved story."""
    ann, other = replicas
    assert state_of(ann, "1.1") == "todo" and state_of(other, "1.1") == "todo"
    reloads, catch_ups = counting_reloads(ann, monkeypatch), counting_catch_ups(ann, monkeypatch)
    assert other.handle("bob", "/start 1.1").ok
    assert other.handle("bob", f"/review 1.1 {LINK} @ann").ok
    assert "1.1" in ann.handle("ann", "/board").text
    assert state_of(ann, "1.1") == "review"
    assert ann.handle("ann", f"/done 1.1 {LINK}").ok  # her own move, after the catch-up: applied
    assert other.handle("carol", "/start 1.3").ok  # one 1.1's done opened
    assert state_of(ann, "1.3") == "in_progress"
    assert reloads == [] and catch_ups == [2, 1]  # bob's two moves, then carol's one
    assert ann.context().statuses == ann.store.statuses(SLUG, moved_only=True)  # the cache is the database
    assert "1.3" not in ann.handle("dave", "/unblocked").text  # taken by carol: not offered any more


def test_heads_read_before_an_own_move_keep_the_cache_it_advanced(replicas, monkeypatch):
    """Two service threads: one read the plans' heads, the other's move then advanced the cache.
    The first finds a cache newer than its heads: current, not a reason to reload."""
    ann, _other = replicas
    assert state_of(ann, "1.1") == "todo"
    heads = ann.store.plan_heads()
    assert ann.handle("ann", "/start 1.1").ok
    reloads = counting_reloads(ann, monkeypatch)
    assert ann.context(heads=heads).status("1.1").state.value == "in_progress"
    assert reloads == []


def test_a_move_keeps_the_plan_s_digest_settings_and_a_settings_change_does_not(replicas, monkeypatch):
    """App Home ages incidents in work days from the plan's digest settings: read once per plan
    version, kept across moves (they cannot change them), read again after a /team change."""
    ann, other = replicas
    reads: list[str] = []
    config = ann.digest_config
    monkeypatch.setattr(ann, "digest_config", lambda slug: reads.append(slug) or config(slug))
    assert ann.home("ann")["plan"] == SLUG and reads == [SLUG]
    assert ann.handle("ann", "/start 1.1").ok  # its own move, then another replica's
    assert other.handle("ann", f"/review 1.1 {LINK} @bob").ok
    assert ann.home("ann")["plan"] == SLUG and reads == [SLUG]
    assert other.handle("lea", "/team digest 08:15 Europe/Paris mon-thu").ok
    assert ann.home("ann")["plan"] == SLUG and reads == [SLUG, SLUG]
    assert ann.digest_config(SLUG).tz.key == "Europe/Paris"


def test_a_team_change_committed_while_the_plan_loads_is_not_lost(replicas, monkeypatch):
    """Another replica binds a lane while this one is reading the plan (between its states and
    its lanes): the cache must not claim a version that includes the change without holding it,
    or it would keep the old lanes through every later move."""
    ann, other = replicas
    lanes, fired = ann.store.lane_bindings, []

    def then_another_replica(slug):
        found = lanes(slug)
        if not fired:
            fired.append(True)
            assert other.handle("lea", "/team lane A @carol", request_id="while-loading").ok
        return found

    monkeypatch.setattr(ann.store, "lane_bindings", then_another_replica)
    assert ann.context().staffing.owner_of("1.3") is None  # read before the change landed
    monkeypatch.undo()
    assert fired
    assert other.handle("bob", "/start 1.1").ok  # a later move: caught up, or reloaded, never kept blind
    ctx = ann.context()
    assert ctx.status("1.1").state.value == "in_progress" and ctx.staffing.owner_of("1.3") == "carol"


def test_a_process_far_behind_reads_the_plan_whole(replicas, monkeypatch):
    """Past CATCH_UP_LIMIT events a catch-up would send one IN list as long as the moves: the
    plan's moved stories are read whole instead, with the same result."""
    import storage.transitions as transitions

    ann, other = replicas
    assert state_of(ann, "1.1") == "todo"
    monkeypatch.setattr(transitions, "CATCH_UP_LIMIT", 1)
    reloads = counting_reloads(ann, monkeypatch)
    assert other.handle("bob", "/start 1.1").ok and other.handle("bob", f"/review 1.1 {LINK} @ann").ok
    assert state_of(ann, "1.1") == "review" and reloads == [SLUG]


def test_a_change_the_events_do_not_account_for_makes_a_whole_reload(replicas, monkeypatch):
    """The counter moved by more than the events after the cached one (on PostgreSQL an event can
    commit after one with a higher id): the catch-up cannot be trusted, the plan is read again."""
    ann, other = replicas
    assert state_of(ann, "1.1") == "todo"
    reloads = counting_reloads(ann, monkeypatch)
    assert other.handle("bob", "/start 1.1").ok
    with ann.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE plans SET changes = changes + 1")  # a change with no later event
    assert state_of(ann, "1.1") == "in_progress"
    assert reloads == [SLUG]
    assert state_of(ann, "1.1") == "in_progress" and reloads == [SLUG]  # then warm again


def test_a_write_landing_between_a_read_and_an_own_move_is_not_lost(replicas, monkeypatch):
    """The race the change counter settles: another replica writes after this one read its plan
    and before its move commits. The move's counter is then two ahead: this replica must not take
    its cache (plus its own move) for the database, or it would miss the other write for good."""
    ann, other = replicas
    assert state_of(ann, "1.1") == "todo"
    transition = ann.store.transition

    def after_another_replica(slug, event):
        assert other.handle("lea", "/team lane A @carol", request_id="another-replica").ok
        return transition(slug, event)

    monkeypatch.setattr(ann.store, "transition", after_another_replica)
    assert ann.handle("ann", "/start 1.1").ok
    monkeypatch.undo()
    ctx = ann.context()
    assert ctx.status("1.1").state.value == "in_progress" and ctx.staffing.owner_of("1.3") == "carol"


def test_a_refused_move_and_a_retried_one_leave_the_cache_equal_to_the_database(replicas):
    ann, _other = replicas
    assert ann.handle("ann", "/start 1.1", request_id="r1").ok
    assert ann.handle("ann", "/start 1.1", request_id="r1").ok  # Slack's retry: recorded once
    assert not ann.handle("bob", "/start 1.1").ok  # held by ann: refused, nothing written
    assert ann.context().statuses == ann.store.statuses(SLUG, moved_only=True)
    assert len([e for e in ann.store.events(SLUG, "1.1")]) == 1


def test_a_plan_is_read_from_its_text_once_then_from_its_stored_copy(replicas, monkeypatch):
    ann, other = replicas
    record = ann.store.get_plan(SLUG)
    assert record is not None
    import bot.service.delivery as delivery

    read: list[str] = []
    real = delivery.read_plan
    monkeypatch.setattr(delivery, "read_plan", lambda source, **kw: read.append("read") or real(source, **kw))
    # `import_plan` stored the copy under this release's reader key: neither replica reads the text
    assert ann.handle("ann", "/unblocked").ok and other.handle("bob", "/unblocked").ok
    assert read == []
    copy = ann.store.stored_plan(SLUG, record.source_sha)
    assert copy is not None and copy == ann.context().plan
    # a copy is only kept for the text it was read from (a re-import in between wins)
    assert not ann.store.keep_plan(SLUG, "sha-of-another-text", copy)
    # a copy another reader made (an older release) is not trusted: the text is read, once, and
    # this release's copy stored for the next process
    with ann.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE plans SET parsed_key = 'an-older-reader'")
    assert ann.store.stored_plan(SLUG, record.source_sha) is None
    assert DeliveryService(Store(ann.store.engine)).handle("carol", "/unblocked").ok
    assert DeliveryService(Store(ann.store.engine)).handle("dave", "/unblocked").ok
    assert read == ["read"]
    with ann.store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT parsed_key FROM plans").scalar_one() == reader_key(record.source_sha)
