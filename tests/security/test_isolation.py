"""Requests never see each other: state an attack changes is gone for the next request, concurrent
requests get their own seed/grad mode/dtype, and a request burning its whole time budget does not
hold up the others."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.security import attacks

PROBE = (
    "a = torch.randn(3)\n"
    "b = torch.ones(2, requires_grad=True)\n"
    "c = (b * 2).sum()\n"
    "print(a.tolist(), torch.is_grad_enabled(), c.requires_grad, torch.ones(1).dtype, torch.empty(2).tolist())\n"
    "print(torch.pi, math.pi, torch.tensor(1.0) + 1)\n"
)

# Programs that change process-wide state, allowed ones included: each must leave no trace.
STATE_CHANGERS = [
    "torch.set_grad_enabled(False)",
    "torch.set_grad_enabled(False)\nx = 1 / 0",
    "with torch.no_grad():\n    x = 1 / 0",
    "with torch.set_grad_enabled(False):\n    y = undefined_name_here + [1]",
    "def f():\n    torch.set_grad_enabled(False)\n    return f()\nf()",
    "torch.manual_seed(999)\nx = torch.randn(100)",
    "torch.manual_seed(5)\nx = torch.ones(3).normal_()\ny = 1 / 0",
    "x = F.dropout(torch.ones(1000), 0.5)",
    "x = torch.ones(4000000)\nx.fill_(7.0)\ny = torch.ones(4000000) * 3",
    "x = torch.empty(1000000)\nx.fill_(123.0)",
    "m = nn.Linear(2, 2)\nm.weight.data.fill_(5.0)",
    "x = torch.ones(3)\nx.requires_grad_()",
] + [code for _, code, _ in attacks.STATE]


def probe(client: TestClient) -> str:
    response = client.post("/api/graph", json={"code": PROBE})
    assert response.status_code == 200, response.text
    stdout: str = response.json()["stdout"]
    return stdout


@pytest.mark.parametrize("attack", STATE_CHANGERS)
def test_state_does_not_outlive_the_request(app_client: TestClient, attack: str) -> None:
    baseline = probe(app_client)
    app_client.post("/api/graph", json={"code": attack})
    # The idle queue is first-in first-out: two probes reach both workers of the pool.
    assert [probe(app_client), probe(app_client)] == [baseline, baseline]


def program(k: int) -> str:
    grad = "True" if k % 2 else "False"
    dtype = "torch.float64" if k % 3 else "torch.float32"
    return (
        f"torch.manual_seed({k})\n"
        f"torch.set_grad_enabled({grad})\n"
        f"a = torch.randn(4, dtype={dtype})\n"
        "w = torch.ones(2, requires_grad=True)\n"
        "print(a.tolist(), a.dtype, torch.is_grad_enabled(), (w * 2).requires_grad)\n"
    )


def test_concurrent_requests_see_only_their_own_state(app_client: TestClient) -> None:
    sequential = {k: app_client.post("/api/graph", json={"code": program(k)}).json()["stdout"] for k in range(12)}

    def run(user: int) -> tuple[int, Any]:
        k = user % 12  # 36 users at once, each its own client (one client may have only 8 jobs at once)
        answer = app_client.post("/api/graph", json={"code": program(k)}, headers={"X-Forwarded-For": f"10.0.0.{user}"})
        return k, answer.json()["stdout"]

    with ThreadPoolExecutor(max_workers=12) as executor:
        concurrent = dict(executor.map(run, range(36)))
    assert concurrent == sequential
    assert len(set(sequential.values())) == 12


SLOW = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"


def test_a_request_burning_its_budget_does_not_block_others(app_client: TestClient) -> None:
    outcome: dict[str, Any] = {}

    def slow() -> None:
        start = time.monotonic()
        response = app_client.post("/api/graph", json={"code": SLOW}, headers={"X-Forwarded-For": "10.0.1.1"})
        outcome["slow"] = (response.status_code, response.json()["error"]["type"], time.monotonic() - start)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)  # the slow job now holds one worker
    latencies = []
    for _ in range(10):
        start = time.monotonic()
        response = app_client.post(
            "/api/graph", json={"code": "y = (x * 3).sum()"}, headers={"X-Forwarded-For": "10.0.1.2"}
        )  # another user: the slow one's client holds at most half the workers
        latencies.append(time.monotonic() - start)
        assert response.status_code == 200
    busy = thread.is_alive()
    thread.join()
    assert busy, "the slow request ended before the quick ones were measured"
    assert max(latencies) < 1.0, latencies
    status, kind, took = outcome["slow"]
    assert (status, kind) == (408, "timeout")
    assert took < 5.0 + 3.0
    assert probe(app_client)  # the replacement worker answers
