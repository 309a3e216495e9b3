"""Translatable text: a Message keeps its English msgid and parameters until it is shown in a language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from .catalogues import translator
from .languages import DEFAULT_LANGUAGE, Language


class Message:
    """One sentence (or phrase) of the catalogue, with named `{placeholders}` filled at render time.

    The msgid must be a string literal at the call site, so Babel can extract it (tests/test_catalogue.py checks).
    Parameters are plain values (names, numbers, quoted user text, PyTorch's own error text: never translated)
    or other translatable text, rendered in the same language.
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params: Mapping[str, object] = params

    def render(self, language: Language) -> str:
        template = translator(language).gettext(self.msgid)
        return template.format_map(_rendered(self.params, language))

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.msgid, dict(self.params)) == (other.msgid, dict(other.params))

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __reduce__(self) -> tuple[object, ...]:
        return (_message, (self.msgid, dict(self.params)))


class Plural(Message):
    """A Message whose wording depends on a count `n` ("1 box", "3 boxes"); `{n}` is available to both forms."""

    __slots__ = ("n", "plural")

    def __init__(self, singular: str, plural: str, /, n: int, **params: object) -> None:
        super().__init__(singular, n=n, **params)
        self.plural = plural
        self.n = n

    def render(self, language: Language) -> str:
        template = translator(language).ngettext(self.msgid, self.plural, self.n)
        return template.format_map(_rendered(self.params, language))

    def __reduce__(self) -> tuple[object, ...]:
        params = {key: value for key, value in self.params.items() if key != "n"}
        return (_plural, (self.msgid, self.plural, self.n, params))


class Joined:
    """Sentences shown one after another: a space between them in English, none in Chinese (。 ends a sentence)."""

    __slots__ = ("parts",)

    def __init__(self, *parts: Text) -> None:
        self.parts = parts

    def render(self, language: Language) -> str:
        separator = "" if language == "zh-CN" else " "
        return separator.join(text for part in self.parts if (text := render(part, language)))

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"Joined{self.parts!r}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __reduce__(self) -> tuple[object, ...]:
        return (Joined, self.parts)


class Series:
    """Items listed in a row, e.g. dimensions: `0, 1` in English, `0、1` in Chinese (the enumeration comma)."""

    __slots__ = ("items",)

    def __init__(self, *items: object) -> None:
        self.items = tuple(str(item) for item in items)

    def render(self, language: Language) -> str:
        return ("、" if language == "zh-CN" else ", ").join(self.items)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"Series{self.items!r}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Series) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)

    def __reduce__(self) -> tuple[object, ...]:
        return (Series, self.items)


# A str is text that is shown as it is in every language: a name, a number, PyTorch's own words.
Text: TypeAlias = Message | Joined | Series | str


def render(text: Text, language: Language) -> str:
    """`text` in `language` (a str is returned unchanged)."""
    return text if isinstance(text, str) else text.render(language)


def _rendered(params: Mapping[str, object], language: Language) -> dict[str, object]:
    translatable = Message | Joined | Series
    return {key: value.render(language) if isinstance(value, translatable) else value for key, value in params.items()}


def _message(msgid: str, params: dict[str, object]) -> Message:
    return Message(msgid, **params)


def _plural(singular: str, plural: str, n: int, params: dict[str, object]) -> Plural:
    return Plural(singular, plural, n=n, **params)
