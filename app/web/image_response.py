"""Image answers that caches and proxies can keep: strong ETag, 304, immutable, errors never cached."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.errors import GradtraceError
from app.pipeline import renderer_version
from app.render.options import RenderOptions
from app.render.svg import ImageFormat
from app.snippets import canonical_request
from app.web.error_pictures import MEDIA_TYPES, error_picture
from app.web.image_cache import RenderedImageCache
from app.worker import Job, WorkerPool

CACHEABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class ImageRequest:
    """What to draw: the program, its inputs, the options and the format."""

    code: str
    inputs: dict[str, Any]
    options: RenderOptions
    fmt: ImageFormat


def image_etag(image: ImageRequest) -> str:
    """A strong ETag from the canonical request and the renderer version: the same request always
    draws the same bytes (design principle 6), so the tag is known before drawing."""
    canonical = canonical_request(image.code, image.inputs, image.options)
    digest = hashlib.sha256(f"{canonical}\n{image.fmt}\n{renderer_version()}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


async def answer_image(request: Request, fmt: ImageFormat, load: Callable[[], Awaitable[ImageRequest]]) -> Response:
    """Draw what `load` names, from the cache when possible; any GradtraceError is a picture of it."""
    try:
        image = await load()
        etag = image_etag(image)
        headers = {"ETag": etag, "Cache-Control": CACHEABLE}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        body = await _image_bytes(request, image, etag)
    except GradtraceError as exc:
        return await error_picture(exc, fmt)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


async def _image_bytes(request: Request, image: ImageRequest, etag: str) -> bytes:
    image_cache: RenderedImageCache = request.app.state.image_cache
    body = image_cache.get(etag)
    if body is None:
        pool: WorkerPool = request.app.state.pool
        job = Job(image.code, image.inputs, image.options, image_format=image.fmt)
        result = await run_in_threadpool(pool.run, job)
        if result.image is None:
            raise GradtraceError("render", "the worker returned no image")
        body = result.image
        image_cache.put(etag, body)
    return body


def remember_image(request: Request, image: ImageRequest, body: bytes) -> None:
    """Keep bytes drawn elsewhere (a snippet's validation run) for the image URL that names them."""
    image_cache: RenderedImageCache = request.app.state.image_cache
    image_cache.put(image_etag(image), body)
