"""The server's HTTP/1.1 protocol: uvicorn's h11 protocol with the connection limits it lacks.

Uvicorn times out only idle keep-alive connections, and h11 resets a connection whose request head
passes its buffer. This protocol adds, per connection:
- a deadline for the request line and headers (from connecting, or from the previous answer), and
  one for the body once the headers are in: a client sending a byte every few seconds is cut off;
- a cap on open connections in all and per address (trusted proxies exempt), closing new ones;
- an answer to an over-long request line (414) or header block (431) -- an error picture for image
  URLs -- sent before h11 would give up, then a lingering close: the rest of what the client sends
  is read and dropped until it closes, so it reads the answer instead of a reset.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import Settings
from ..errors import GradtraceError
from .errors import error_svg
from .fairness import is_trusted, trusted_networks
from .guards import image_format_of
from .headers import content_security_policy

REQUEST_LINE_SLACK = 64  # method, spaces and version around a target of max_url_chars
LINGER_SECONDS = 5.0  # how long a refused request's remaining bytes are read and dropped
REASONS = {408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def head_limits(settings: Settings) -> tuple[int, int]:
    """(longest request line, largest request head) this protocol passes on to the app."""
    line = settings.max_url_chars + REQUEST_LINE_SLACK
    return line, line + settings.max_header_bytes


def guarded_protocol(settings: Settings) -> type[H11Protocol]:
    """An H11Protocol class enforcing `settings`; its per-address counts are shared by its connections."""
    trusted = trusted_networks(settings.trusted_proxies)
    max_line, max_head = head_limits(settings)
    open_per_address: Counter[str] = Counter()

    class GuardedH11Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline: asyncio.TimerHandle | None = None
            self._watched: object = None
            self._head = bytearray()  # the request head being received, up to max_head + 1 bytes
            self._refused = False
            self._address: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            address = self.client[0] if self.client else ""
            crowded = len(self.connections) > settings.max_connections
            if not is_trusted(address, trusted):
                self._address = address
                open_per_address[address] += 1
                crowded = crowded or open_per_address[address] > settings.client_max_connections
            if crowded:  # refused before it says anything: nothing to answer yet
                self._refused = True
                self.transport.close()
                return
            self._watch()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_deadline()
            if self._address is not None:
                open_per_address[self._address] -= 1
                if open_per_address[self._address] <= 0:
                    del open_per_address[self._address]
                self._address = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # lingering: read and dropped
            if self.conn.their_state is h11.IDLE and self._head_too_long(data):
                return
            super().data_received(data)
            self._watch()

        def eof_received(self) -> None:
            return None  # the transport closes; for a refused request, the client has read the answer

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def _head_too_long(self, data: bytes) -> bool:
            self._head += data[: max_head + 1 - len(self._head)]
            end = self._head.find(b"\r\n\r\n")
            line_end = self._head.find(b"\r\n")
            line_length = line_end if line_end >= 0 else len(self._head)
            if line_length > max_line:
                self._refuse(414)
            elif (end if end >= 0 else len(self._head)) > max_head:
                self._refuse(431)
            return self._refused

        def _watch(self) -> None:
            """Arm the deadline of the part of the request being received, when that part changes."""
            state = self.conn.their_state
            if state is self._watched:
                return
            self._cancel_deadline()
            self._watched = state
            if state is not h11.IDLE:
                self._head.clear()
            seconds = {h11.IDLE: settings.header_timeout_seconds, h11.SEND_BODY: settings.body_timeout_seconds}
            if state in seconds and not self.transport.is_closing():
                self._deadline = self.loop.call_later(seconds[state], self._too_slow)

        def _cancel_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state is h11.IDLE and self._head:
                message = f"the request's headers did not arrive within {settings.header_timeout_seconds:g} s"
                self._refuse(408, message)
            else:  # idle between requests, or a body too slow (the app sees the client leave)
                self.transport.close()

        def _refuse(self, status: int, message: str | None = None) -> None:
            self._refused = True
            self._cancel_deadline()
            self.transport.write(refusal(status, message or _limit_message(status, settings), bytes(self._head)))
            self._head.clear()
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self._deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return GuardedH11Protocol


def _limit_message(status: int, settings: Settings) -> str:
    if status == 414:
        return (
            f"the URL is longer than {settings.max_url_chars} characters. Use the compressed /svg/{{encoded}} "
            "form or store the snippet with POST /api/snippets"
        )
    return f"the request's headers are larger than {settings.max_header_bytes} bytes"


def refusal(status: int, message: str, head: bytes) -> bytes:
    """A whole HTTP/1.1 answer refusing the request whose head starts with `head`: an SVG error
    picture for an image URL (PNG and PDF URLs too: an <img> shows any of them), JSON otherwise."""
    error = GradtraceError("limit" if status != 408 else "timeout", message, status=status)
    target = head.split(b"\r\n", 1)[0].split(b" ")
    path = target[1].split(b"?", 1)[0].decode("latin-1") if len(target) > 1 else ""
    if image_format_of(path) is not None:
        body = bytes(error_svg(error).body)
        content_type = "image/svg+xml"
    else:
        body = json.dumps({"error": error.to_dict()}).encode()
        content_type = "application/json"
    headers = [
        f"HTTP/1.1 {status} {REASONS[status]}",
        f"content-type: {content_type}",
        f"content-length: {len(body)}",
        "connection: close",
        "cache-control: no-store",
        "x-content-type-options: nosniff",
        f"content-security-policy: {content_security_policy(content_type)}",
        "access-control-allow-origin: *",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body
