"""Properties over random plans and random command sequences, through the real service and store.

Whatever people type, in whatever order: a story listed as startable never has an open
prerequisite, and every story's stored state equals the fold of its events.
"""

import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.service.delivery import DeliveryService
from planner.state import fold_events
from storage.store import Store

LINKS = ["https://ci.example.com/1", "javascript:alert(1)", ""]
ACTORS = ["ann", "bob", "lea"]
VERBS = ["start", "review", "done", "changes", "force", "reopen", "unblocked"]


@st.composite
def dag_plans(draw):
    """A Markdown plan with 2–9 stories and random finish-to-start edges from lower to higher ids."""
    n = draw(st.integers(2, 9))
    ids = [f"{1 + i // 4}.{1 + i % 4}" for i in range(n)]
    edges = {(ids[a], ids[b]) for a in range(n) for b in range(a + 1, n) if draw(st.booleans()) and draw(st.booleans())}
    lines = ["# Random plan", "", "## Stories"] + [f"- {sid} story {sid}" for sid in ids] + ["", "## Dependencies"]
    for before in ids:
        after = [b for a, b in sorted(edges) if a == before]
        if after:
            lines += [f"After {before}:"] + [f"- {b}" for b in after]
    return "\n".join(lines) + "\n", ids, edges


commands = st.lists(st.tuples(st.sampled_from(ACTORS), st.sampled_from(VERBS), st.integers(0, 8),
                              st.sampled_from(LINKS)), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=dag_plans(), script=commands)
def test_startable_never_has_open_prerequisites_and_state_is_the_fold(plan, script):
    source, ids, edges = plan
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/p.db")
        store.save_plan("p", "Random plan", source, ids)
        store.add_lead("lea", "test")
        service = DeliveryService(store)
        assert service.context("p").plan.story_ids == ids
        for actor, verb, index, link in script:
            sid = ids[index % len(ids)]
            text = {"start": f"/start {sid}", "review": f"/review {sid} {link}", "done": f"/done {sid} {link}",
                    "changes": f"/review {sid} changes please", "force": f"/start {sid} force urgent",
                    "reopen": f"/start {sid} reopen regression", "unblocked": "/unblocked"}[verb]
            before = store.events("p")
            reply = service.handle(actor, text)
            if not reply.ok:
                assert store.events("p") == before  # a refusal writes nothing
            statuses = store.statuses("p")
            startable = service.handle("ann", "/unblocked").data["startable"]
            for story in startable:
                assert statuses[story].state == "todo"
                assert all(statuses[a].state == "done" for a, b in edges if b == story), (story, statuses)
            folded = fold_events(ids, store.events("p"))
            for story in ids:
                assert (folded[story].state, folded[story].assignee) == (statuses[story].state,
                                                                       statuses[story].assignee)
        store.close()
