"""Slow and oversized connections against the real `gradtrace serve` (issue 9, findings 6 and 8).

Raw sockets, so what is tested is what the server sends on the wire: an answer, never a reset.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradtrace.cli import server_options
from gradtrace.config import Settings
from gradtrace.web.connection_guard import head_limits

from tests.service import Service

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
PER_ADDRESS = 8


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    env = {
        "GRADTRACE_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "GRADTRACE_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
        "GRADTRACE_CLIENT_MAX_CONNECTIONS": str(PER_ADDRESS),
    }
    running = Service(env=env)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def connect(service: Service) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=30)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; a reset fails the test."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def exchange(service: Service, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(service) as sock:
        sock.sendall(request)
        answer = read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    ("target", "picture"),
    [
        ("/svg/" + "A" * 200_000, True),  # was: the connection reset
        ("/png/" + "A" * 200_000, True),
        ("/graph.svg?code=" + "x" * 200_000, True),
        ("/api/graph?code=" + "x" * 200_000, False),
        ("/svg/" + "A" * 9_000, True),  # past max_url_chars, within what the server reads: the app answers
    ],
)
def test_over_long_url_is_a_414_answer_never_a_reset(service: Service, target: str, picture: bool) -> None:
    status, headers, body = exchange(service, f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in headers["content-security-policy"]
    if picture:  # an <img> shows the message instead of a broken image
        assert headers["content-type"].startswith("image/svg+xml")
        assert body.startswith(b"<svg") and b"POST /api/snippets" in body
    else:
        assert headers["content-type"] == "application/json" and b'"limit"' in body


@pytest.mark.parametrize(("target", "media_type"), [("/healthz", "application/json"), ("/svg/abc", "image/svg+xml")])
def test_over_large_headers_are_a_431_answer_never_a_reset(service: Service, target: str, media_type: str) -> None:
    request = f"GET {target} HTTP/1.1\r\nHost: x\r\nX-Padding: {'p' * 60_000}\r\n\r\n".encode()
    status, headers, body = exchange(service, request)
    assert status == 431 and headers["content-type"].startswith(media_type)
    assert b"headers are larger than" in body


def test_headers_sent_a_byte_at_a_time_are_cut_off(service: Service) -> None:
    """A slowloris client keeps a connection by sending a byte every few seconds, forever."""
    start = time.monotonic()
    with connect(service) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        sock.settimeout(0.5)
        answer = b""
        while time.monotonic() - start < HEADER_TIMEOUT + 15:
            try:
                sock.sendall(b"X")
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if not chunk:
                break
            answer += chunk
    took = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert took < HEADER_TIMEOUT + 10, f"the slow client was kept {took:.1f} s"


def test_body_sent_a_byte_at_a_time_is_cut_off(service: Service) -> None:
    start = time.monotonic()
    with connect(service) as sock:
        sock.sendall(
            b"POST /api/graph HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"
        )
        sock.settimeout(0.5)
        closed = False
        while time.monotonic() - start < BODY_TIMEOUT + 15 and not closed:
            try:
                sock.sendall(b" ")
                closed = sock.recv(4096) == b""
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
    took = time.monotonic() - start
    assert closed and took < BODY_TIMEOUT + 10, f"the slow body was read for {took:.1f} s"


def test_connections_per_address_are_capped_and_freed(service: Service) -> None:
    """An address that opens more than its share of connections gets the extra ones closed at once;
    closing its connections lets it in again."""
    idle = [connect(service) for _ in range(PER_ADDRESS)]
    try:
        deadline = time.monotonic() + 10
        extra = connect(service)
        extra.settimeout(5)
        try:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            refused = extra.recv(4096) == b""
        except (BrokenPipeError, ConnectionResetError):
            refused = True
        finally:
            extra.close()
        assert refused and time.monotonic() < deadline
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the server notices the closes
        status, _, _ = exchange(service, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if status == 200:
            return
        time.sleep(0.1)
    raise AssertionError("the address stayed refused after closing its connections")


def test_server_options_use_the_settings() -> None:
    settings = Settings(max_connections=123, keep_alive_seconds=7, trusted_proxies=("10.0.0.1",))
    options = server_options(settings)
    assert options["limit_concurrency"] == 123 and options["timeout_keep_alive"] == 7
    assert options["access_log"] is False  # the protocol writes the line itself (uvicorn's logger is slow)
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == ["10.0.0.1"]
    assert server_options(Settings())["proxy_headers"] is False  # nobody's X-Forwarded-For is believed


def test_a_head_at_the_limits_is_answered_not_refused(service: Service) -> None:
    """The protocol's limits are the server's: a head just within them reaches the app (the parser
    under it refuses nothing smaller)."""
    _, max_head = head_limits(Settings())
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Padding: "
    request += b"p" * (max_head - len(request) - 4) + b"\r\n\r\n"
    assert len(request) == max_head
    status, _, body = exchange(service, request)
    assert status == 200 and b'"status"' in body


def test_each_request_has_one_access_log_line(service: Service) -> None:
    """uvicorn's access logger is off (slow); the protocol writes the same line itself, at once."""
    status, _, _ = exchange(service, b"GET /healthz?probe=log-line HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = Path(service.log.name).read_text(errors="replace")
        if '"GET /healthz?probe=log-line HTTP/1.1" 200' in log:
            assert log.count("probe=log-line") == 1
            return
        time.sleep(0.05)
    raise AssertionError("no access-log line for the request")


def test_pipelined_requests_are_answered_in_order(service: Service) -> None:
    """Two requests in one write (HTTP/1.1 pipelining): both answered, in order, the second's head
    checked and timed like the first's."""
    first = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    two = first + b"GET /healthz?second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with connect(service) as sock:
        sock.sendall(two)
        answer = read_all(sock)
    assert answer.count(b"HTTP/1.1 200 OK") == 2 and answer.count(b'"status"') == 2
