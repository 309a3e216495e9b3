"""The language a request's answer speaks: `lang` (JSON options, then the query), else Accept-Language, else English.

It is resolved once per request and kept on `request.state`, so an error raised later (in a worker, in a route)
is answered in the same language as the drawing would have been. An error raised before the request names a
usable language (a body that does not parse, an unsupported `lang`) still follows Accept-Language.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import Scope

from ..errors import GradtraceError
from ..i18n import LANGUAGES, Language, Message, from_accept_language, parse_language

MAX_LANG_CHARS = 35  # longer than any BCP 47 tag worth reading; the rest is not echoed back


def named_language(raw: str) -> Language:
    """The supported language `lang=raw` names (forgiving: zh, zh_CN, zh-Hans, en-US), or a `request.lang` error."""
    language = parse_language(raw)
    if language is None:
        raise GradtraceError(
            "request",
            Message(
                "lang={lang!r} is not a language gradtrace speaks: write lang=en (English) or lang=zh-CN (简体中文)",
                lang=raw[:MAX_LANG_CHARS],
            ),
            code="request.lang",
        )
    return language


def resolve_language(request: Request, named: str | None = None) -> Language:
    """The request's language: `named` (a JSON body's options.lang), else `?lang=`, else Accept-Language.

    A `lang` gradtrace does not speak is a 400; the language is remembered for the request's error answers."""
    raw = named or request.query_params.get("lang")  # an empty lang= names nothing
    language = named_language(raw) if raw else header_language(request)
    request.state.lang = language
    return language


def header_language(request: Request) -> Language:
    """What the Accept-Language header asks for (English when it asks for nothing we speak)."""
    return from_accept_language(request.headers.get("accept-language"))


def answer_language(request: Request) -> Language:
    """The language of an error answer: the one resolved for the request, else what it asks without failing."""
    resolved = getattr(request.state, "lang", None)
    if resolved in LANGUAGES:
        chosen: Language = resolved
        return chosen
    return scope_language(request.scope)


def scope_language(scope: Scope) -> Language:
    """The language a raw request asks for, never failing: a usable `?lang=`, else Accept-Language (for answers
    given before routing, such as a 413 or 414)."""
    query = scope.get("query_string") or b""
    for raw in parse_qs(query.decode("latin-1")).get("lang", [])[:1]:
        language = parse_language(raw)
        if language is not None:
            return language
    header = next((value for key, value in scope.get("headers", []) if key == b"accept-language"), b"")
    return from_accept_language(header.decode("latin-1"))
