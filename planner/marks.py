"""`N_`: marks a sentence the planner or storage writes (a finding, a state's name, a database
fault) for the translation catalogs, without translating it. The planner imports nothing of the
bot; the bot says the marked text in the reader's language (`bot.i18n._`) where it shows it."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def N_(message: str, /) -> str:
    return message


class Unreadable(ValueError):
    """A value a person typed that can't be read (a time, a zone, a day, a date): `str()` is the
    English sentence, `template` and `values` let the bot say it in the reader's language."""

    def __init__(self, template: str, /, **values: object) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values


# A sentence kept with its values, to be said later in the reader's language: `template` is an
# N_-marked English sentence with {named} placeholders; a value is a plain value, another phrase
# (a marked part of the sentence: "the 3-dev plan") or a `joined` list of values. JSON-friendly.
Phrase = dict


def phrase(template: str, /, **values: object) -> Phrase:
    """A marked sentence (or part of one) and the values that fill it."""
    return {"template": template, "values": values}


def joined(separator: str, items: Iterable[object], /) -> Phrase:
    """Values said one after the other with `separator` between them (punctuation, not words)."""
    return {"join": separator, "items": list(items)}


def say(template: str, values: dict, translate: Callable[[str], str] | None = None) -> str:
    """`template` filled with `values`, each phrase among them said first. `translate` gives a
    template's words in the reader's language (None: the English as written)."""
    words = translate(template) if translate else template
    if not values:
        return words
    return words.format(**{key: said(value, translate) for key, value in values.items()})


def said(value: object, translate: Callable[[str], str] | None = None) -> object:
    """A value as it is shown: a phrase or a joined list in words, anything else unchanged."""
    if isinstance(value, dict) and "template" in value:
        return say(value["template"], value.get("values") or {}, translate)
    if isinstance(value, dict) and "join" in value:
        return value["join"].join(str(said(item, translate)) for item in value.get("items") or ())
    return value
