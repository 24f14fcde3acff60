"""What the service knows about one plan while it answers one command."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.graph import PlanGraph
from planner.model import Plan
from planner.staffing import Staffing
from planner.state import StoryStatus


@dataclass
class Context:
    """One plan as the service sees it for one command."""

    slug: str
    channel: str | None
    plan: Plan
    graph: PlanGraph
    staffing: Staffing
    statuses: dict[str, StoryStatus]
    allow_solo: bool
    here: str | None = None  # the channel the command was typed in
    memo: dict = field(default_factory=dict)  # answers derived from this version of the plan
