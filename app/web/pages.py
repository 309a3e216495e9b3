"""HTML pages: the playground at `/`. Everything it shows comes from the JSON API at run time."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..examples import load_examples

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def playground(request: Request) -> HTMLResponse:
    """Render the playground; the examples travel as a JSON data block the script reads."""
    settings = request.app.state.settings
    page_data: dict[str, Any] = {
        "examples": [asdict(example) for example in load_examples()],
        "maxSourceChars": settings.limits.max_source_chars,
        "maxUrlChars": settings.max_url_chars,
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, "index.html", {"page_data": page_data}
    )
    return response


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference: Swagger UI bundled from a pinned npm package and served from /static (no CDN),
    reading /openapi.json."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(request, "api-docs.html", {})
    return response
