"""Worker pool: overruns are killed and replaced, deaths answer clearly, nothing is left behind."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from app.config import Limits
from app.errors import GradtraceError
from app.worker import Job, WorkerPool

# In-place work on one big tensor: no new elements, few interpreter steps, seconds of C time.
SLOW = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"
QUICK = "out = (x * 3).sum()"


@pytest.fixture
def small_pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(Limits(timeout_seconds=1.0), size=1)
    pool.start()
    yield pool
    pool.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child may linger as a zombie until reaped; count that as gone.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


def test_overrun_is_a_timeout_and_the_worker_is_replaced(small_pool: WorkerPool) -> None:
    [first] = small_pool.pids()
    start = time.monotonic()
    with pytest.raises(GradtraceError) as caught:
        small_pool.run(Job(SLOW))
    assert caught.value.kind == "timeout" and caught.value.status == 408
    assert time.monotonic() - start < 5
    result = small_pool.run(Job(QUICK), wait_seconds=60)  # waits for the replacement
    assert result.graphs[0].graph.root == "out"
    assert first not in small_pool.pids()
    assert not alive(first)


def test_killed_worker_answers_clearly_and_next_job_succeeds(small_pool: WorkerPool) -> None:
    [pid] = small_pool.pids()
    killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
    killer.start()
    with pytest.raises(GradtraceError) as caught:
        small_pool.run(Job(SLOW))
    killer.join()
    assert caught.value.kind == "limit" and "stopped" in caught.value.message
    assert small_pool.run(Job(QUICK), wait_seconds=60).stdout == ""


def test_program_errors_keep_the_worker(small_pool: WorkerPool) -> None:
    [pid] = small_pool.pids()
    with pytest.raises(GradtraceError) as caught:
        small_pool.run(Job("import os"))
    assert caught.value.kind == "forbidden"
    assert small_pool.pids() == [pid]


def test_close_leaves_no_worker_behind() -> None:
    pool = WorkerPool(Limits(), size=2)
    pool.start()
    pids = pool.pids()
    assert len(pids) == 2
    pool.close()
    assert pool.pids() == []
    assert not any(alive(pid) for pid in pids)


def test_busy_pool_says_so() -> None:
    pool = WorkerPool(Limits(timeout_seconds=2.0), size=1)
    pool.start()
    try:

        def overrun() -> None:
            with pytest.raises(GradtraceError):
                pool.run(Job(SLOW))

        runner = threading.Thread(target=overrun)
        runner.start()
        time.sleep(0.2)
        with pytest.raises(GradtraceError) as caught:
            pool.run(Job(QUICK), wait_seconds=0.2)
        assert caught.value.status == 429
        runner.join()
    finally:
        pool.close()


def test_layout_past_its_deadline_is_a_timeout_and_the_worker_is_replaced() -> None:
    """Graphviz cannot be interrupted from Python: the deadline ends the worker, the pool says why."""
    pool = WorkerPool(Limits(timeout_seconds=10.0, layout_timeout_seconds=0.05), size=1)
    pool.start()
    try:
        long_chain = "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(1500):\n    h = torch.sin(h)\n"
        with pytest.raises(GradtraceError) as caught:
            pool.run(Job(long_chain))
        assert caught.value.kind == "timeout" and "laying out the graph" in caught.value.message
        assert pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    finally:
        pool.close()
