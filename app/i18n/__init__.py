"""Words in the learner's language: English (the source text) and Simplified Chinese.

Every sentence gradtrace shows is a `Message` built from an English msgid that Babel extracts into the gettext
catalogues under locale/ (`make messages`; compiled to .mo when the package is built). A Message is translated
only where it is shown (`render(text, lang)`): errors cross the worker pipe and results are cached with their
English text intact, and one answer can be shown in either language.
"""

from __future__ import annotations

from .catalogues import DOMAINS, catalogue_entries, translator
from .languages import DEFAULT_LANGUAGE, LANGUAGES, Language, from_accept_language, parse_language
from .messages import Joined, Message, Plural, Series, Text, render

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAINS",
    "LANGUAGES",
    "Joined",
    "Language",
    "Message",
    "Plural",
    "Series",
    "Text",
    "catalogue_entries",
    "from_accept_language",
    "parse_language",
    "render",
    "translator",
]
