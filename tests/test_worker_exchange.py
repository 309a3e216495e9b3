"""A job's exchange with its worker on the event loop: no thread per job, the JSON answer encoded by
the worker, and a worker never lost whatever happens to the request."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.responses import JSONResponse
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.rendering.options import RenderOptions
from gradtrace.result import result_json_bytes, result_to_json
from gradtrace.worker import Job, WorkerPool
from gradtrace.worker_channel import READ_CHUNK

TUTORIAL = (Path(__file__).parent / "programs" / "tutorial.py").read_text()
SLOW = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(Limits(timeout_seconds=2.0), size=1)
    pool.start()
    yield pool
    pool.close()


def test_jobs_on_an_event_loop_wake_no_thread(pool: WorkerPool) -> None:
    """Each job went through a thread of the pool (two hand-offs, each waiting for a core when the
    machine is busy); now the loop writes the job and reads the reply itself."""
    before = {thread.ident for thread in threading.enumerate()}
    seen: set[str] = set()

    async def scenario() -> list[str]:
        roots = []
        for _ in range(10):
            job = asyncio.ensure_future(pool.run_async(Job(TUTORIAL)))
            while not job.done():  # look at the threads while the job is in the worker
                seen.update(t.name for t in threading.enumerate() if t.ident not in before)
                await asyncio.sleep(0.001)
            roots.append((await job).graphs[0].graph.root)
        return roots

    assert asyncio.run(scenario()) == ["out"] * 10
    assert seen == set(), f"threads started for jobs: {sorted(seen)}"


def test_json_answer_is_the_results_json_as_the_api_encoded_it(pool: WorkerPool) -> None:
    result = pool.run(Job(TUTORIAL))
    answer = asyncio.run(pool.run_json_async(Job(TUTORIAL)))
    assert answer == result_json_bytes(result)
    assert answer == JSONResponse(result_to_json(result)).body  # byte for byte what the API sent before


def test_answer_of_many_reads_arrives_whole(pool: WorkerPool) -> None:
    """A big drawing's answer spans many socket reads (read straight into one buffer)."""
    chain = "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(400):\n    h = torch.sin(h)\n"
    chain += "h.backward()\n"
    job = Job(chain, options=RenderOptions(collapse_runs=False))
    answer = asyncio.run(pool.run_json_async(job))
    assert len(answer) > 2 * READ_CHUNK
    assert answer == result_json_bytes(pool.run(job))


def test_a_request_cancelled_while_its_job_runs_loses_no_worker(pool: WorkerPool) -> None:
    [pid] = pool.pids()

    async def scenario() -> None:
        job = asyncio.ensure_future(pool.run_async(Job(TUTORIAL)))
        while pool.health()[1] == 0 and not job.done():
            await asyncio.sleep(0.001)
        job.cancel()  # the client went away: the exchange still ends and hands the worker back
        with pytest.raises(asyncio.CancelledError):
            await job
        while pool.health()[1] != 0:
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert pool.run(Job(TUTORIAL), wait_seconds=5).graphs[0].graph.root == "out"
    assert pool.pids() == [pid]  # handed back, not replaced
    assert pool.waiting() == 0


def test_worker_killed_mid_job_on_a_loop_answers_clearly_and_is_replaced(pool: WorkerPool) -> None:
    [pid] = pool.pids()

    async def scenario() -> GradtraceError:
        job = asyncio.ensure_future(pool.run_async(Job(SLOW)))
        while pool.health()[1] == 0:
            await asyncio.sleep(0.01)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(GradtraceError) as caught:
            await job
        return caught.value

    error = asyncio.run(scenario())
    assert error.kind == "limit" and "stopped" in error.message
    assert pool.run(Job(TUTORIAL), wait_seconds=60).graphs[0].graph.root == "out"
    assert pid not in pool.pids()


def test_overrun_on_a_loop_is_a_timeout_and_the_worker_is_replaced(pool: WorkerPool) -> None:
    [pid] = pool.pids()
    with pytest.raises(GradtraceError) as caught:
        asyncio.run(pool.run_async(Job(SLOW)))
    assert caught.value.kind == "timeout"
    assert pool.run(Job(TUTORIAL), wait_seconds=60).graphs[0].graph.root == "out"
    assert pid not in pool.pids()
