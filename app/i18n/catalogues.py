"""The compiled gettext catalogues (locale/<ll_CC>/LC_MESSAGES/<domain>.mo), loaded once per language.

The .po files are the source; setup.py's build step (and `make messages`) compiles them with Babel, so a wheel
and an editable checkout both carry the .mo files. English needs no catalogue: its msgids are the text.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Literal

from .languages import GETTEXT_LOCALE, Language

Domain = Literal["gradtrace", "playground"]
# gradtrace: what the service says (errors, warnings, notes) and the words inside drawings.
# playground: the page (templates/) and its script (static/src/).
DOMAINS: tuple[Domain, ...] = ("gradtrace", "playground")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


class MissingCatalogue(RuntimeError):
    """A translated language whose compiled catalogue is absent: a build step was skipped."""


@cache
def translator(language: Language, domain: Domain = "gradtrace") -> gettext.NullTranslations:
    """The translations of one domain into `language` (English: the msgids unchanged)."""
    if language == "en":
        return gettext.NullTranslations()
    folder = GETTEXT_LOCALE[language]
    compiled = LOCALE_DIR / folder / "LC_MESSAGES" / f"{domain}.mo"
    if not compiled.is_file():
        raise MissingCatalogue(
            f"{compiled} is missing: compile the catalogues with `make messages` "
            "(or reinstall: building the package compiles them)."
        )
    with compiled.open("rb") as stream:
        return gettext.GNUTranslations(stream)


def catalogue_entries(language: Language, domain: Domain) -> dict[str, str]:
    """Every msgid -> translation of a compiled catalogue (the playground's script gets these as JSON)."""
    translations = translator(language, domain)
    catalog: dict[object, str] = getattr(translations, "_catalog", {})
    return {key: value for key, value in catalog.items() if isinstance(key, str) and key}
