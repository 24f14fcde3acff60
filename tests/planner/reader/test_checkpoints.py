"""Checkpoints: the stories that must be done, then the proofs, kept as written."""

from __future__ import annotations

from planner.reader import read_plan


def test_a_checkpoint_lists_stories_then_proofs():
    text = "Apres 1.1:\n- 1.2\n## Points de controle\nCheckpoint A:\n- 1.1, 1.2 done\n- demo   recorded\n- 1.2 deployed\n"
    (checkpoint,) = read_plan(text).checkpoints
    assert (checkpoint.name, checkpoint.stories, checkpoint.line) == ("A", ("1.1", "1.2"), 4)
    assert checkpoint.proofs == ("demo recorded",)  # a line that starts with ids lists stories


def test_stories_outside_a_checkpoint_block_are_reported():
    plan = read_plan("Apres 1.1:\n- 1.2\n## Points de controle\n- 1.1 et 1.2\n")
    assert plan.checkpoints == ()
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 4)]
    assert "outside a 'Checkpoint X:' block" in plan.findings[0].message
