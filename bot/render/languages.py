"""What /lang and /team lang say (docs/i18n.md): which language a person or a plan's channel reads."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.render.mrkdwn import esc, mention

NAMES = {"fr": N_("French"), "en": N_("English")}
SOURCES = {
    "chosen": N_("your choice"),
    "slack": N_("your Slack language"),
    "plan": N_("the plan's language"),
    "install": N_("the language this installation speaks"),
}


def language_name(lang: str) -> str:
    return _(NAMES.get(lang, lang))


def personal(lang: str, source: str) -> str:
    """/lang alone."""
    return _("You read {language} ({source}). /lang fr or /lang en to choose; /lang auto to follow Slack "
             "and the plan.", language=language_name(lang), source=_(SOURCES[source]))


def personal_set(lang: str) -> str:
    """Said in the new language."""
    return _("Noted: I speak {language} to you from now on. /lang auto to follow Slack and the plan again.",
             language=language_name(lang))


def personal_auto(lang: str, source: str) -> str:
    return _("Noted: you read {language} ({source}), as Slack and the plan say.", language=language_name(lang),
             source=_(SOURCES[source]))


def forced(lang: str) -> str:
    return _("This installation speaks {language} to everyone (DELIVERYBOT_LANG): /lang changes nothing.",
             language=language_name(lang))


def plan_language(slug: str, lang: str, chosen: bool) -> str:
    """/team lang alone."""
    if chosen:
        return _("The channel and the digest of {plan} speak {language}, as a lead chose. /team lang auto "
                 "goes back to the plan's own language.", plan=esc(slug), language=language_name(lang))
    return _("The channel and the digest of {plan} speak {language}, the language the plan is written in.",
             plan=esc(slug), language=language_name(lang))


def plan_language_set(actor: str, slug: str, lang: str) -> str:
    """Announced in the channel, in the new language."""
    return _("🌐 {who} set the language of {plan}: the channel and the digest now speak {language}.",
             who=mention(actor), plan=esc(slug), language=language_name(lang))


def plan_language_unchanged(slug: str, lang: str) -> str:
    return _("{plan} already speaks {language}: nothing changed.", plan=esc(slug), language=language_name(lang))
