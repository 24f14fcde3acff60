"""/prepare, /assign and /release: who holds a story, said the way the plan's section 8 works.

Preparing claims a story that can't start yet (branch, variables, secrets) so that others'
/start respects it and its preparer hears first when it opens; assigning hands a story someone
holds to someone else; releasing puts it back to do. Each is an event through the same
decide -> compare-and-set path as every move (`bot.service.transitions.transition`).
"""

from __future__ import annotations

from bot.i18n import _
from bot.service.context import Call
from bot.service.parsing import InputError, keyword, person, show
from bot.service.replies import Reply
from bot.service.transitions import transition
from planner.state import Action
from planner.workflow import Request

OFF_WORDS = ("off", "stop")  # after `keyword`: no, non and off are one


def prepare_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    rest = call.args[1:]
    if len(rest) > 1 or (rest and keyword(rest[0]) not in OFF_WORDS):
        raise InputError(_("'{word}' is not understood here. Usage: {usage}", word=show(' '.join(rest), 30),
                           usage=_(call.usage)))
    action = Action.UNPREPARE if rest else Action.PREPARE
    return transition(call, Request(action, sid, call.actor, call.is_lead))


def assign_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    if len(call.args) != 2 or not person(call.args[1]):
        raise InputError(_("To whom? Name one person. Usage: {usage}", usage=_(call.usage)))
    return transition(call, Request(Action.ASSIGN, sid, call.actor, call.is_lead, person=person(call.args[1])))


def release_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    if len(call.args) > 1:
        raise InputError(_("Just the story. Usage: {usage}", usage=_(call.usage)))
    return transition(call, Request(Action.RELEASE, sid, call.actor, call.is_lead))
