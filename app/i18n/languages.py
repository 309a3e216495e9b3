"""Which language an answer speaks: the `lang` a request names, else its Accept-Language header, else English."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["en", "zh-CN"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"

# gettext's folder name for each language (locale/<folder>/LC_MESSAGES/<domain>.mo).
GETTEXT_LOCALE: dict[Language, str] = {"en": "en", "zh-CN": "zh_CN"}


def parse_language(tag: str) -> Language | None:
    """The supported language a BCP 47 tag asks for, or None.

    Any Chinese tag (zh, zh-CN, zh-Hans, zh_SG, zh-TW ...) gets Simplified Chinese: it is the only Chinese we
    have, and a reader of Traditional Chinese reads it far more easily than English. Any English tag gets English.
    """
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None


def from_accept_language(header: str | None) -> Language:
    """The best supported language of an Accept-Language header (RFC 9110 §12.5.4), English when none fits.

    Ranges are tried by falling quality, ties in the order written; `q=0` means "not this one". The wildcard
    `*` matches the default. A malformed entry is skipped, never an error: the header is a preference.
    """
    if not header:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")[:32]):
        tag, _, parameters = entry.partition(";")
        quality = _quality(parameters)
        if tag.strip() and quality is not None and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    for _quality_rank, _position, tag in sorted(ranked):
        if tag == "*":
            return DEFAULT_LANGUAGE
        language = parse_language(tag)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def _quality(parameters: str) -> float | None:
    """The q value of `;q=0.8` (1.0 when absent), or None when it is not a number in [0, 1]."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
            return quality if 0.0 <= quality <= 1.0 else None
    return 1.0
