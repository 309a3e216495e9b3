"""ASGI guards that refuse oversized requests before any work: 414 for URLs, 413 for bodies."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from ..errors import GradtraceError
from ..i18n import Language, Message
from ..rendering.svg import ImageFormat
from .language import scope_language


class RequestSizeGuard:
    """Answers 414 for a URL longer than `max_url` and 413 for a body larger than `max_body`."""

    def __init__(self, app: ASGIApp, max_url: int, max_body: int) -> None:
        self.app = app
        self.max_url = max_url
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_length = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        language = scope_language(scope)
        if url_length > self.max_url:
            error = url_too_long(url_length, self.max_url)
            picture = image_format_of(scope.get("path", ""))
            if picture is None:
                await _refuse(send, error, language)
            else:  # an <img> shows the message instead of a broken-image icon
                from .error_pictures import error_picture

                await (await error_picture(error, picture, language))(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await _refuse(send, body_too_large(self.max_body), language)
            return
        messages = await self._read_body(receive)
        if messages is None:
            await _refuse(send, body_too_large(self.max_body), language)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _read_body(self, receive: Receive) -> list[ASGIMessage] | None:
        """The body's messages, or None once it passes max_body. A chunked body has no Content-Length
        to check first; reading it here (at most max_body bytes) answers 413 rather than a parse error."""
        messages: list[ASGIMessage] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                return None
            if not message.get("more_body", False):
                return messages


def _replay(messages: list[ASGIMessage], receive: Receive) -> Receive:
    """A receive that hands out the body read already, then listens on (for disconnects)."""
    pending = list(messages)

    async def replayed() -> ASGIMessage:
        return pending.pop(0) if pending else await receive()

    return replayed


def image_format_of(path: str) -> ImageFormat | None:
    """The image format an image URL asks for (/svg/..., /png/..., /s/{id}.pdf, /graph.svg), or None."""
    for fmt in ("svg", "png", "pdf"):
        if path.startswith(f"/{fmt}/") or (path.startswith("/s/") and path.endswith(f".{fmt}")):
            return fmt
    return "svg" if path == "/graph.svg" else None


class BodyTooLarge(Exception):
    """A streamed body passed the limit; the app turns it into a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def url_too_long(length: int | None, limit: int) -> GradtraceError:
    """The 414 of a URL past the limit (`length` None: its length is not known, only that it is too long)."""
    advice = Message("Use the compressed /svg/{{encoded}} form or store the snippet with POST /api/snippets")
    if length is None:
        message = Message("the URL is longer than {limit} characters. {advice}", limit=limit, advice=advice)
    else:
        message = Message(
            "the URL is {length} characters; the limit is {limit}. {advice}", length=length, limit=limit, advice=advice
        )
    return GradtraceError("limit", message, status=414, code="limit.url_length")


def body_too_large(limit: int) -> GradtraceError:
    return GradtraceError(
        "limit",
        Message("the request body is larger than {limit} bytes", limit=limit),
        status=413,
        code="limit.body_size",
    )


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, error: GradtraceError, language: Language) -> None:
    body = json.dumps({"error": error.to_dict(language)}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"content-language", language.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
