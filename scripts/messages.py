"""The message catalogues: extract the msgids from the code, merge them into the .po files, check and compile them.

    python scripts/messages.py update    # extract, then merge into every .po (new entries untranslated)
    python scripts/messages.py check     # what is missing, untranslated, fuzzy, obsolete or mis-placeheld
    python scripts/messages.py compile   # .po -> .mo (setup.py's build step does this too)

Two gettext domains (app/i18n/catalogues.py): `gradtrace` from the Python code (`Message`, `Plural`), and
`playground` from the page's templates (`{% trans %}`, `_()`) and script (`t()`, `tn()`). English is the source
language (the msgids), so only Simplified Chinese has .po files. Babel does the extraction and the file formats.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "app" / "i18n" / "locale"
TRANSLATED = {"zh_CN": "Simplified Chinese"}
COMMENT_TAGS = ("Translators:",)


@dataclass(frozen=True)
class Source:
    """One kind of file a domain's msgids come from, and the call names that mark them."""

    folder: str
    pattern: str
    method: str
    keywords: dict[str, object]


SOURCES: dict[str, tuple[Source, ...]] = {
    "gradtrace": (Source("app", "**.py", "python", {"Message": None, "Plural": (1, 2)}),),
    "playground": (
        Source("templates", "**.html", "jinja2.ext:babel_extract", {"_": None, "gettext": None, "ngettext": (1, 2)}),
        Source("static/src", "**.js", "javascript", {"t": None, "tn": (1, 2)}),
    ),
}


def po_path(locale: str, domain: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str):  # type: ignore[no-untyped-def]  # Babel's Catalog (Babel is a build/dev dependency)
    """A template catalogue of every msgid the domain's sources use, with where each is used."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="gradtrace", domain=domain, fuzzy=False)
    for source in SOURCES[domain]:
        folder = ROOT / source.folder
        found = extract_from_dir(
            folder,
            method_map=[(source.pattern, source.method)],
            options_map={source.pattern: {"extensions": "jinja2.ext.i18n"}} if "jinja2" in source.method else {},
            keywords=source.keywords,  # type: ignore[arg-type]
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            where = (f"{source.folder}/{filename}", lineno)
            template.add(message, None, [where], auto_comments=comments, context=context)
    return template


def read(locale: str, domain: str):  # type: ignore[no-untyped-def]
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(locale, domain)
    if not path.is_file():
        return Catalog(
            locale=locale,
            domain=domain,
            project="gradtrace",
            header_comment=f"# {TRANSLATED[locale]} messages of gradtrace ({domain}). Glossary: docs/translating.md",
            fuzzy=False,
            last_translator="gradtrace maintainers",
            language_team="gradtrace",
            msgid_bugs_address="the gradtrace issue tracker",
        )
    with path.open("rb") as stream:
        return read_po(stream, locale=locale, domain=domain)


def update() -> None:
    """Merge the extracted msgids into every .po: new ones arrive untranslated, vanished ones are dropped."""
    from babel.messages.pofile import write_po

    for domain in SOURCES:
        template = extract(domain)
        for locale in TRANSLATED:
            catalogue = read(locale, domain)
            catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
            catalogue.obsolete.clear()
            path = po_path(locale, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as stream:
                # Files without line numbers: an edit elsewhere in a file does not rewrite its entries.
                write_po(stream, catalogue, width=120, sort_by_file=True, include_lineno=False)
            print(f"{path.relative_to(ROOT)}: {len(catalogue)} entries")


def placeholders(text: str) -> set[str]:
    """The `{names}` a str.format template fills (a Message's parameters)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def problems() -> Iterator[str]:
    """Every way the catalogues and the code disagree (empty when all is well)."""
    for domain in SOURCES:
        template = extract(domain)
        used = {message.id for message in template if message.id}
        for locale in TRANSLATED:
            catalogue = read(locale, domain)
            where = f"{locale}/{domain}.po"
            known = {message.id: message for message in catalogue if message.id}
            for msgid in sorted(used - set(known), key=str):
                yield f"{where}: missing {msgid!r} (run `make messages`, then translate it)"
            for msgid in sorted(set(known) - used, key=str):
                yield f"{where}: {msgid!r} is no longer used by the code (run `make messages`)"
            for msgid, message in known.items():
                yield from _entry_problems(where, msgid, message)


def _entry_problems(where: str, msgid: object, message) -> Iterator[str]:  # type: ignore[no-untyped-def]
    forms = list(message.id) if isinstance(msgid, tuple) else [msgid]
    translations = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    if message.fuzzy:
        yield f"{where}: {forms[0]!r} is marked fuzzy: check its translation and remove the flag"
    if not all(translations):
        yield f"{where}: {forms[0]!r} is not translated"
        return
    expected = set().union(*(placeholders(form) for form in forms))
    for translation in translations:
        try:
            got = placeholders(translation)
        except ValueError as error:
            yield f"{where}: the translation of {forms[0]!r} is not a valid template ({error})"
            continue
        if got - expected or placeholders(forms[0]) - got - {"n"}:
            yield f"{where}: {forms[0]!r} has placeholders {sorted(expected)}, its translation {sorted(got)}"


def compile_catalogues(target: Path = LOCALE_DIR) -> list[Path]:
    """Write one .mo beside (or, for a build, under `target` in the same layout as) each .po."""
    from babel.messages.mofile import write_mo

    written = []
    for locale in TRANSLATED:
        for domain in SOURCES:
            source = po_path(locale, domain)
            if not source.is_file():
                continue
            catalogue = read(locale, domain)
            compiled = target / locale / "LC_MESSAGES" / f"{domain}.mo"
            compiled.parent.mkdir(parents=True, exist_ok=True)
            with compiled.open("wb") as stream:
                write_mo(stream, catalogue, use_fuzzy=False)
            written.append(compiled)
    return written


def stale() -> bool:
    """Some .po is newer than its .mo (or has none): the service would read old translations."""
    for source in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        compiled = source.with_suffix(".mo")
        if not compiled.is_file() or compiled.stat().st_mtime < source.stat().st_mtime:
            return True
    return False


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
        compile_catalogues()
        return 0
    if command == "compile":
        for path in compile_catalogues():
            print(path.relative_to(ROOT))
        return 0
    if command == "check":
        found = list(problems())
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
