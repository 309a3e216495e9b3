"""Image answers that caches and proxies can keep: strong ETag, 304, immutable, errors never cached."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import Response

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from ..pipeline import output_version
from ..rendering.options import RenderOptions
from ..rendering.svg import ImageFormat
from ..snippets import canonical_request
from ..worker import Job, WorkerPool
from .error_pictures import MEDIA_TYPES, error_picture
from .image_cache import RenderedImageCache
from .jobs import quota_of, run_admitted
from .language import answer_language

CACHEABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class ImageRequest:
    """What to draw: the program, its inputs, the options and the format."""

    code: str
    inputs: dict[str, Any]
    options: RenderOptions
    fmt: ImageFormat


def image_etag(image: ImageRequest, limits: Limits) -> str:
    """A strong ETag from the canonical request, the versions and the limits that change the
    output: the same request always draws the same bytes (design principle 6), so the tag is
    known before drawing."""
    canonical = canonical_request(image.code, image.inputs, image.options)
    digest = hashlib.sha256(f"{canonical}\n{image.fmt}\n{output_version(limits)}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    return etag in _listed_tags(if_none_match)


def _listed_tags(if_none_match: str | None) -> set[str]:
    if not if_none_match:
        return set()
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def _drawing_limits(request: Request) -> Limits:
    # The workers' limits, which are what draws the bytes (a shared pool may differ from settings).
    pool: WorkerPool = request.app.state.pool
    return pool.limits


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if etag_matches(header, etag):
        return True
    # `*` asks "do you have any image here?": only one drawn fine (kept in the cache) counts, or a
    # broken snippet, which has no image, would get a 304 that caches forever.
    image_cache: RenderedImageCache = request.app.state.image_cache
    return "*" in _listed_tags(header) and image_cache.get(etag) is not None


async def answer_image(request: Request, fmt: ImageFormat, load: Callable[[], Awaitable[ImageRequest]]) -> Response:
    """Draw what `load` names, from the cache when possible; any GradtraceError is a picture of it, in the
    request's language (the drawing's, once `load` has read the options)."""
    language = answer_language(request)
    try:
        image = await load()
        language = image.options.lang
        etag = image_etag(image, _drawing_limits(request))
        headers = {"ETag": etag, "Cache-Control": CACHEABLE, "Content-Language": language, **language_vary(request)}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        body = await _image_bytes(request, image, etag)
    except GradtraceError as exc:
        return await error_picture(exc, fmt, language)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def language_vary(request: Request) -> dict[str, str]:
    """`Vary: Accept-Language` when the URL names no `lang`: the same URL then draws another language's words
    for another reader, and a shared cache (nginx, a CDN) must keep one copy per language."""
    return {} if request.query_params.get("lang") else {"Vary": "Accept-Language"}


async def _image_bytes(request: Request, image: ImageRequest, etag: str) -> bytes:
    # Single flight: of many requests for one image at once, the first draws and the rest wait
    # for its bytes or its error, so a page (or a crawler) cannot fill every worker with one job.
    image_cache: RenderedImageCache = request.app.state.image_cache
    flight, draws = image_cache.join(etag)
    if draws:
        body: bytes | None = None
        error: BaseException | None = None
        try:
            # Only a drawing is charged to the client: cached bytes, a 304 and joining another
            # request's drawing cost no worker. No await lies between join() and here, so nobody
            # has joined this flight yet if the charge is refused.
            quota = quota_of(request)
            client = quota.client_of(request)
            quota.charge(client, "compute")
            body = await _draw(request, client, image)
        except Exception as exc:
            error = exc
        except BaseException:  # cancelled: the waiters must still wake up
            error = GradtraceError(
                "timeout", Message("drawing this image was interrupted; load it again"), code="timeout.interrupted"
            )
            raise
        finally:
            image_cache.land(etag, flight, body, error)
    # shield: one waiter leaving (its client went away) must not cancel the future of the others
    return await asyncio.shield(asyncio.wrap_future(flight))


async def _draw(request: Request, client: str, image: ImageRequest) -> bytes:
    job = Job(image.code, image.inputs, image.options, image_format=image.fmt)
    result = await run_admitted(request, client, job)
    if result.image is None:
        raise GradtraceError("render", Message("the worker returned no image"), code="render.no_image")
    return result.image


def remember_image(request: Request, image: ImageRequest, body: bytes) -> None:
    """Keep bytes drawn elsewhere (a snippet's validation run) for the image URL that names them."""
    image_cache: RenderedImageCache = request.app.state.image_cache
    image_cache.put(image_etag(image, _drawing_limits(request)), body)
