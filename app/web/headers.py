"""Headers every answer carries: nosniff and a Content-Security-Policy everywhere, CORS `*` on images
and JSON; preflights and HEAD."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORS_TYPES = (b"image/", b"application/json", b"application/pdf")

# The page and the API docs: only their own scripts and styles, served from /static; inline style
# attributes are allowed (the drawn graph and the editor set them), inline scripts are not. No site
# may frame them (clickjacking); images are embedded by <img>, which frame-ancestors does not touch.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Everything else (SVG and other images, JSON, text): nothing executable and nothing loaded from
# anywhere, should a browser open it as a document; an SVG keeps its inline styles.
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def content_security_policy(content_type: str) -> str:
    """The Content-Security-Policy of an answer of `content_type`."""
    return PAGE_POLICY if content_type.startswith("text/html") else CONTENT_POLICY


PREFLIGHT_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type, if-none-match"),
    (b"access-control-max-age", b"86400"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CONTENT_POLICY.encode()),
    (b"content-length", b"0"),
]


class CommonHeaders:
    """Adds `X-Content-Type-Options: nosniff` and a Content-Security-Policy to every answer and
    `Access-Control-Allow-Origin: *` to image and JSON answers (always, not per Origin, so a cached
    copy serves every site)."""

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
                headers["content-security-policy"] = content_security_policy(headers.get("content-type", ""))
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
