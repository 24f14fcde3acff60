"""/lang (what a person reads) and /team lang (what a plan's channel and digest speak).

A person's choice is stored workspace-wide (`Store.set_person_language`); without one they read
their Slack locale's language, else the plan's. A plan's choice is a plan setting, recorded with
an audit event like every team change, so every process's cached context speaks it at once.
"""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import _, language_or_none, speaking
from bot.render import languages as say
from bot.service.context import Call
from bot.service.parsing import InputError, keyword
from bot.service.replies import Reply, to_channel

AUTO_WORDS = ("auto", "default", "défaut", "defaut", "slack")
LANG_AUDIT = "team-lang"  # reason "lang fr", "lang en" or "lang auto"


def _wanted(call: Call) -> str | None:
    """"fr", "en", or "" for auto; None when nothing was said; InputError for anything else."""
    if not call.args:
        return None
    word = keyword(call.args[0])
    lang = language_or_none(word)
    if len(call.args) > 1 or not (lang or word in AUTO_WORDS):
        raise InputError(_("Usage: {usage}", usage=_(call.usage)))
    return lang or ""


def _source(call: Call) -> str:
    if call.settings.forced_lang:
        return "install"
    if call.store.person_language(call.actor):
        return "chosen"
    return "slack" if call.ctx.personal(call.actor) else "plan"


def personal(call: Call) -> Reply:
    """/lang [fr|en|auto]: show or set the language the asker reads (said in the new one)."""
    wanted = _wanted(call)
    if call.settings.forced_lang and wanted is not None:
        return Reply(True, say.forced(call.settings.forced_lang), kind="lang", data={"lang": call.settings.forced_lang})
    if wanted is not None:
        call.store.set_person_language(call.actor, wanted or None)
    lang = call.language_of(call.actor)
    with speaking(lang):
        if wanted is None:
            text = say.personal(lang, _source(call))
        elif wanted:
            text = say.personal_set(lang)
        else:
            text = say.personal_auto(lang, _source(call))
        return Reply(True, text, kind="lang", data={"lang": lang, "source": _source(call)})


def plan(call: Call) -> Reply:
    """/team lang fr|en|auto (a lead): the language of the plan's channel posts and digest."""
    ctx = call.ctx
    wanted = _wanted(call)
    if wanted is None:
        chosen = call.store.plan_settings(ctx.slug).lang is not None
        return Reply(True, say.plan_language(ctx.slug, ctx.lang, chosen), kind="team",
                     data={"plan": ctx.slug, "lang": ctx.lang})
    new = call.settings.forced_lang or wanted or ctx.plan.language
    if (call.store.plan_settings(ctx.slug).lang or "") == wanted:
        return Reply(True, say.plan_language_unchanged(ctx.slug, new), kind="team",
                     data={"plan": ctx.slug, "lang": new})
    call.store.update_plan_settings(ctx.slug, lang=wanted or None)
    call.store.record_audit(ctx.slug, call.actor, LANG_AUDIT, f"lang {wanted or 'auto'}", request_id=call.request_id)
    data = {"plan": ctx.slug, "lang": new}
    note = to_channel(replace(ctx, lang=new), lambda: say.plan_language_set(call.actor, ctx.slug, new), data)
    with speaking(ctx.personal(call.actor) or new):  # the lead reads the plan's language unless they chose theirs
        return Reply(True, say.plan_language_set(call.actor, ctx.slug, new), kind="team-changed", data=data,
                     notifications=(note,))
