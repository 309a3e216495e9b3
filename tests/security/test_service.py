"""The real service as a subprocess: a worker killed mid-request answers clearly, the next request
succeeds, and stopping the service leaves no worker process behind."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.service import Service

SLOW = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"
QUICK = {"code": "y = (x * 3).sum()"}


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    running = Service(env={"GRADTRACE_LIMIT_TIMEOUT_SECONDS": "20"})
    try:
        running.wait_ready()
        yield running
    finally:
        assert running.stop() == [], "worker processes outlived the service"


def test_killed_worker_answers_clearly_and_the_next_request_succeeds(service: Service) -> None:
    before = {pid: _cpu_seconds(pid) for pid in service.workers()}
    answer: dict[str, Any] = {}

    def slow() -> None:
        answer["response"] = httpx.post(service.url + "/api/graph", json={"code": SLOW}, timeout=60)

    thread = threading.Thread(target=slow)
    thread.start()
    # The slow job shows as CPU time in one worker; on a busy machine it may take a while to get any.
    deadline = time.monotonic() + 15
    while not (busy := [pid for pid in before if _cpu_seconds(pid) - before[pid] > 0.5]):
        assert time.monotonic() < deadline, "no worker took the slow job"
        time.sleep(0.1)
    assert len(busy) == 1, "one worker, and only one, runs the slow job"
    os.kill(busy[0], signal.SIGKILL)
    thread.join(timeout=30)
    response = answer["response"]
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "limit"
    assert "stopped" in response.json()["error"]["message"]
    ok = httpx.post(service.url + "/api/graph", json=QUICK, timeout=30)
    assert ok.status_code == 200 and ok.json()["graphs"][0]["root"] == "y"
    assert _workers_within(service, 2, seconds=30) == 2  # replaced (the other worker served `ok` meanwhile)
    assert busy[0] not in service.workers()


def test_runaway_loop_is_refused_and_service_stays_up(service: Service) -> None:
    response = httpx.post(service.url + "/api/graph", json={"code": "while True:\n    pass"}, timeout=60)
    # The step limit or the time limit, whichever comes first on this machine: both refuse it clearly.
    assert response.status_code in (408, 422) and response.json()["error"]["type"] in ("limit", "timeout")
    assert httpx.post(service.url + "/api/graph", json=QUICK, timeout=30).status_code == 200


def _workers_within(service: Service, expected: int, seconds: float) -> int:
    """/healthz's count of usable workers once it reaches `expected`, or the last one seen."""
    deadline = time.monotonic() + seconds
    while True:
        workers: int = httpx.get(service.url + "/healthz", timeout=5).json()["workers"]
        if workers == expected or time.monotonic() > deadline:
            return workers
        time.sleep(0.1)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
