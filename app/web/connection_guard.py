"""The server's HTTP/1.1 protocol: uvicorn's httptools protocol with the connection limits it lacks.

Uvicorn times out only idle keep-alive connections and puts no bound on a request's head. This
protocol adds, per connection:
- a deadline for the request line and headers (from connecting, or from the previous answer), and
  one for the body once the headers are in: a client sending a byte every few seconds is cut off;
- a cap on open connections in all and per address (trusted proxies exempt), closing new ones;
- an answer to an over-long request line (414) or header block (431) -- an error picture for image
  URLs -- sent before the parser sees it, then a lingering close: the rest of what the client sends
  is read and dropped until it closes, so it reads the answer instead of a reset;
- an answer's head and body sent in one write (HeadJoinedToBody);
- one access-log line a request, written as is: uvicorn's access logger (a log record, a formatter
  and a handler's lock a request) cost the web process more than parsing the request.

httptools (llhttp, in C) rather than h11 (pure Python): parsing and answering cost the web process a
fraction of h11's time on every request.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.parse
from collections import Counter
from typing import Any, Literal

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..config import Settings
from ..errors import GradtraceError
from ..i18n import Message, Text
from .errors import error_svg
from .fairness import is_trusted, trusted_networks
from .guards import image_format_of, url_too_long
from .headers import content_security_policy
from .language import scope_language

REQUEST_LINE_SLACK = 64  # method, spaces and version around a target of max_url_chars
LINGER_SECONDS = 5.0  # how long a refused request's remaining bytes are read and dropped
REASONS = {408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}
CODES = {408: "timeout.headers", 414: "limit.url_length", 431: "limit.header_size"}

# What the connection is receiving: a request's head (or waiting for one), its body, or nothing while
# the app answers the request.
Phase = Literal["head", "body", "answering"]


def head_limits(settings: Settings) -> tuple[int, int]:
    """(longest request line, largest request head) this protocol passes on to the app."""
    line = settings.max_url_chars + REQUEST_LINE_SLACK
    return line, line + settings.max_header_bytes


def guarded_protocol(settings: Settings, access_log: bool = True) -> type[HttpToolsProtocol]:
    """An HttpToolsProtocol class enforcing `settings`; its per-address counts are shared by its
    connections. With `access_log`, each request's line goes to standard output when it is answered."""
    trusted = trusted_networks(settings.trusted_proxies)
    max_line, max_head = head_limits(settings)
    open_per_address: Counter[str] = Counter()
    deadlines = {"head": settings.header_timeout_seconds, "body": settings.body_timeout_seconds}

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline: asyncio.TimerHandle | None = None
            self._phase: Phase = "head"
            self._watched: Phase | None = None
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
            if self._phase != "body" and self._head_too_long(data):
                return
            super().data_received(data)

        def eof_received(self) -> None:
            return None  # the transport closes; for a refused request, the client has read the answer

        def on_headers_complete(self) -> None:
            previous = self.cycle
            super().on_headers_complete()
            self._head.clear()
            self._phase = "body"
            self._watch()
            if self.cycle is previous:  # no new request cycle (a protocol upgrade): nothing to answer here
                return
            self.cycle.transport = HeadJoinedToBody(self.transport, self.loop)  # type: ignore[assignment]
            if access_log:
                _log_when_answered(self.cycle)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._phase = "answering"
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            # A pipelined request may be under way already (its own phase) or being answered now.
            if self._phase == "answering" and (self.cycle is None or self.cycle.response_complete):
                self._phase = "head"
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
            if self._phase == self._watched:
                return
            self._cancel_deadline()
            self._watched = self._phase
            seconds = deadlines.get(self._phase)
            if seconds is not None and not self.transport.is_closing():
                self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _cancel_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self._phase == "head" and self._head:
                seconds = f"{settings.header_timeout_seconds:g}"
                self._refuse(408, Message("the request's headers did not arrive within {seconds} s", seconds=seconds))
            else:  # idle between requests, or a body too slow (the app sees the client leave)
                self.transport.close()

        def _refuse(self, status: int, message: Text | None = None) -> None:
            self._refused = True
            self._cancel_deadline()
            self.transport.write(refusal(status, message or _limit_message(status, settings), bytes(self._head)))
            self._head.clear()
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self._deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return GuardedHttpToolsProtocol


class HeadJoinedToBody:
    """A connection's transport for one answer that sends the answer's head with its body's first
    bytes in one write: written apart, the client wakes for the head alone, and on a busy machine
    waking it can take the core from this process before the body is written."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._first = True

    def write(self, data: bytes) -> None:
        if self._first:  # the head (or a 100 Continue): held until the loop's next turn at the latest
            self._first = False
            self._held = bytes(data)
            self._loop.call_soon(self._release)
        elif self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held + data)
        else:
            self._transport.write(data)

    def _release(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def close(self) -> None:
        self._release()
        self._transport.close()


def _log_when_answered(cycle: Any) -> None:
    """Write the request's access-log line (uvicorn's format) once its answer has started: on the
    loop's next turn, so the answer's first write (head and body, HeadJoinedToBody) goes out first."""
    send = cycle.send
    scope = cycle.scope

    async def logged_send(message: Any) -> None:
        if message["type"] == "http.response.start":
            asyncio.get_running_loop().call_soon(_write_line, access_line(scope, message["status"]))
        await send(message)

    cycle.send = logged_send


def _write_line(line: str) -> None:
    sys.stdout.write(line)
    sys.stdout.flush()  # as uvicorn's handler does: a log file or `docker logs` shows it now


def access_line(scope: Any, status: int) -> str:
    """`INFO:     host:port - "GET /path?query HTTP/1.1" 200`, as uvicorn's access log quotes it."""
    client = scope.get("client")
    who = f"{client[0]}:{client[1]}" if client else "-"
    target = urllib.parse.quote(scope["path"])
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode("ascii", "replace")
    return f'INFO:     {who} - "{scope["method"]} {target} HTTP/{scope["http_version"]}" {status}\n'


def _limit_message(status: int, settings: Settings) -> Text:
    if status == 414:
        return url_too_long(None, settings.max_url_chars).text
    return Message("the request's headers are larger than {limit} bytes", limit=settings.max_header_bytes)


def refusal(status: int, message: Text, head: bytes) -> bytes:
    """A whole HTTP/1.1 answer refusing the request whose head starts with `head`: an SVG error
    picture for an image URL (PNG and PDF URLs too: an <img> shows any of them), JSON otherwise;
    in the language the head asks for, as far as it arrived (`?lang=`, Accept-Language)."""
    error = GradtraceError("limit" if status != 408 else "timeout", message, status=status, code=CODES[status])
    request_line, _, header_block = head.partition(b"\r\n")
    target = request_line.split(b" ")
    path, _, query = target[1].partition(b"?") if len(target) > 1 else (b"", b"", b"")
    language = scope_language({"query_string": query, "headers": _header_pairs(header_block)})
    if image_format_of(path.decode("latin-1")) is not None:
        body = bytes(error_svg(error, language).body)
        content_type = "image/svg+xml"
    else:
        body = json.dumps({"error": error.to_dict(language)}, ensure_ascii=False).encode()
        content_type = "application/json"
    headers = [
        f"HTTP/1.1 {status} {REASONS[status]}",
        f"content-type: {content_type}",
        f"content-length: {len(body)}",
        "connection: close",
        "cache-control: no-store",
        f"content-language: {language}",
        "x-content-type-options: nosniff",
        f"content-security-policy: {content_security_policy(content_type)}",
        "access-control-allow-origin: *",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def _header_pairs(block: bytes) -> list[tuple[bytes, bytes]]:
    """The complete `name: value` lines of a request head, names in lower case (as ASGI scopes hold them)."""
    pairs = []
    for line in block.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon:
            pairs.append((name.strip().lower(), value.strip()))
    return pairs
