"""The sentences a move causes: the headline in the channel and the reply, the DMs to lane owners,
reviewers and authors, and what a person hears when a retry or a race changed nothing.

The service decides who is told what (`bot.service.transitions`); this module only words it, in
mrkdwn with every piece of user or plan text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.render.mrkdwn import esc, mention
from planner.state import STATE_WORDS, Action, State


def headline(action: Action, *, actor: str, label: str, evidence: str | None, reviewer: str | None,
             reason: str | None, gate: str | None, person: str | None = None, holder: str | None = None,
             preparer: str | None = None) -> str:
    """"✅ 4.1 (…) is done, approved by @lea — https://…", prefixed "🚦 Gate passed (data)" for a gate."""
    who, shown = mention(actor), esc(label)
    link = f" — {esc(evidence)}" if evidence else ""
    why = f" Reason: {esc(reason)}" if reason else ""
    note = f" Note: {esc(reason)}" if reason else ""
    text = {
        Action.START: (f"▶ {who} started {shown} over {mention(person)}'s preparation.{why}" if person and person == preparer
                       else f"▶ {who} started {shown} (from {mention(person)}'s lane)." if person
                       else f"▶ {who} started {shown}."),
        Action.FORCE_START: f"⚠ {who} forced the start of {shown} past open prerequisites.{why}",
        Action.REVIEW: f"👀 {shown} is in review{link}" + (f" — reviewer {mention(reviewer)}." if reviewer else ".")
        + note,
        Action.CHANGES: f"↩ {who} asked for changes on {shown}.{why}",
        Action.DONE: f"✅ {shown} is done, approved by {who}{link}.{note}",
        Action.REOPEN: f"⟲ {who} reopened {shown}.{why}",
        Action.PREPARE: f"🛠 {who} is preparing {shown} while it waits.",
        Action.UNPREPARE: (f"🛠 {who} ended {mention(person)}'s preparation of {shown}." if person
                           else f"🛠 {who} stopped preparing {shown}."),
        Action.ASSIGN: (f"🤝 {who} handed {shown} to {mention(person)}." if actor == holder
                        else f"🤝 {who} handed {shown} from {mention(holder)} to {mention(person)}."),
        Action.RELEASE: (f"↩ {who} released {shown}: it is back in to-do." if actor == holder
                         else f"↩ {who} released {shown} from {mention(holder)}: it is back in to-do."),
    }[action]
    if gate and action == Action.DONE:
        text = f"🚦 Gate passed ({esc(gate)}): {text}"
    return text


def now_startable_for_channel(owners: Mapping[str, str | None]) -> str:
    listed = ", ".join(f"{s} ({mention(o)})" if o else f"{s} (unclaimed)" for s, o in owners.items())
    return f"\nNow startable: {listed}."


def owners_told(told: bool) -> str:
    """Whether the lane owners of the stories a move unblocked were told."""
    return "their lane owners were told" if told else "no lane owner to tell: /team lane X @person"


def now_startable_for_actor(newly: Sequence[str], told: bool) -> str:
    return f"\nNow startable: {', '.join(newly)} — {owners_told(told)}."


def lane_owner_dm(labels: Sequence[str], first: str) -> str:
    return f"Now startable in your lane: {', '.join(esc(label) for label in labels)}. Take it with /start {first}."


def review_request_dm(*, actor: str, label: str, story: str, evidence: str | None, note: str | None = None,
                      again: bool = False) -> str:
    link = f" — {esc(evidence)}" if evidence else ""
    said = f"\nNote: {esc(note)}" if note else ""
    again_ = " again" if again else ""
    return (f"{mention(actor)} asks you to review {esc(label)}{again_}{link}.{said}\nApprove: /done {story} &lt;evidence link&gt; · "
            f"Request changes: /review {story} changes &lt;what&gt;")


def preparer_dm(done: str, stories: Sequence[str], labels: Sequence[str]) -> str:
    """To whoever prepared what just opened, before anyone else: "1.1 is done: 1.4 is yours — /start 1.4"."""
    shown = ", ".join(esc(label) for label in labels)
    yours = "is yours" if len(stories) == 1 else "are yours"
    return f"{done} is done: {shown} {yours} (you prepared it) — /start {stories[0]}"


def gate_released(kind: str, label: str, reopened: str) -> str:
    """A gate whose done was not announced while something it rests on was reopened."""
    return f"🚦 Gate passed ({esc(kind)}): {esc(label)} — held back while {reopened} was reopened."


def also_in_lane(labels: Sequence[str]) -> str:
    """After a preparer's news, what else opened in their lane (one DM, one story to start)."""
    return f"Also startable in your lane: {', '.join(esc(label) for label in labels)}."


def took_from_lane(story: str, owner: str) -> str:
    """Said to someone who starts a story of another person's lane: allowed, said and recorded."""
    return f"You took {story} from {mention(owner)}'s lane: they are told, and its history shows it."


def reopened_dm(*, actor: str, label: str, story: str, reason: str | None) -> str:
    why = f" Reason: {esc(reason)}" if reason else ""
    return f"{mention(actor)} reopened {esc(label)}; it is yours again, in progress.{why}\nWhen it is ready: /review {story} &lt;link&gt;"


def assigned_dm(*, actor: str, label: str, story: str, holder: str | None) -> str:
    source = f" (from {mention(holder)})" if holder and holder != actor else ""
    return f"{mention(actor)} handed you {esc(label)}{source}. When it is ready: /review {story} &lt;link&gt;"


def handed_away_dm(*, actor: str, label: str, to: str | None) -> str:
    return f"{mention(actor)} handed your {esc(label)} to {mention(to)}."


def released_dm(*, actor: str, label: str) -> str:
    return f"{mention(actor)} released your {esc(label)}: it is back in to-do."


def preparation_ended_dm(*, actor: str, label: str) -> str:
    return f"{mention(actor)} ended your preparation of {esc(label)}."


def took_from_your_lane_dm(*, actor: str, label: str) -> str:
    return f"{mention(actor)} took {esc(label)} from your lane."


def preparation_overridden_dm(*, actor: str, label: str, reason: str | None) -> str:
    why = f" Reason: {esc(reason)}" if reason else ""
    return f"{mention(actor)} started {esc(label)}, which you were preparing (a lead's override).{why}"


def changes_dm(*, actor: str, label: str, reason: str | None) -> str:
    why = f" Reason: {esc(reason)}" if reason else ""
    return f"{mention(actor)} asked for changes on {esc(label)}.{why}"


def already_recorded(story: str, action: str) -> str:
    return f"Already recorded: {story} {action}."


def lost_race(*, story: str, state_word: str, by: str | None, action: str, why: str) -> str:
    """Someone else moved the story between our read and our write; `why` is already mrkdwn."""
    moved_by = f" by {mention(by)}" if by else ""
    return f"{story} was just moved to {state_word}{moved_by}; your {action} was not applied.\n{why}"


def recorded_without_news(story: str, state: State, ref: str) -> str:
    """A move that was recorded but whose announcements failed on our side."""
    return (f"{story} is now {STATE_WORDS[state]}: that is recorded. Telling the channel and the lane owners failed on "
            f"our side (ref {ref}); tell them yourself this time.")
