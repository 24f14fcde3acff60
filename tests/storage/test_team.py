"""Leads (workspace-wide) and lane bindings (per plan)."""

from __future__ import annotations

from datetime import UTC

from tests.helpers.storage import SLUG


def test_leads_are_added_once_listed_and_removed(store):
    assert store.add_lead("U123", added_by="install") is True
    assert store.add_lead("U123", added_by="U999") is False  # already a lead: first grant kept
    assert store.add_lead("alice", added_by="U123") is True
    assert store.leads() == ["U123", "alice"]
    assert [(lead.name, lead.added_by) for lead in store.lead_records()] == [
        ("U123", "install"),
        ("alice", "U123"),
    ]
    assert all(lead.added_at.tzinfo == UTC for lead in store.lead_records())
    assert store.is_lead("U123") and not store.is_lead("bob")
    assert store.remove_lead("U123") is True
    assert store.remove_lead("U123") is False
    assert not store.is_lead("U123")
    assert store.leads() == ["alice"]


def test_lanes_bind_rebind_and_unbind_per_plan(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    plan_store.bind_lane(SLUG, "A", "U1")
    plan_store.bind_lane(SLUG, "B", "U2")
    plan_store.bind_lane(SLUG, "A", "U3")  # a lane has one person: rebinding replaces
    plan_store.bind_lane("other", "A", "U9")
    assert plan_store.lane_bindings(SLUG) == {"A": "U3", "B": "U2"}
    assert plan_store.lane_bindings("other") == {"A": "U9"}
    assert plan_store.unbind_lane(SLUG, "B") is True
    assert plan_store.unbind_lane(SLUG, "B") is False
    assert plan_store.lane_bindings(SLUG) == {"A": "U3"}


def test_a_lead_is_revoked_unless_they_are_the_last(plan_store):
    store = plan_store
    store.add_lead("lea", "install")
    assert store.revoke_lead("lea") == "last" and store.leads() == ["lea"]
    assert store.revoke_lead("bob") == "not-lead"
    store.add_lead("cid", "lea")
    assert store.revoke_lead("lea") == "removed" and store.leads() == ["cid"]
    assert store.revoke_lead("cid") == "last"


def test_two_leads_revoking_each_other_at_once_leave_one(plan_store):
    import threading

    store = plan_store
    store.add_lead("a", "install")
    store.add_lead("b", "install")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def revoke(name: str) -> None:
        barrier.wait()
        with store.atomic():  # as /team does: the revocation in the command's transaction
            outcomes.append(store.revoke_lead(name))

    threads = [threading.Thread(target=revoke, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["last", "removed"] and len(store.leads()) == 1


def test_revoked_leads_are_read_from_every_plans_audit(plan_store):
    store = plan_store
    store.save_plan("other", "Other", "o", ["1.1"])
    store.record_audit(SLUG, "lea", "team-lead", "lead max off")
    store.record_audit("other", "lea", "team-lead", "lead zoe off")
    store.record_audit("other", "lea", "team-lead", "lead max")  # named again later: not revoked
    store.record_audit(SLUG, "lea", "team-mode", "mode 2")
    assert store.revoked_leads() == {"zoe"}
