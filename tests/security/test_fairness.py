"""No client can take the service from the others (issue 9, findings 4 and 5).

The real service (`gradtrace serve`, two workers) trusts loopback as its proxy here, so each test
client is named by its X-Forwarded-For address: one machine plays many clients.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.web.factory import create_app
from gradtrace.web.fairness import client_address, trusted_networks
from gradtrace.worker import WorkerPool

from tests.conftest import TEST_LIMITS
from tests.service import Service

# Busy in C until the worker's time limit ends it (then the worker is replaced).
SLOW = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"
TUTORIAL = "x = torch.ones(2, 2, requires_grad=True)\ny = x + 2\nz = y * y * 3\nout = z.mean()\nout.backward()"
PROBE_SECONDS = 1.0  # what "answers at once" means on a busy 2-core machine (each probe takes ms when idle)


def from_client(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    env = {"GRADTRACE_TRUSTED_PROXIES": "127.0.0.1", "GRADTRACE_LIMIT_TIMEOUT_SECONDS": "5"}
    running = Service(env=env, workers=2)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()  # whether workers outlive the service is tests/security/test_service.py's to check


async def wait_until_busy(http: httpx.AsyncClient, busy: int, waiting: int = 0) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = (await http.get("/healthz")).json()
        if body["busy"] >= busy and body["waiting"] >= waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the workers never became busy: {body}")


async def settle(http: httpx.AsyncClient) -> None:
    """Until both workers are idle again (the slow programs of a previous test were replaced)."""
    deadline = time.monotonic() + 60
    while (await http.get("/healthz")).json()["idle"] < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def test_waiting_requests_hold_no_thread_and_the_service_answers_at_once(service: Service) -> None:
    """60 requests waiting for a worker froze /healthz, the page, static files and snippet lookups
    (each held one of 40 threads); now they wait on the event loop and the rest answers in ms."""

    async def scenario() -> tuple[list[tuple[str, int, float]], list[int]]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=service.url, timeout=60, limits=limits) as http:
            await settle(http)
            slow = [http.post("/api/graph", json={"code": SLOW}, headers=from_client(f"10.1.0.{i}")) for i in (1, 2)]
            holders = [asyncio.ensure_future(request) for request in slow]
            await wait_until_busy(http, busy=2)
            waiting = [
                asyncio.ensure_future(
                    http.post("/api/graph", json={"code": TUTORIAL}, headers=from_client(f"10.2.0.{i}"))
                )
                for i in range(60)
            ]
            await wait_until_busy(http, busy=2, waiting=40)
            probes: list[tuple[str, int, float]] = []
            for path in ("/healthz", "/", "/static/build/playground.css", "/api/snippets/0123456789abcdef") * 3:
                start = time.monotonic()
                response = await http.get(path)
                probes.append((path, response.status_code, time.monotonic() - start))
            answers = await asyncio.gather(*holders, *waiting)
            return probes, [answer.status_code for answer in answers]

    probes, statuses = asyncio.run(scenario())
    slow_probes = [probe for probe in probes if probe[2] > PROBE_SECONDS]
    assert not slow_probes, f"answers held up by requests waiting for a worker: {slow_probes}"
    assert {(path, status) for path, status, _ in probes} == {
        ("/healthz", 200),
        ("/", 200),
        ("/static/build/playground.css", 200),
        ("/api/snippets/0123456789abcdef", 404),
    }
    assert statuses[:2] == [408, 408]  # the slow programs ran to their time limit
    assert statuses[2:] == [200] * 60  # everyone waiting was served once a worker was free


def test_one_clients_flood_is_refused_while_another_client_is_served(service: Service) -> None:
    """Ten connections looping a slow program made every other client wait 23-30 s; now the flooding
    client holds one worker and its jobs past the cap are refused at once with Retry-After."""

    async def scenario() -> tuple[list[httpx.Response], float, httpx.Response]:
        async with httpx.AsyncClient(base_url=service.url, timeout=60) as http:
            await settle(http)
            flooder = from_client("10.3.0.1")
            flood = [
                asyncio.ensure_future(http.post("/api/graph", json={"code": SLOW}, headers=flooder)) for _ in range(12)
            ]
            await wait_until_busy(http, busy=1)
            start = time.monotonic()
            other = await http.post("/api/graph", json={"code": TUTORIAL}, headers=from_client("10.3.0.2"))
            served_in = time.monotonic() - start
            refused_at_once = [f.result() for f in flood if f.done() and f.result().status_code == 429]
            for request in flood:
                request.cancel()
            await asyncio.gather(*flood, return_exceptions=True)
            return refused_at_once, served_in, other

    refused, served_in, other = asyncio.run(scenario())
    assert other.status_code == 200 and served_in < 3.0, f"the other client waited {served_in:.1f} s"
    assert len(refused) == 12 - Settings().client_max_jobs
    for response in refused:
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) >= 1
        error = response.json()["error"]
        assert error["type"] == "limit" and "running or waiting" in error["message"]


@pytest.fixture
def limited(pool: WorkerPool, tmp_path: Path) -> Iterator[TestClient]:
    """An app whose clients may compute 3 times a minute and create one snippet a minute; the test
    client is a trusted proxy, so X-Forwarded-For names the client."""
    settings = Settings(
        limits=TEST_LIMITS,
        snippet_db=tmp_path / "snippets.sqlite3",
        trusted_proxies=("203.0.113.7",),
        client_rate_limit="3/minute",
        snippet_rate_limit="1/minute",
    )
    with TestClient(create_app(settings, pool=pool), client=("203.0.113.7", 5000)) as client:
        yield client


def test_compute_rate_is_per_client_with_retry_after(limited: TestClient) -> None:
    for i in range(3):
        body = {"code": f"y = (x * {i}).sum()"}
        assert limited.post("/api/graph", json=body, headers=from_client("198.51.100.1")).status_code == 200
    refused = limited.post("/api/graph", json={"code": "y = x"}, headers=from_client("198.51.100.1"))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["cache-control"] == "no-store"
    assert refused.json()["error"]["type"] == "limit" and "3 per 1 minute" in refused.json()["error"]["message"]
    # Another client, and the same client through another proxy hop it cannot forge, are counted apart.
    assert limited.post("/api/graph", json={"code": "y = x"}, headers=from_client("198.51.100.2")).status_code == 200
    forged = from_client("198.51.100.3, 198.51.100.1")  # the proxy appended the real address last
    assert limited.post("/api/graph", json={"code": "y = x"}, headers=forged).status_code == 429


def test_cached_images_and_304s_are_never_limited_but_new_drawings_are(limited: TestClient) -> None:
    me = from_client("198.51.100.9")
    first = limited.get("/graph.svg", params={"code": "y = (x * 5).sum()"}, headers=me)
    assert first.status_code == 200
    for _ in range(10):
        assert limited.get("/graph.svg", params={"code": "y = (x * 5).sum()"}, headers=me).status_code == 200
        again = limited.get(
            "/graph.svg", params={"code": "y = (x * 5).sum()"}, headers={**me, "If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
    for i in range(2):
        assert limited.get("/graph.svg", params={"code": f"y = (x * {i}).sum()"}, headers=me).status_code == 200
    refused = limited.get("/graph.svg", params={"code": "y = (x * 7).sum()"}, headers=me)
    assert refused.status_code == 429 and refused.headers["content-type"].startswith("image/svg+xml")
    assert int(refused.headers["retry-after"]) >= 1 and "too many requests" in refused.text


def test_snippet_creation_has_its_own_rate(limited: TestClient) -> None:
    me = from_client("198.51.100.20")
    assert limited.post("/api/snippets", json={"code": "y = (x * 2).sum()"}, headers=me).status_code == 201
    refused = limited.post("/api/snippets", json={"code": "y = (x * 3).sum()"}, headers=me)
    assert refused.status_code == 429 and "1 per 1 minute" in refused.json()["error"]["message"]
    assert "retry-after" in refused.headers


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("198.51.100.5", None, (), "198.51.100.5"),
        ("198.51.100.5", "10.9.9.9", (), "198.51.100.5"),  # nobody trusted: the header is the client's word
        ("198.51.100.5", "10.9.9.9", ("127.0.0.1",), "198.51.100.5"),  # not from the trusted proxy
        ("127.0.0.1", "192.0.2.4", ("127.0.0.1",), "192.0.2.4"),
        ("127.0.0.1", "6.6.6.6, 192.0.2.4", ("127.0.0.1",), "192.0.2.4"),  # the client wrote 6.6.6.6
        ("10.0.0.2", "192.0.2.4, 10.0.0.1", ("10.0.0.0/8",), "192.0.2.4"),  # two trusted proxies in a row
        ("127.0.0.1", None, ("127.0.0.1",), "127.0.0.1"),
    ],
)
def test_a_client_is_its_address_or_the_hop_a_trusted_proxy_names(
    peer: str, forwarded: str | None, trusted: tuple[str, ...], client: str
) -> None:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "client": (peer, 1234), "headers": headers}
    assert client_address(scope, trusted_networks(trusted)) == client


def test_a_bad_trusted_proxy_setting_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="GRADTRACE_TRUSTED_PROXIES"):
        trusted_networks(["not-an-address"])
    assert Settings.from_env({"GRADTRACE_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16"}).trusted_proxies == (
        "10.0.0.1",
        "10.1.0.0/16",
    )


def test_healthz_never_says_no_workers_while_they_are_replaced(tmp_path: Path) -> None:
    """Both workers killed at once: /healthz said "no workers" (503) until a replacement was up."""
    pool = WorkerPool(TEST_LIMITS, size=2)
    pool.start()
    try:
        app = create_app(Settings(snippet_db=tmp_path / "snippets.sqlite3"), pool=pool)
        with TestClient(app) as own:
            pids = pool.pids()
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            while any(Path(f"/proc/{pid}").exists() for pid in pids):  # until the forkserver has reaped them
                time.sleep(0.02)
            seen: list[tuple[int, str]] = []
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                response = own.get("/healthz")
                seen.append((response.status_code, response.json()["status"]))
                if response.json()["workers"] == 2:
                    break
                time.sleep(0.02)
        assert (200, "starting") in seen  # the moment with no worker up was seen...
        assert all(status == 200 for status, _ in seen), seen  # ...and was never an outage
        assert seen[-1] == (200, "ok")
    finally:
        pool.close()
