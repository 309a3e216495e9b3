"""The one place errors become HTTP answers: JSON for the API, a picture for image requests."""

from __future__ import annotations

from unicodedata import east_asian_width

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from ..errors import ERROR_TITLES, GradtraceError, RetryLater
from ..i18n import DEFAULT_LANGUAGE, Language, Message, parse_language
from ..rendering.drawing_text import drawing_text
from ..result import Result, result_to_json
from .language import answer_language

NO_STORE = {"Cache-Control": "no-store"}


def error_headers(error: GradtraceError, language: Language = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Headers of every error answer: never cached; the language its message is written in; Retry-After when
    the request may come back later."""
    headers = {**NO_STORE, "Content-Language": language}
    if isinstance(error, RetryLater):
        headers["Retry-After"] = str(error.retry_after)
    return headers


def error_json(error: GradtraceError, language: Language = DEFAULT_LANGUAGE) -> JSONResponse:
    """`{"error": {...}}` in `language` with the error's status; never cached. A program that failed part-way
    also answers what ran before the failing line under `partial` (the shape of a successful answer)."""
    body: dict[str, object] = {"error": error.to_dict(language)}
    if isinstance(error.partial, Result):
        body["partial"] = result_to_json(error.partial, language)
    return JSONResponse(body, status_code=error.status, headers=error_headers(error, language))


def error_heading(error: GradtraceError, language: Language) -> str:
    """The picture's first line: which kind of error this is."""
    return Message("gradtrace: {error}", error=ERROR_TITLES[error.kind]).render(language)


def error_svg(error: GradtraceError, language: Language = DEFAULT_LANGUAGE) -> Response:
    """A small SVG that shows the error, in `language`, where the graph would have been (for <img> tags)."""
    text = error.display_message(language)
    lines = wrap_lines(text, 70, max_lines=8)
    width = 40 + 8 * max(text_columns(line) for line in lines)  # 13px monospace: ~7.8px per column
    height = 46 + 18 * len(lines)
    rows = "".join(
        f'<text x="16" y="{52 + 18 * i}" font-family="monospace" font-size="13" fill="#7f1d1d">'
        f"{drawing_text(line)}</text>"
        for i, line in enumerate(lines)
    )
    heading = drawing_text(error_heading(error, language))  # also what a screen reader says first
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{heading}">'
        f"<title>{heading}</title>"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" fill="#fef2f2" stroke="#dc2626"/>'
        f'<text x="16" y="28" font-family="sans-serif" font-size="14" font-weight="bold" fill="#991b1b">'
        f"{heading}</text>{rows}</svg>"
    )
    return Response(svg, status_code=error.status, media_type="image/svg+xml", headers=error_headers(error, language))


def text_columns(text: str) -> int:
    """How many monospace columns `text` takes: a CJK character (East Asian wide or full-width) takes two."""
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


# Chinese punctuation that closes what comes before it (a line never starts with one) or opens what follows it
# (a line never ends with one).
NO_LINE_START = frozenset("，。、；：！？）」』》】”")
NO_LINE_END = frozenset("（「『《【“")


def wrap_lines(text: str, width: int, max_lines: int) -> list[str]:
    """The first `max_lines` lines of `text` broken into lines of at most `width` columns: at spaces, or beside a
    Chinese character (Chinese has no spaces), never inside a Latin word or a code name (`random.seed/randn` in a
    Chinese sentence stays whole). Work stops at `max_lines`: a message can quote 100,000 characters of the
    program's data, and only a picture's few lines are drawn."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        while len(lines) < max_lines and (fits := _fitting_chars(paragraph, width)) < len(paragraph):
            cut = _last_break(paragraph, fits)
            lines.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        if len(lines) >= max_lines:
            break
        lines.append(paragraph)
    return lines


def _last_break(text: str, fits: int) -> int:
    """Where to end a line that may hold `text[:fits]`: the last space or Chinese character boundary, else `fits`
    (a word longer than a line is cut where it must be)."""
    for cut in range(fits, 0, -1):
        if not text[:cut].strip():
            break
        before, after = text[cut - 1], text[cut]
        if after == " " or before == " ":
            return cut
        wide = east_asian_width(before) in "WF" or east_asian_width(after) in "WF"
        if wide and after not in NO_LINE_START and before not in NO_LINE_END:
            return cut
    return fits


def _fitting_chars(text: str, width: int) -> int:
    """How many leading characters of `text` fit in `width` columns (at least one)."""
    columns = 0
    for index, char in enumerate(text):
        columns += 2 if east_asian_width(char) in "WF" else 1
        if columns > width:
            return max(1, index)
    return len(text)


async def on_gradtrace_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GradtraceError)
    return error_json(exc, answer_language(request))


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """A body or query FastAPI could not read: pydantic's own words for each problem, framed in the language."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    message = Message("the request is not valid: {problems}", problems="; ".join(problems))
    error = GradtraceError("request", message, code="request.invalid")
    return error_json(error, _body_language(exc.body) or answer_language(request))


def _body_language(body: object) -> Language | None:
    """The `options.lang` of a JSON body that failed validation elsewhere, when it names a language we speak."""
    options = body.get("options") if isinstance(body, dict) else None
    lang = options.get("lang") if isinstance(options, dict) else None
    return parse_language(lang) if isinstance(lang, str) else None


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    language = answer_language(request)
    if exc.status_code == 404:
        error = GradtraceError("request", Message("no such page"), status=404, code="request.not_found")
    elif exc.status_code == 405:
        error = GradtraceError("request", Message("that method is not allowed here"), status=405, code="request.method")
    else:
        error = GradtraceError("request", str(exc.detail), status=exc.status_code, code="request.http")
    return error_json(error, language)
