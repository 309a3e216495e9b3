"""Headers every answer carries: nosniff everywhere, CORS `*` on images and JSON; preflights and HEAD."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORS_TYPES = (b"image/", b"application/json", b"application/pdf")
PREFLIGHT_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type, if-none-match"),
    (b"access-control-max-age", b"86400"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-length", b"0"),
]


class CommonHeaders:
    """Adds `X-Content-Type-Options: nosniff` to every answer and `Access-Control-Allow-Origin: *`
    to image and JSON answers (always, not per Origin, so a cached copy serves every site)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _is_preflight(scope):
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return

        head = scope.get("method") == "HEAD"
        if head:  # link checkers and proxies ask HEAD first: answer what GET would, without the body
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-content-type-options"] = "nosniff"
                if headers.get("content-type", "").encode().startswith(CORS_TYPES):
                    headers["access-control-allow-origin"] = "*"
                    headers["access-control-expose-headers"] = "ETag"
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_preflight(scope: Scope) -> bool:
    if scope.get("method") != "OPTIONS":
        return False
    return any(key == b"access-control-request-method" for key, _ in scope.get("headers", []))
