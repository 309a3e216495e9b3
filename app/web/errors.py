"""The one place errors become HTTP answers: JSON for the API, a picture for image requests."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from ..errors import GradtraceError, RetryLater
from ..rendering.drawing_text import drawing_text
from ..result import Result, result_to_json

NO_STORE = {"Cache-Control": "no-store"}


def error_headers(error: GradtraceError) -> dict[str, str]:
    """Headers of every error answer: never cached; Retry-After when the request may come back later."""
    if isinstance(error, RetryLater):
        return {**NO_STORE, "Retry-After": str(error.retry_after)}
    return dict(NO_STORE)


def error_json(error: GradtraceError) -> JSONResponse:
    """`{"error": {...}}` with the error's status; never cached. A program that failed part-way also
    answers what ran before the failing line under `partial` (the shape of a successful answer)."""
    body: dict[str, object] = {"error": error.to_dict()}
    if isinstance(error.partial, Result):
        body["partial"] = result_to_json(error.partial)
    return JSONResponse(body, status_code=error.status, headers=error_headers(error))


def error_svg(error: GradtraceError) -> Response:
    """A small SVG that shows the error where the graph would have been (for <img> tags)."""
    text = error.display_message()
    lines = wrap_lines(text, 70)[:8]
    width = 40 + 8 * max(len(line) for line in lines)  # 13px monospace: ~7.8px per character
    height = 46 + 18 * len(lines)
    rows = "".join(
        f'<text x="16" y="{52 + 18 * i}" font-family="monospace" font-size="13" fill="#7f1d1d">'
        f"{drawing_text(line)}</text>"
        for i, line in enumerate(lines)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="gradtrace error">'
        f"<title>gradtrace error</title>"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" fill="#fef2f2" stroke="#dc2626"/>'
        f'<text x="16" y="28" font-family="sans-serif" font-size="14" font-weight="bold" fill="#991b1b">'
        f"gradtrace: {drawing_text(error.kind)} error</text>{rows}</svg>"
    )
    return Response(svg, status_code=error.status, media_type="image/svg+xml", headers=error_headers(error))


def wrap_lines(text: str, width: int) -> list[str]:
    """`text` broken at spaces into lines of at most `width` characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            cut = paragraph.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            lines.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        lines.append(paragraph)
    return lines


async def on_gradtrace_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GradtraceError)
    return error_json(exc)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    message = "the request is not valid: " + "; ".join(problems)
    return error_json(GradtraceError("request", message))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind_message = {404: "no such page", 405: "that method is not allowed here"}
    message = kind_message.get(exc.status_code, str(exc.detail))
    return error_json(GradtraceError("request", message, status=exc.status_code))
