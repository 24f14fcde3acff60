"""A refusal in words: planner's decision (a code and its facts) said to the person who asked.

Each refusal is a reason and, on its own line, what to do instead. People in the facts are ids;
they are named here (a Slack mention for Slack ids, @name in a terminal).
"""

from __future__ import annotations

from bot.i18n import N_, _, n_
from bot.i18n.formats import day_and_time
from bot.render.mrkdwn import esc, mention
from planner.links import MAX_LINK_LENGTH, LinkProblem
from planner.state import STATE_WORDS, Action, State
from planner.workflow import Decision, Waiting

LEAD_HINT = N_("Ask a lead (/team shows them).")
FINALISATION_SHOWN = 10


def refusal_text(decision: Decision, *, with_hint: bool = True) -> str:
    """The reason, then what to do instead on its own line, as mrkdwn. The reason holds ids,
    state words and mentions (which must stay mentions); the hint holds literal placeholders
    such as <reason>, escaped so Slack shows them."""
    reason, hint = reason_and_hint(decision)
    if with_hint and hint:
        return f"{reason}\n{esc(hint)}"
    return reason


def lead_only_text(what: str, instead: str = "") -> str:
    """A command the table keeps for leads: "Only a lead can change the team (mode). Ask a lead…"."""
    # `what` and `instead` come from the command table: said here in the reader's language
    said = _("Only a lead can {what}.", what=_(what)) + " " + _(LEAD_HINT)
    return said + (" " + _(instead) if instead else "")


def guest_text() -> str:
    """To someone of another workspace in a shared (Slack Connect) channel."""
    return _("You are in this channel from another workspace: you can read the plan here, but only people of "
             "the workspace that installed deliverybot move stories or change the team.")


def link_problem_text(problem: LinkProblem) -> str:
    """Why a link is not evidence, as a clause: "that link has no host name"."""
    detail, kind = problem.detail, problem.kind
    if kind == "missing":
        return _("an evidence link is required (an http(s) URL: the pull request, the CI run, the proof)")
    if kind == "too-long":
        return _("that link is {length} characters long; the limit is {limit}", length=detail, limit=MAX_LINK_LENGTH)
    if kind == "invisible":
        return _("that link contains spaces, control or invisible characters")
    if kind == "not-a-url":
        return _("that link is not a valid URL")
    if kind == "scheme":
        if detail:
            return _("evidence links must start with http:// or https:// (got {scheme})", scheme=detail)
        return _("evidence links must start with http:// or https:// (got no scheme)")
    if kind == "no-host":
        return _("that link has no host name")
    if kind == "character":
        return _("that link contains “{character}”, which no URL holds (quotes, brackets, backslashes: "
                 "percent-encode them)", character=esc(detail))
    if kind == "credentials":
        return _("that link carries a user name or password (user:pass@); link without them")
    if kind == "port":
        if detail:
            return _("that link's port ({port}) is not a number from 1 to 65535", port=esc(detail))
        return _("that link's port (empty) is not a number from 1 to 65535")
    if kind == "host":
        return _("that link's host ({host}) is not a valid host name or IP address", host=esc(detail))
    return _("that link is not evidence")


def _waiting(w: Waiting) -> str:
    if w.state == State.TODO:
        return f"{w.story_id} ({_(STATE_WORDS[State.TODO])})"
    return f"{w.story_id} ({_(STATE_WORDS[w.state])}, {mention(w.assignee)})"


def reason_and_hint(d: Decision) -> tuple[str, str]:
    """(why, what to do instead) for every refusal code planner gives."""
    sid, code, action = d.story_id, d.code, d.action
    holder = mention(d.holder)
    if code in ("already-done", "not-in-review", "in-review") and action in (Action.PREPARE, Action.UNPREPARE):
        return _("{story} is already {state}: there is nothing to prepare.", story=sid,
                 state=_(STATE_WORDS[d.state or State.DONE])), ""
    if code == "already-done":
        hint = _("A lead can reopen it: /start {story} reopen <reason>.", story=sid)
        if d.approver:
            return _("{story} is already done (approved by {approver}).", story=sid, approver=mention(d.approver)), hint
        return _("{story} is already done.", story=sid), hint
    if code == "not-started":
        if action in (Action.ASSIGN, Action.RELEASE):
            return (_("{story} is not started: nobody holds it.", story=sid),
                    _("Someone takes it with /start {story}.", story=sid))
        return _("{story} is not started yet.", story=sid), _("Start it first: /start {story}.", story=sid)
    if code == "review-before-done":
        return (_("{story} is in progress, held by {holder}. The plan's rule: a story goes to review before done.",
                  story=sid, holder=holder),
                _("Send it to review first: /review {story} <link to the pull request or proof>.", story=sid))
    if code == "already-yours":
        return _("You already hold {story}.", story=sid), _("When it is ready: /review {story} <link>.", story=sid)
    if code == "held-by-other":
        return (_("{story} is already in progress, held by {holder}.", story=sid, holder=holder),
                _("Pick another story: /unblocked or /next."))
    if code == "not-in-review":
        return _("{story} is in progress, held by {holder}, not in review.", story=sid, holder=holder), ""
    if code == "in-review":
        hint = _("The reviewer closes it with /done {story} <evidence link>, or asks for changes: "
                 "/review {story} changes <what>.", story=sid)
        if d.holder:
            return _("{story} is in review (sent by {holder}).", story=sid, holder=holder), hint
        return _("{story} is in review.", story=sid), hint
    if code == "not-done":
        if d.state:
            return _("{story} is {state}, not done; nothing to reopen.", story=sid, state=_(STATE_WORDS[d.state])), ""
        return _("{story} is not started, not done; nothing to reopen.", story=sid), ""
    if code == "not-startable" and d.cycle:
        cycle = " → ".join(d.cycle)
        why = (_("{story} can never start: it is part of the dependency cycle {cycle}, which no finished story "
                 "will open.", story=sid, cycle=cycle) if sid in d.cycle else
               _("{story} can never start: it waits on the dependency cycle {cycle}, which no finished story "
                 "will open.", story=sid, cycle=cycle))
        return (why,
                _("Fix the plan and import it again, or a lead starts it with /start {story} force <reason>.",
                  story=sid))
    if code == "not-startable":
        waiting = ", ".join(_waiting(w) for w in d.waiting)
        return (_("{story} can't start yet: it waits for {waiting}.", story=sid, waiting=waiting),
                _("Take a startable story (/unblocked), or a lead can force it: /start {story} force <reason>.",
                  story=sid))
    if code == "lead-only":
        if action == Action.REOPEN:
            return _("Only a lead can reopen a done story."), _(LEAD_HINT)
        return _("Only a lead can force a story past its prerequisites."), _(LEAD_HINT)
    if code == "reason-required":
        if action == Action.REOPEN:
            return _("Reopening needs a reason."), _("/start {story} reopen <why>", story=sid)
        return (_("Forcing a start needs a reason; it is shown in every digest."),
                _("/start {story} force <why this can't wait>", story=sid))
    if code == "not-assignee":
        return _("{story} is held by {holder}; only they or a lead can send it to review.", story=sid, holder=holder), ""
    if code == "bad-link" and d.link is not None:
        problem = link_problem_text(d.link)
        if action == Action.REVIEW:
            return (_("Can't send {story} to review: {problem}.", story=sid, problem=problem),
                    _("/review {story} https://… [@reviewer]", story=sid))
        return (_("Can't mark {story} done: {problem}.", story=sid, problem=problem),
                _("/done {story} https://… (the proof the acceptance criteria are met)", story=sid))
    if code == "four-eyes":
        if action == Action.REVIEW:
            return (_("The reviewer must be someone other than the person who did the work."),
                    _("/review {story} <link> @someone-else", story=sid))
        if action == Action.CHANGES:
            return (_("Changes are requested by the reviewer, not by the author."),
                    _("To keep working on it, ask your reviewer; to close it, someone else runs /done {story} <link>.",
                      story=sid))
        return (_("You did {story} (you held it or sent it to review this round), so someone else must approve it "
                  "(four eyes).", story=sid),
                _("Ask your reviewer to run /done, or a lead can allow solo teams: /team solo on."))
    if code == "not-reviewer":
        return (_("{story} waits for {reviewer}'s review: only the named reviewer or a lead approves it.",
                  story=sid, reviewer=mention(d.reviewer)),
                _("Ask them to run /done {story} <link>, or name another reviewer when it is sent again.", story=sid))
    if code == "prerequisites-open":
        waiting = ", ".join(_waiting(w) for w in d.waiting)
        return (n_("{story} can't be done while {waiting} is not done (no lasting bypass).",
                   "{story} can't be done while {waiting} are not done (no lasting bypass).",
                   len(d.waiting), story=sid, waiting=waiting),
                _("Keep it in review; it can be approved once they are done."))
    if code == "prepared-by-other":
        since = day_and_time(d.since) if d.since else ""
        if action == Action.PREPARE:
            hint = _("Ask them, or prepare another story (/next).")
            if since:
                return _("{story} is already prepared by {holder} since {since} UTC.",
                         story=sid, holder=holder, since=since), hint
            return _("{story} is already prepared by {holder}.", story=sid, holder=holder), hint
        hint = _("Ask them, take another story (/next), or a lead can override: /start {story} force <reason>.",
                 story=sid)
        if since:
            return _("{story} is prepared by {holder} since {since} UTC: it is theirs to start.",
                     story=sid, holder=holder, since=since), hint
        return _("{story} is prepared by {holder}: it is theirs to start.", story=sid, holder=holder), hint
    if code == "already-preparing":
        return (_("You are already preparing {story}; you will be told first when it can start.", story=sid),
                _("To stop: /prepare {story} off.", story=sid))
    if code == "startable-now":
        return (_("{story} can start now: there is nothing to prepare.", story=sid),
                _("Take it: /start {story}.", story=sid))
    if code == "not-preparer":
        if d.holder:
            return _("{story} is prepared by {holder}; only they or a lead can stop that.", story=sid, holder=holder), ""
        return _("Nobody is preparing {story}.", story=sid), _("/prepare {story} to prepare it.", story=sid)
    if code == "not-holder":
        return (_("{story} is held by {holder}; only they or a lead can hand it over or release it.",
                  story=sid, holder=holder),
                _(LEAD_HINT))
    if code == "same-person":
        return _("{holder} already holds {story}.", holder=holder, story=sid), ""
    if code == "finalisation":
        others = d.unfinished
        shown = ", ".join(others[:FINALISATION_SHOWN])
        if len(others) > FINALISATION_SHOWN:
            shown = _("{stories} and {n} more", stories=shown, n=len(others) - FINALISATION_SHOWN)
        return (n_("{story} is finalised at the end: {n} other story is not done yet ({shown}).",
                   "{story} is finalised at the end: {n} other stories are not done yet ({shown}).",
                   len(others), story=sid, shown=shown),
                _("Keep it in review and finish it once every other story is done."))
    return _("{story}: not allowed ({code}).", story=sid, code=code), ""
