"""HTML pages: the playground at `/`. Everything it shows comes from the JSON API at run time.

Pages speak the learner's language: `?lang=zh-CN` or `?lang=en` wins, else the browser's Accept-Language,
else English. The templates translate with the `playground` catalogue (Jinja2's i18n extension), and the
page's script gets the same catalogue as JSON, so the words it writes at run time follow too.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..examples import load_examples
from ..i18n import Language, catalogue_entries, from_accept_language, parse_language, translator

router = APIRouter()


def page_language(request: Request) -> Language:
    """The language a page is shown in: the `lang` query parameter, else Accept-Language, else English.

    An unknown `lang` is not an error on a page (a typed address should still open): the browser's
    preferences decide then, and the language switch shows which one was chosen.
    """
    asked = request.query_params.get("lang")
    chosen = parse_language(asked) if asked else None
    return chosen or from_accept_language(request.headers.get("accept-language"))


def script_catalogue(language: Language) -> dict[str, str | list[str]]:
    """The `playground` catalogue for the page's script: msgid -> translation, a plural entry -> its forms."""
    entries: dict[str, str | list[str]] = dict(catalogue_entries(language, "playground"))
    if language == "en":
        return entries
    catalog: dict[object, str] = getattr(translator(language, "playground"), "_catalog", {})
    plurals: dict[str, dict[int, str]] = {}
    for key, value in catalog.items():
        if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], int):
            plurals.setdefault(key[0], {})[key[1]] = value
    for msgid, forms in plurals.items():
        entries[msgid] = [forms[index] for index in sorted(forms)]
    return entries


def render_page(request: Request, template: str, language: Language, context: dict[str, Any]) -> HTMLResponse:
    """A template in `language`: `_()`, `gettext` and `{% trans %}` look up the playground catalogue."""
    translations = translator(language, "playground")
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "lang": language,
            "_": translations.gettext,
            "gettext": translations.gettext,
            "ngettext": translations.ngettext,
        },
    )
    # The same address answers in another language to another browser: caches must keep them apart.
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = language
    return response


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def playground(request: Request) -> HTMLResponse:
    """Render the playground; the examples and the script's catalogue travel as a JSON data block."""
    settings = request.app.state.settings
    language = page_language(request)
    page_data: dict[str, Any] = {
        "lang": language,
        "catalogue": script_catalogue(language),
        "examples": [asdict(example) for example in load_examples(language)],
        "maxSourceChars": settings.limits.max_source_chars,
        "maxUrlChars": settings.max_url_chars,
    }
    return render_page(request, "index.html", language, {"page_data": page_data})


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference: Swagger UI bundled from a pinned npm package and served from /static (no CDN),
    reading /openapi.json."""
    return render_page(request, "api-docs.html", page_language(request), {})
