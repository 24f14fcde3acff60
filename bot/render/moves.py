"""The sentences a move causes: the headline in the channel and the reply, the DMs to lane owners,
reviewers and authors, and what a person hears when a retry or a race changed nothing.

The service decides who is told what (`bot.service.transitions`); this module only words it, in
mrkdwn with every piece of user or plan text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.i18n import _, n_, p_
from bot.render.mrkdwn import esc, mention
from planner.state import STATE_WORDS, Action, State


def headline(action: Action, *, actor: str, label: str, evidence: str | None, reviewer: str | None,
             reason: str | None, gate: str | None, person: str | None = None, holder: str | None = None,
             preparer: str | None = None) -> str:
    """"✅ 4.1 (…) is done, approved by @lea — https://…", prefixed "🚦 Gate passed (data)" for a gate."""
    who, shown = mention(actor), esc(label)
    why, note = _reason(reason), _note(reason)
    if action == Action.START:
        if person and person == preparer:
            return _("▶ {who} started {story} over {person}'s preparation.", who=who, story=shown,
                     person=mention(person)) + why
        if person:
            return _("▶ {who} started {story} (from {person}'s lane).", who=who, story=shown, person=mention(person))
        return _("▶ {who} started {story}.", who=who, story=shown)
    if action == Action.FORCE_START:
        return _("⚠ {who} forced the start of {story} past open prerequisites.", who=who, story=shown) + why
    if action == Action.REVIEW:
        if evidence and reviewer:
            text = _("👀 {story} is in review — {link} — reviewer {reviewer}.", story=shown, link=esc(evidence),
                     reviewer=mention(reviewer))
        elif evidence:
            text = _("👀 {story} is in review — {link}.", story=shown, link=esc(evidence))
        elif reviewer:
            text = _("👀 {story} is in review — reviewer {reviewer}.", story=shown, reviewer=mention(reviewer))
        else:
            text = _("👀 {story} is in review.", story=shown)
        return text + note
    if action == Action.CHANGES:
        return _("↩ {who} asked for changes on {story}.", who=who, story=shown) + why
    if action == Action.DONE:
        if evidence:
            text = _("✅ {story} is done, approved by {who} — {link}.", story=shown, who=who, link=esc(evidence))
        else:
            text = _("✅ {story} is done, approved by {who}.", story=shown, who=who)
        text += note
        if gate:
            text = _("🚦 Gate passed ({gate}): {headline}", gate=esc(gate_word(gate)), headline=text)
        return text
    if action == Action.REOPEN:
        return _("⟲ {who} reopened {story}.", who=who, story=shown) + why
    if action == Action.PREPARE:
        return _("🛠 {who} is preparing {story} while it waits.", who=who, story=shown)
    if action == Action.UNPREPARE:
        if person:
            return _("🛠 {who} ended {person}'s preparation of {story}.", who=who, person=mention(person), story=shown)
        return _("🛠 {who} stopped preparing {story}.", who=who, story=shown)
    if action == Action.ASSIGN:
        if actor == holder:
            return _("🤝 {who} handed {story} to {person}.", who=who, story=shown, person=mention(person))
        return _("🤝 {who} handed {story} from {holder} to {person}.", who=who, story=shown, holder=mention(holder),
                 person=mention(person))
    if action == Action.RELEASE:
        if actor == holder:
            return _("↩ {who} released {story}: it is back in to-do.", who=who, story=shown)
        return _("↩ {who} released {story} from {holder}: it is back in to-do.", who=who, story=shown,
                 holder=mention(holder))
    raise KeyError(action)


def _reason(reason: str | None) -> str:
    """" Reason: …" after a sentence, or nothing."""
    return " " + _("Reason: {reason}", reason=esc(reason)) if reason else ""


def _note(reason: str | None) -> str:
    """" Note: …" after a sentence, or nothing."""
    return " " + _("Note: {note}", note=esc(reason)) if reason else ""


def now_startable_for_channel(owners: Mapping[str, str | None]) -> str:
    listed = ", ".join(f"{s} ({mention(o)})" if o else _("{story} (unclaimed)", story=s) for s, o in owners.items())
    return "\n" + _("Now startable: {stories}.", stories=listed)


def owners_told(told: bool) -> str:
    """Whether the lane owners of the stories a move unblocked were told."""
    return _("their lane owners were told") if told else _("no lane owner to tell: /team lane X @person")


def now_startable_for_actor(newly: Sequence[str], told: bool) -> str:
    return "\n" + _("Now startable: {stories} — {told}.", stories=", ".join(newly), told=owners_told(told))


def lane_owner_dm(labels: Sequence[str], first: str) -> str:
    return _("Now startable in your lane: {stories}. Take it with /start {first}.",
             stories=", ".join(esc(label) for label in labels), first=first)


def review_request_dm(*, actor: str, label: str, story: str, evidence: str | None, note: str | None = None,
                      again: bool = False) -> str:
    who, shown, link = mention(actor), esc(label), esc(evidence) if evidence else ""
    if again and link:
        asked = _("{who} asks you to review {story} again — {link}.", who=who, story=shown, link=link)
    elif again:
        asked = _("{who} asks you to review {story} again.", who=who, story=shown)
    elif link:
        asked = _("{who} asks you to review {story} — {link}.", who=who, story=shown, link=link)
    else:
        asked = _("{who} asks you to review {story}.", who=who, story=shown)
    said = "\n" + _("Note: {note}", note=esc(note)) if note else ""
    return (asked + said + "\n"
            + _("Approve: /done {story} &lt;evidence link&gt; · Request changes: /review {story} changes &lt;what&gt;",
                story=story))


def preparer_dm(done: str, stories: Sequence[str], labels: Sequence[str]) -> str:
    """To whoever prepared what just opened, before anyone else: "1.1 is done: 1.4 is yours — /start 1.4"."""
    shown = ", ".join(esc(label) for label in labels)
    return n_("{done} is done: {stories} is yours (you prepared it) — /start {first}",
              "{done} is done: {stories} are yours (you prepared it) — /start {first}",
              len(stories), done=done, stories=shown, first=stories[0])


def gate_word(kind: str) -> str:
    """A gate's kind as people read it: a word of the plans' vocabulary (planner/reader/labels.py
    GATE_KINDS: entry, data, …) in the reader's language, a kind the plan wrote its own way as written."""
    words = {
        "entry": p_("gate kind", "entry"), "acceleration": p_("gate kind", "acceleration"),
        "data": p_("gate kind", "data"), "recovery": p_("gate kind", "recovery"),
        "security": p_("gate kind", "security"), "exit": p_("gate kind", "exit"),
        "release": p_("gate kind", "release"), "quality": p_("gate kind", "quality"),
        "critical": p_("gate kind", "critical"), "production": p_("gate kind", "production"),
    }  # fmt: skip
    return words.get(kind, kind)


def gate_released(kind: str, label: str, reopened: str) -> str:
    """A gate whose done was not announced while something it rests on was reopened."""
    return _("🚦 Gate passed ({gate}): {story} — held back while {reopened} was reopened.",
             gate=esc(gate_word(kind)), story=esc(label), reopened=reopened)


def also_in_lane(labels: Sequence[str]) -> str:
    """After a preparer's news, what else opened in their lane (one DM, one story to start)."""
    return _("Also startable in your lane: {stories}.", stories=", ".join(esc(label) for label in labels))


def took_from_lane(story: str, owner: str) -> str:
    """Said to someone who starts a story of another person's lane: allowed, said and recorded."""
    return _("You took {story} from {owner}'s lane: they are told, and its history shows it.",
             story=story, owner=mention(owner))


def reopened_dm(*, actor: str, label: str, story: str, reason: str | None) -> str:
    return (_("{who} reopened {story}; it is yours again, in progress.", who=mention(actor), story=esc(label))
            + _reason(reason) + "\n" + _("When it is ready: /review {story} &lt;link&gt;", story=story))


def assigned_dm(*, actor: str, label: str, story: str, holder: str | None) -> str:
    if holder and holder != actor:
        handed = _("{who} handed you {story} (from {holder}).", who=mention(actor), story=esc(label),
                   holder=mention(holder))
    else:
        handed = _("{who} handed you {story}.", who=mention(actor), story=esc(label))
    return handed + " " + _("When it is ready: /review {story} &lt;link&gt;", story=story)


def handed_away_dm(*, actor: str, label: str, to: str | None) -> str:
    return _("{who} handed your {story} to {person}.", who=mention(actor), story=esc(label), person=mention(to))


def released_dm(*, actor: str, label: str) -> str:
    return _("{who} released your {story}: it is back in to-do.", who=mention(actor), story=esc(label))


def preparation_ended_dm(*, actor: str, label: str) -> str:
    return _("{who} ended your preparation of {story}.", who=mention(actor), story=esc(label))


def took_from_your_lane_dm(*, actor: str, label: str) -> str:
    return _("{who} took {story} from your lane.", who=mention(actor), story=esc(label))


def preparation_overridden_dm(*, actor: str, label: str, reason: str | None) -> str:
    return _("{who} started {story}, which you were preparing (a lead's override).", who=mention(actor),
             story=esc(label)) + _reason(reason)


def changes_dm(*, actor: str, label: str, reason: str | None) -> str:
    return _("{who} asked for changes on {story}.", who=mention(actor), story=esc(label)) + _reason(reason)


def already_recorded(story: str, action: str) -> str:
    return _("Already recorded: {story} {action}.", story=story, action=action)


def action_word(code: str | None) -> str:
    """An event's action as the history shows it ("start" / "démarrage"); an unknown code as it is."""
    words = {
        "start": p_("action", "start"), "force_start": p_("action", "force_start"),
        "review": p_("action", "review"), "changes": p_("action", "changes"), "done": p_("action", "done"),
        "reopen": p_("action", "reopen"), "prepare": p_("action", "prepare"),
        "unprepare": p_("action", "unprepare"), "assign": p_("action", "assign"),
        "release": p_("action", "release"),
    }
    return words.get(code or "", code or "?")


def lost_race(*, story: str, state_word: str, by: str | None, action: str, why: str) -> str:
    """Someone else moved the story between our read and our write; `why` is already mrkdwn."""
    state = _(state_word)  # the English state word: said in the reader's language
    if by:
        moved = _("{story} was just moved to {state} by {who}; your {action} was not applied.", story=story,
                  state=state, who=mention(by), action=action_word(action))
    else:
        moved = _("{story} was just moved to {state}; your {action} was not applied.", story=story, state=state,
                  action=action_word(action))
    return f"{moved}\n{why}"


def recorded_without_news(story: str, state: State, ref: str) -> str:
    """A move that was recorded but whose announcements failed on our side."""
    return _("{story} is now {state}: that is recorded. Telling the channel and the lane owners failed on our side "
             "(ref {ref}); tell them yourself this time.", story=story, state=_(STATE_WORDS[state]), ref=ref)
