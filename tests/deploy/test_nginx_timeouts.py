"""deploy/'s nginx waits for gradtrace's slowest answer and never sends a request that timed out to another
replica: the slow replica is still computing, so a retry would only start the same work again elsewhere
(a request at the CPU limit would cost its minute up to proxy_next_upstream_tries times)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2 as httpx
import pytest
from gradtrace.config import Limits, Settings
from gradtrace.worker import GRACE_SECONDS

from tests.deploy.servers import NGINX_TEMPLATE, MissingServer, start_nginx

SLOW_SECONDS = 3.0  # how long the stand-in replicas take to answer a POST: past the test's read timeout


class SlowReplica:
    """An HTTP server on 127.0.0.1 that counts the POSTs it receives and answers each after SLOW_SECONDS."""

    def __init__(self) -> None:
        self.received = 0
        lock = threading.Lock()
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    replica.received += 1
                time.sleep(SLOW_SECONDS)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:  # nginx gave up on us already
                    pass

            def log_message(self, format: str, *args: object) -> None:
                del format, args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def slow_replica() -> Iterator[SlowReplica]:
    replica = SlowReplica()
    thread = threading.Thread(target=replica.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replica
    finally:
        replica.server.shutdown()
        replica.server.server_close()
        thread.join()


def _directive(name: str) -> str:
    found = re.search(rf"^\s*{name} ([^;]+);", NGINX_TEMPLATE.read_text(), re.MULTILINE)
    assert found is not None, f"the template sets {name}"
    return found.group(1)


def test_nginx_waits_longer_than_gradtrace_takes_to_answer() -> None:
    seconds = _directive("proxy_read_timeout")
    assert seconds.endswith("s")
    slowest = Settings().queue_wait_seconds + Limits().timeout_seconds + GRACE_SECONDS
    assert float(seconds[:-1]) > slowest


def test_nginx_never_retries_a_request_that_timed_out() -> None:
    assert "timeout" not in _directive("proxy_next_upstream").split()


def test_a_post_that_times_out_reaches_one_replica_only() -> None:
    try:
        with (
            slow_replica() as first,
            slow_replica() as second,
            start_nginx(None, [first.address, second.address], read_timeout="1s") as nginx,
        ):
            answer = httpx.post(f"{nginx.url}/api/graph", json={"code": "x = 1"}, timeout=30)
            assert answer.status_code == 504  # nginx's own answer at its (shortened) read timeout
            # Retries happen before nginx answers: the count is final now.
            assert first.received + second.received == 1
    except MissingServer as missing:
        pytest.skip(str(missing))
