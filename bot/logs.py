"""One logger tree, `deliverybot.*`, configured once per process by the entry point that runs.

Modules ask `get_logger("digest")` rather than `logging.getLogger(__name__)`, so an operator
filters on one prefix whatever module a line comes from. Nothing here formats a secret: tokens
live in `SecretStr` settings and are never passed to a log call.
"""

from __future__ import annotations

import logging

ROOT = "deliverybot"


def get_logger(name: str) -> logging.Logger:
    """`deliverybot.<name>`."""
    return logging.getLogger(f"{ROOT}.{name}" if name else ROOT)


def configure(level: int = logging.INFO) -> None:
    """Lines on stderr with time, level and logger; the scheduler's every-minute chatter is kept quiet."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
