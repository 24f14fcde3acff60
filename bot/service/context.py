"""What the service knows while it answers one command.

`Context` is one plan as of now (cached by the service per plan version); `Call` is the command
being answered — who, the words after the command (or sub-command) name, the context — with the
store, settings and clock a handler may use. Handlers are plain functions of a `Call`, so a
command group is a module that takes what it uses, not a mixin of the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.i18n import SOURCE, _, current
from bot.service.parsing import InputError, story_id
from bot.settings import Settings
from planner.checkpoints import Attachment
from planner.graph import PlanGraph
from planner.incidents import Incident
from planner.model import Plan, Story
from planner.staffing import Staffing
from planner.state import StoryStatus, status_of
from storage.store import Store, TransitionResult

T_ = TypeVar("T_")


class PlanNotFound(LookupError):
    """No plan answers to this name or channel; the message says how to import or name one."""


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
    memo: dict[str, Any] = field(default_factory=dict)  # answers derived from this version of the plan
    # From the plan's audit log (bot.service.milestones): incidents by number, checkpoint proofs by name.
    incidents: dict[int, Incident] = field(default_factory=dict)
    attachments: dict[str, tuple[Attachment, ...]] = field(default_factory=dict)
    # Stories a re-import dropped that had work (`planner.board.removed_with_work`): kept, and shown.
    removed: list[dict] = field(default_factory=list)
    # Languages (docs/i18n.md): the channel's and the digest's, and what a person chose for
    # themselves (their /lang, else their Slack locale; None: they read the plan's).
    lang: str = SOURCE
    personal: Callable[[str], str | None] = field(default=lambda person: None, repr=False, compare=False)

    def language_of(self, person: str | None) -> str:
        """The language `person` reads; None: the plan's channel."""
        return (self.personal(person) if person else None) or self.lang

    def status(self, story_id: str) -> StoryStatus:
        """Where a story stands now (a story nobody touched is to do)."""
        return status_of(self.statuses, story_id)

    def story(self, story_id: str) -> Story:
        """A story the caller knows is in the plan (ids come from the plan or `Call.known_story`)."""
        story = self.plan.story(story_id)
        if story is None:
            raise KeyError(f"{story_id} is not a story of {self.slug}")
        return story


@dataclass(frozen=True)
class Call:
    """One command being answered. `args` are the words after the command name, or after the
    sub-command's word when the table dispatched to a sub-command; `usage` is that entry's usage."""

    actor: str
    args: tuple[str, ...]
    usage: str
    request_id: str
    store: Store
    settings: Settings
    clock: Callable[[], datetime]
    context: Context | None = None  # None only for commands the table marks plan-free (/help)
    # Told of each move this call commits (the service keeps its cached context current with it).
    moved: Callable[[Context, TransitionResult], None] = field(default=lambda ctx, result: None, repr=False)

    @property
    def ctx(self) -> Context:
        if self.context is None:  # a table entry marked plan-free reached for the plan: a bug, not input
            raise RuntimeError("this command was declared plan-free but needs a plan")
        return self.context

    @property
    def channel_lang(self) -> str:
        """The language of the plan's channel posts (what a lead set, else the plan's own)."""
        return self.ctx.lang

    def language_of(self, person: str | None) -> str:
        return self.ctx.language_of(person)

    @property
    def is_lead(self) -> bool:
        return self.store.is_lead(self.actor)

    def memo(self, key: str, compute: Callable[[], T_]) -> T_:
        """A derived answer cached with the context (same plan version): the same /unblocked asked
        by twenty people costs one computation."""
        memo = self.ctx.memo
        key = f"{key}@{current()}"  # one answer per language: it is worded
        if key not in memo:
            memo[key] = compute()
        value: T_ = memo[key]
        return value

    def known_story(self, word: str | None) -> str:
        """A story id of this plan, or InputError with the command's usage."""
        sid = story_id(word, self.usage)
        if not self.ctx.plan.has(sid):
            raise InputError(_("There is no story {story} in {plan}. /board lists the stories.",
                               story=sid, plan=self.ctx.slug))
        return sid
