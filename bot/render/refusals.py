"""A refusal in words: planner's decision (a code and its facts) said to the person who asked.

Each refusal is a reason and, on its own line, what to do instead. People in the facts are ids;
they are named here (a Slack mention for Slack ids, @name in a terminal).
"""

from __future__ import annotations

from bot.render.mrkdwn import esc, mention
from planner.links import MAX_LINK_LENGTH, LinkProblem
from planner.state import STATE_WORDS, Action, State
from planner.workflow import Decision, Waiting

LEAD_HINT = "Ask a lead (/team shows them)."
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
    return f"Only a lead can {what}. {LEAD_HINT}" + (f" {instead}" if instead else "")


def guest_text() -> str:
    """To someone of another workspace in a shared (Slack Connect) channel."""
    return ("You are in this channel from another workspace: you can read the plan here, but only people of "
            "the workspace that installed deliverybot move stories or change the team.")


def link_problem_text(problem: LinkProblem) -> str:
    """Why a link is not evidence, as a clause: "that link has no host name"."""
    return {
        "missing": "an evidence link is required (an http(s) URL: the pull request, the CI run, the proof)",
        "too-long": f"that link is {problem.detail} characters long; the limit is {MAX_LINK_LENGTH}",
        "invisible": "that link contains spaces, control or invisible characters",
        "not-a-url": "that link is not a valid URL",
        "scheme": f"evidence links must start with http:// or https:// (got {problem.detail or 'no scheme'})",
        "no-host": "that link has no host name",
        "character": f"that link contains “{esc(problem.detail)}”, which no URL holds (quotes, brackets, "
                     "backslashes: percent-encode them)",
        "credentials": "that link carries a user name or password (user:pass@); link without them",
        "port": f"that link's port ({esc(problem.detail) or 'empty'}) is not a number from 1 to 65535",
        "host": f"that link's host ({esc(problem.detail)}) is not a valid host name or IP address",
    }.get(problem.kind, "that link is not evidence")


def _waiting(w: Waiting) -> str:
    if w.state == State.TODO:
        return f"{w.story_id} (to do)"
    return f"{w.story_id} ({STATE_WORDS[w.state]}, {mention(w.assignee)})"


def reason_and_hint(d: Decision) -> tuple[str, str]:
    """(why, what to do instead) for every refusal code planner gives."""
    sid, code, action = d.story_id, d.code, d.action
    held = f"in progress, held by {mention(d.holder)}"
    if code in ("already-done", "not-in-review", "in-review") and action in (Action.PREPARE, Action.UNPREPARE):
        return f"{sid} is already {STATE_WORDS[d.state or State.DONE]}: there is nothing to prepare.", ""
    if code == "already-done":
        by = f" (approved by {mention(d.approver)})" if d.approver else ""
        return f"{sid} is already done{by}.", f"A lead can reopen it: /start {sid} reopen <reason>."
    if code == "not-started":
        if action in (Action.ASSIGN, Action.RELEASE):
            return f"{sid} is not started: nobody holds it.", f"Someone takes it with /start {sid}."
        return f"{sid} is not started yet.", f"Start it first: /start {sid}."
    if code == "review-before-done":
        return (f"{sid} is {held}. The plan's rule: a story goes to review before done.",
                f"Send it to review first: /review {sid} <link to the pull request or proof>.")
    if code == "already-yours":
        return f"You already hold {sid}.", f"When it is ready: /review {sid} <link>."
    if code == "held-by-other":
        return f"{sid} is already {held}.", "Pick another story: /unblocked or /next."
    if code == "not-in-review":
        return f"{sid} is {held}, not in review.", ""
    if code == "in-review":
        by = f" (sent by {mention(d.holder)})" if d.holder else ""
        return (f"{sid} is in review{by}.",
                f"The reviewer closes it with /done {sid} <evidence link>, or asks for changes: "
                f"/review {sid} changes <what>.")
    if code == "not-done":
        state = STATE_WORDS[d.state] if d.state else "not started"
        return f"{sid} is {state}, not done; nothing to reopen.", ""
    if code == "not-startable":
        waiting = ", ".join(_waiting(w) for w in d.waiting)
        return (f"{sid} can't start yet: it waits for {waiting}.",
                f"Take a startable story (/unblocked), or a lead can force it: /start {sid} force <reason>.")
    if code == "lead-only":
        if action == Action.REOPEN:
            return "Only a lead can reopen a done story.", LEAD_HINT
        return "Only a lead can force a story past its prerequisites.", LEAD_HINT
    if code == "reason-required":
        if action == Action.REOPEN:
            return "Reopening needs a reason.", f"/start {sid} reopen <why>"
        return ("Forcing a start needs a reason; it is shown in every digest.",
                f"/start {sid} force <why this can't wait>")
    if code == "not-assignee":
        return f"{sid} is held by {mention(d.holder)}; only they or a lead can send it to review.", ""
    if code == "bad-link" and d.link is not None:
        problem = link_problem_text(d.link)
        if action == Action.REVIEW:
            return f"Can't send {sid} to review: {problem}.", f"/review {sid} https://… [@reviewer]"
        return (f"Can't mark {sid} done: {problem}.",
                f"/done {sid} https://… (the proof the acceptance criteria are met)")
    if code == "four-eyes":
        if action == Action.REVIEW:
            return ("The reviewer must be someone other than the person who did the work.",
                    f"/review {sid} <link> @someone-else")
        if action == Action.CHANGES:
            return ("Changes are requested by the reviewer, not by the author.",
                    f"To keep working on it, ask your reviewer; to close it, someone else runs /done {sid} <link>.")
        return (f"You did {sid} (you held it or sent it to review this round), so someone else must approve it "
                "(four eyes).",
                "Ask your reviewer to run /done, or a lead can allow solo teams: /team solo on.")
    if code == "not-reviewer":
        return (f"{sid} waits for {mention(d.reviewer)}'s review: only the named reviewer or a lead approves it.",
                f"Ask them to run /done {sid} <link>, or name another reviewer when it is sent again.")
    if code == "prerequisites-open":
        waiting = ", ".join(_waiting(w) for w in d.waiting)
        return (f"{sid} can't be done while {waiting} {'is' if len(d.waiting) == 1 else 'are'} not done "
                "(no lasting bypass).",
                "Keep it in review; it can be approved once they are done.")
    if code == "prepared-by-other":
        since = f" since {d.since.day} {d.since:%b %H:%M} UTC" if d.since else ""
        if action == Action.PREPARE:
            return f"{sid} is already prepared by {mention(d.holder)}{since}.", "Ask them, or prepare another story (/next)."
        return (f"{sid} is prepared by {mention(d.holder)}{since}: it is theirs to start.",
                "Ask them, take another story (/next), or a lead can override: "
                f"/start {sid} force <reason>.")
    if code == "already-preparing":
        return (f"You are already preparing {sid}; you will be told first when it can start.",
                f"To stop: /prepare {sid} off.")
    if code == "startable-now":
        return f"{sid} can start now: there is nothing to prepare.", f"Take it: /start {sid}."
    if code == "not-preparer":
        if d.holder:
            return (f"{sid} is prepared by {mention(d.holder)}; only they or a lead can stop that.", "")
        return f"Nobody is preparing {sid}.", f"/prepare {sid} to prepare it."
    if code == "not-holder":
        return (f"{sid} is held by {mention(d.holder)}; only they or a lead can hand it over or release it.",
                LEAD_HINT)
    if code == "same-person":
        return f"{mention(d.holder)} already holds {sid}.", ""
    if code == "finalisation":
        others = d.unfinished
        shown = ", ".join(others[:FINALISATION_SHOWN])
        if len(others) > FINALISATION_SHOWN:
            shown += f" and {len(others) - FINALISATION_SHOWN} more"
        return (f"{sid} is finalised at the end: {len(others)} other stories are not done yet ({shown}).",
                "Keep it in review and finish it once every other story is done.")
    return f"{sid}: not allowed ({code}).", ""
