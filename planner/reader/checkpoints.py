"""Checkpoints: "Checkpoint A:" then the stories that must be done and the proofs expected.

A line that starts with story ids lists stories; any other line is a proof, kept as written.
"""

from __future__ import annotations

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
from planner.reader.labels import PROOF_RE
from planner.reader.scan import LineScan, scan_line


class CheckpointBlocks(ReaderState):
    """Items of the checkpoint and checkpoints blocks."""

    def item_checkpoint(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        checkpoint = self.block.checkpoint
        assert checkpoint is not None  # a checkpoint block always has its checkpoint
        proof = PROOF_RE.search(scan.masked)
        if scan.items and scan.leading and proof and proof.start() > scan.items[-1].end:
            # "1.1, 1.2 done. Evidence: ...": the stories, then a proof, on one line.
            checkpoint.proofs.append(" ".join(text[proof.start() :].split()))
            scan = scan_line(text[: proof.start()])
        if scan.items and scan.leading:
            for sid in scan.all_ids:
                self.mention(sid, number, phrase(N_("checkpoint {name}"), name=checkpoint.name))
                if sid not in checkpoint.stories:
                    checkpoint.stories.append(sid)
            self.note_items(scan, number, phrase(N_("checkpoint {name}"), name=checkpoint.name))
        else:
            checkpoint.proofs.append(" ".join(text.split()))

    def item_checkpoints(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if scan.all_ids:
            self.unreadable(number, text, N_("stories listed outside a 'Checkpoint X:' block"))
