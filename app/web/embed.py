"""Image URLs for course pages: /svg|png|pdf/{encoded}, stored snippets at /s/{id}.svg|png|pdf."""

from __future__ import annotations

from dataclasses import asdict, replace
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language, Message, render
from ..pipeline import check_inputs
from ..rendering.svg import ImageFormat
from ..store import SnippetStore
from ..worker import Job
from . import api
from .image_query import ImageQuery, image_query
from .image_response import ImageRequest, answer_image, remember_image
from .jobs import quota_of
from .language import header_language, resolve_language
from .schemas import GraphRequest
from .source_encoding import decode_source

router = APIRouter()

FORMATS: tuple[ImageFormat, ...] = ("svg", "png", "pdf")
IMAGE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}, "image/png": {}, "application/pdf": {}}},
    304: {"description": "not modified (If-None-Match named the ETag)"},
    **{
        code: {"description": "an error picture in the requested format"}
        for code in (400, 403, 404, 408, 422, 429, 503)
    },
}
SNIPPET_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "the same snippet was stored already: its id and URLs"},
    507: {"description": "the snippet store is full (GRADTRACE_SNIPPET_STORE_MAX_BYTES); stored snippets still draw"},
}
QueryOptions = Annotated[ImageQuery, Depends(image_query)]


def no_snippet(key: str) -> GradtraceError:
    """The 404 of an id nothing is stored under (JSON for the API, a picture for image URLs)."""
    return GradtraceError(
        "request", Message("there is no stored snippet {key!r}", key=key[:64]), status=404, code="request.no_snippet"
    )


def _store(request: Request) -> SnippetStore:
    store: SnippetStore = request.app.state.snippets
    return store


async def _encoded_image(request: Request, fmt: ImageFormat, encoded: str, query: ImageQuery) -> Response:
    async def load() -> ImageRequest:
        source = decode_source(encoded, request.app.state.settings.limits.max_source_chars)
        return ImageRequest(source, query.input_values(), query.options(accepted=header_language(request)), fmt)

    return await answer_image(request, fmt, load)


@router.get("/svg/{encoded}", responses=IMAGE_CONTENT)
async def get_encoded_svg(request: Request, encoded: str, query: QueryOptions) -> Response:
    """SVG of `base64url(zlib.compress(source))`, with the query options of /graph.svg."""
    return await _encoded_image(request, "svg", encoded, query)


@router.get("/png/{encoded}", responses=IMAGE_CONTENT)
async def get_encoded_png(request: Request, encoded: str, query: QueryOptions) -> Response:
    """PNG of `base64url(zlib.compress(source))`."""
    return await _encoded_image(request, "png", encoded, query)


@router.get("/pdf/{encoded}", responses=IMAGE_CONTENT)
async def get_encoded_pdf(request: Request, encoded: str, query: QueryOptions) -> Response:
    """PDF of `base64url(zlib.compress(source))` (for LaTeX and PDF builds)."""
    return await _encoded_image(request, "pdf", encoded, query)


@router.get("/s/{filename}", responses=IMAGE_CONTENT)
async def get_snippet_image(request: Request, filename: str, query: QueryOptions) -> Response:
    """A stored snippet as `{id}.svg`, `{id}.png` or `{id}.pdf`; query options override stored ones."""
    key, _, extension = filename.rpartition(".")
    fmt: ImageFormat = extension if extension in FORMATS else "svg"

    async def load() -> ImageRequest:
        if extension not in FORMATS:
            raise GradtraceError(
                "request", Message("snippet images end in .svg, .png or .pdf"), status=404, code="request.no_snippet"
            )
        snippet = await run_in_threadpool(_store(request).get, key)
        if snippet is None:
            raise no_snippet(key)
        inputs = query.input_values() if query.inputs is not None else snippet.inputs
        options = query.options(snippet.options, accepted=header_language(request))
        return ImageRequest(snippet.code, inputs, options, fmt)

    return await answer_image(request, fmt, load)


@router.post("/api/snippets", status_code=201, responses=SNIPPET_ANSWERS)
async def post_snippet(body: GraphRequest, request: Request) -> JSONResponse:
    """Run the snippet once (a broken one is refused with its error), store it, answer its URLs.

    The language is not stored: each image URL speaks its own `lang`, else its reader's Accept-Language. The
    answer's URLs name `lang` when the request's options did, so an author who asked for 中文 links to 中文."""
    language = resolve_language(request, body.options.lang)
    check_inputs(body.inputs)
    options = body.options.to_options(language)
    quota = quota_of(request)
    quota.charge(quota.client_of(request), "snippet")  # on top of the compute run_job charges
    await run_in_threadpool(_store(request).check_room)  # a full store refuses before a worker runs
    result = await api.run_job(request, Job(body.code, body.inputs, options, image_format="svg"))
    if result.image is None:
        raise GradtraceError("render", Message("the worker returned no image"), code="render.no_image")
    remember_image(request, ImageRequest(body.code, body.inputs, options, "svg"), result.image)
    sent = await request.body()  # the bytes the body was parsed from (Starlette keeps them)
    stored = replace(options, lang=DEFAULT_LANGUAGE)  # the same snippet id in every language
    key, created = await run_in_threadpool(_store(request).put, body.code, body.inputs, stored, sent)
    root = result.graphs[options.graph].graph.root
    alt = render(Message("Autograd graph of {root}", root=root) if root else Message("Autograd graph"), language)
    named = body.options.lang or request.query_params.get("lang")
    links = snippet_links(str(request.base_url).rstrip("/"), key, alt, language if named else None)
    payload = {"id": key, "created": created, **links}
    headers = {"Cache-Control": "no-store", "Content-Language": language}  # the alt text's language
    return JSONResponse(payload, status_code=201 if created else 200, headers=headers)


@router.get("/api/snippets/{key}")
async def get_snippet(key: str, request: Request) -> JSONResponse:
    """The stored snippet's code, inputs and options (what POST /api/snippets was given)."""
    snippet = await run_in_threadpool(_store(request).get, key)
    if snippet is None:
        raise no_snippet(key)
    options = {name: value for name, value in asdict(snippet.options).items() if name != "lang"}  # never stored
    body = {"id": snippet.id, "code": snippet.code, "inputs": snippet.inputs, "options": options}
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=31536000, immutable"})


def snippet_links(base: str, key: str, alt: str, language: Language | None = None) -> dict[str, dict[str, str]]:
    """Ready-made URLs and embed snippets (HTML, Markdown, light/dark <picture>) for a stored id; with
    `language`, every URL names it (`?lang=zh-CN`), else each reader gets their browser's language."""
    query = f"?lang={language}" if language else ""
    urls: dict[str, str] = {fmt: f"{base}/s/{key}.{fmt}{query}" for fmt in FORMATS}
    themed = f"{urls['svg']}&" if query else f"{urls['svg']}?"
    urls["svg_light"] = f"{themed}theme=light"
    urls["svg_dark"] = f"{themed}theme=dark"
    urls["svg_auto"] = f"{themed}theme=auto"
    text = escape(alt)
    picture = (
        f'<picture>\n  <source media="(prefers-color-scheme: dark)" srcset="{escape(urls["svg_dark"])}">\n'
        f'  <img src="{escape(urls["svg_light"])}" alt="{text}">\n</picture>'
    )
    embed = {
        "html": f'<img src="{escape(urls["svg"])}" alt="{text}">',
        "markdown": f"![{alt}]({urls['svg']})",
        "picture": picture,
    }
    return {"urls": urls, "embed": embed}
