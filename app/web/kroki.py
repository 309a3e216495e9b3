"""Kroki's HTTP interface for diagram type `gradtrace`, so Kroki clients can use gradtrace as their server.

Kroki clients (mkdocs-kroki-plugin, sphinxcontrib-kroki, asciidoctor-kroki, remark-kroki) ask for
`GET /{type}/{format}/{encoded}` (deflate + base64url, as /svg/{encoded}), `POST /` with a JSON body
naming the type and format, or `POST /{type}/{format}` with the source as the body. Every answer goes
through the same image path as /svg/{encoded}: cache, ETag, worker pool, error pictures. Diagram
options (`diagram_options` in JSON, or the query string) are the image URLs' options.

The router's routes match almost any path, so the app includes it after every other route and mount.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import GradtraceError
from ..i18n import Message
from ..rendering.svg import ImageFormat
from .embed import IMAGE_CONTENT, QueryOptions
from .error_pictures import error_picture
from .image_query import ImageQuery
from .image_response import ImageRequest, answer_image
from .language import answer_language, header_language
from .source_encoding import decode_source

router = APIRouter(tags=["kroki"])

DIAGRAM_TYPE = "gradtrace"
FORMATS: tuple[str, ...] = get_args(ImageFormat)
OPTION_NAMES = tuple(ImageQuery.__dataclass_fields__)

# The bodies are read by hand (errors must be pictures, not 422 JSON); this only documents them.
_OPTIONS_SCHEMA = {"type": "object", "description": 'image URL options, e.g. {"theme": "dark"}'}
_JSON_BODY = {
    "type": "object",
    "properties": {
        "diagram_source": {"type": "string", "description": "the PyTorch code"},
        "diagram_type": {"type": "string", "enum": [DIAGRAM_TYPE]},
        "output_format": {"type": "string", "enum": list(get_args(ImageFormat))},
        "diagram_options": _OPTIONS_SCHEMA,
    },
    "required": ["diagram_source", "diagram_type"],
}
_TYPED_BODY = {
    "text/plain": {"schema": {"type": "string", "description": "the PyTorch code"}},
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"diagram_source": {"type": "string"}, "diagram_options": _OPTIONS_SCHEMA},
            "required": ["diagram_source"],
        }
    },
}


def _format(raw: object) -> ImageFormat:
    if raw not in FORMATS:
        message = Message("gradtrace draws {formats}, not {format!r}", formats=", ".join(FORMATS), format=raw)
        raise GradtraceError("request", message, code="request.format")
    fmt: ImageFormat = raw  # type: ignore[assignment]
    return fmt


def _picture_format(raw: object) -> ImageFormat:
    """The format an error picture is drawn in: the requested one when we draw it, else SVG."""
    return _format(raw) if raw in FORMATS else "svg"


def _check_type(diagram_type: object) -> None:
    if diagram_type != DIAGRAM_TYPE:
        message = Message(
            "this server draws only Kroki diagram type {ours!r}, not {theirs!r}: "
            "write ```kroki-{ours} blocks, or send other diagrams to a Kroki server",
            ours=DIAGRAM_TYPE,
            theirs=diagram_type,
        )
        raise GradtraceError("request", message, status=404, code="request.diagram_type")


def _options_query(options: object) -> ImageQuery:
    """Kroki's `diagram_options` as image URL options; option values may be strings, numbers or booleans."""
    if options is None:
        return ImageQuery()
    if not isinstance(options, dict):
        message = Message("`diagram_options` must be a JSON object such as {example}", example='{"theme": "dark"}')
        raise GradtraceError("request", message, code="request.option")
    unknown = sorted(str(name) for name in options if name not in OPTION_NAMES)
    if unknown:
        message = Message(
            "unknown diagram option {name!r}: gradtrace takes {options}",
            name=unknown[0],
            options=", ".join(OPTION_NAMES),
        )
        raise GradtraceError("request", message, code="request.option")
    return ImageQuery(**{str(name): _option_text(value) for name, value in options.items()})


def _option_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError):
        raise GradtraceError("request", Message("the body is not valid JSON"), code="request.invalid") from None
    if not isinstance(body, dict):
        message = Message("the body must be a JSON object such as {example}", example='{"diagram_source": "..."}')
        raise GradtraceError("request", message, code="request.invalid")
    return body


def _source(value: object) -> str:
    if not isinstance(value, str):
        message = Message("`diagram_source` must be the PyTorch code as a string")
        raise GradtraceError("request", message, code="request.invalid")
    return value


@router.get("/{diagram_type}/{output_format}/{encoded}", responses=IMAGE_CONTENT)
async def get_kroki_image(
    request: Request, diagram_type: str, output_format: str, encoded: str, query: QueryOptions
) -> Response:
    """Kroki's GET: `/gradtrace/{svg|png|pdf}/{base64url(zlib.compress(source))}`, image URL options as query."""

    async def load() -> ImageRequest:
        _check_type(diagram_type)
        fmt = _format(output_format)
        source = decode_source(encoded, request.app.state.settings.limits.max_source_chars)
        return ImageRequest(source, query.input_values(), query.options(accepted=header_language(request)), fmt)

    return await answer_image(request, _picture_format(output_format), load)


@router.post(
    "/",
    responses=IMAGE_CONTENT,
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _JSON_BODY}}}},
)
async def post_kroki_json(request: Request) -> Response:
    """Kroki's POST: `{"diagram_source", "diagram_type": "gradtrace", "output_format", "diagram_options"}`."""
    try:
        body = await _json_body(request)
    except GradtraceError as exc:
        return await error_picture(exc, "svg", answer_language(request))
    output_format = body.get("output_format", "svg")

    async def load() -> ImageRequest:
        _check_type(body.get("diagram_type"))
        fmt = _format(output_format)
        query = _options_query(body.get("diagram_options"))
        options = query.options(accepted=header_language(request))
        return ImageRequest(_source(body.get("diagram_source")), query.input_values(), options, fmt)

    return await answer_image(request, _picture_format(output_format), load)


@router.post(
    # Only this diagram type's path: a catch-all `/{type}/{format}` would answer 405, not 404, to a GET
    # of any two-segment path (`/app/config.py`).
    f"/{DIAGRAM_TYPE}/{{output_format}}",
    responses=IMAGE_CONTENT,
    openapi_extra={"requestBody": {"required": True, "content": _TYPED_BODY}},
)
async def post_kroki_typed(request: Request, output_format: str, query: QueryOptions) -> Response:
    """Kroki's POST to `/gradtrace/{format}`: the source as a plain-text body, or JSON
    `{"diagram_source", "diagram_options"}` (what mkdocs-kroki-plugin sends with http_method POST)."""

    async def load() -> ImageRequest:
        fmt = _format(output_format)
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await _json_body(request)
            chosen = _options_query(body.get("diagram_options"))
            source = _source(body.get("diagram_source"))
        else:
            chosen, source = query, await _text_body(request)
        return ImageRequest(source, chosen.input_values(), chosen.options(accepted=header_language(request)), fmt)

    return await answer_image(request, _picture_format(output_format), load)


async def _text_body(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise GradtraceError("request", Message("the body is not UTF-8 text"), code="request.invalid") from None
