"""The language deliverybot speaks: French or English, chosen per message, never per process.

Every sentence a person reads is written in English in the code and looked up in a gettext
catalog (`bot/i18n/locale/<lang>/LC_MESSAGES/messages.po`, compiled to `.mo` at install or build
time; `tools/i18n.py` extracts, updates, checks and compiles them with Babel). A reply is said in
the language of the person who asked, a channel post and the digest in the plan's: the service
opens `speaking(lang)` around what it words for each of them, and the render functions call:

- `_("▶ {who} started {story}.", who=…, story=…)`: the sentence in the current language, its
  `{named}` placeholders filled afterwards (so a value is never read as a template);
- `n_("{n} story", "{n} stories", n)`: the plural the language's own rule picks ("0 story" in
  French, "0 stories" in English), with `{n}` filled;
- `p_("action", "review")`: a word whose meaning depends on where it stands (msgctxt);
- `N_("to do")`: marks a sentence kept in a constant, said later with `_(constant)`. The planner
  and storage, which import nothing of ours, mark theirs with `planner.marks.N_`.

Babel itself is imported only when a date or a number is formatted (`bot.i18n.formats`): the
command-line path stays fast, reading a compiled catalog with the standard library's gettext.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.i18n.catalogs import LANGUAGES, SOURCE, catalog, language_or_none

__all__ = ["LANGUAGES", "SOURCE", "N_", "_", "current", "language_or_none", "n_", "p_", "speak", "speaking"]

_current: ContextVar[str] = ContextVar("deliverybot_language", default=SOURCE)


def current() -> str:
    """The language being spoken now ("en" outside any `speaking` block)."""
    return _current.get()


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Word everything inside in `lang` (None or an unknown code: keep the current language)."""
    chosen = language_or_none(lang) or current()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def speak(lang: str | None) -> None:
    """Switch to `lang` until the enclosing `speaking` block ends (the service learns whom it
    answers only once it has read the plan)."""
    chosen = language_or_none(lang)
    if chosen:
        _current.set(chosen)


def _(message: str, /, **values: object) -> str:
    """`message` in the current language, its `{placeholders}` filled from `values`."""
    text = catalog(current()).gettext(message)
    return text.format(**values) if values else text


def n_(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of `singular`/`plural` the current language uses for `n`, with `{n}` filled."""
    return catalog(current()).ngettext(singular, plural, n).format(n=n, **values)


def p_(context: str, message: str, /, **values: object) -> str:
    """`message` as said in `context` ("action": a word of the event history), where the same
    English word means something else elsewhere ("review" the state, "review" the action)."""
    text = catalog(current()).pgettext(context, message)
    return text.format(**values) if values else text


def N_(message: str, /) -> str:
    """Mark `message` for the catalogs without translating it here: `_(value)` says it later."""
    return message
