"""Worker pool: overruns are killed and replaced, deaths answer clearly, nothing is left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

import pytest
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.fair_queue import FairQueue
from gradtrace.rendering.options import RenderOptions
from gradtrace.worker import WORKER_NICENESS, Job, WorkerPool, cpu_budget

from tests.service import descendants

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
        small_pool.run(Job("import os\nos.listdir('.')"))
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
    outcome: list[BaseException | None] = []
    try:

        def overrun() -> None:
            # pytest.raises here could not fail the test (it runs in another thread): keep what
            # happened and check it below.
            try:
                pool.run(Job(SLOW))
            except BaseException as exc:
                outcome.append(exc)
            else:
                outcome.append(None)

        runner = threading.Thread(target=overrun)
        runner.start()
        time.sleep(0.2)
        with pytest.raises(GradtraceError) as caught:
            pool.run(Job(QUICK), wait_seconds=0.2)
        assert caught.value.status == 429
        runner.join()
    finally:
        pool.close()
    [overran] = outcome
    assert isinstance(overran, GradtraceError) and overran.kind == "timeout"


def test_layout_past_its_deadline_is_a_timeout_and_the_worker_is_replaced() -> None:
    """Graphviz cannot be interrupted from Python: the deadline ends the worker, the pool says why."""
    pool = WorkerPool(Limits(timeout_seconds=10.0, layout_timeout_seconds=0.05), size=1)
    pool.start()
    try:
        # Each step branches (no straight run to stack by hand) and nothing folds: ~1,500 boxes
        # that Graphviz itself lays out.
        branching = (
            "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(500):\n"
            "    h = torch.sin(h) + torch.cos(h)\n"
        )
        with pytest.raises(GradtraceError) as caught:
            pool.run(Job(branching, options=RenderOptions(collapse_runs=False)))
        assert caught.value.kind == "timeout" and "laying out the graph" in caught.value.message
        assert pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    finally:
        pool.close()


def nested(depth: int) -> object:
    value: object = 1.0
    for _ in range(depth):
        value = [value]
    return value


def wait_reaped(pid: int) -> None:
    """Until the forkserver has reaped `pid` (and written its exit status for us)."""
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)


def test_job_that_cannot_be_sent_is_a_request_error_and_keeps_the_worker(small_pool: WorkerPool) -> None:
    """Pickling a 500-deep input raised RecursionError while a worker was taken: the worker was lost."""
    [pid] = small_pool.pids()
    for _ in range(2):  # the pool has one worker: losing it once would make the second a 429
        with pytest.raises(GradtraceError) as caught:
            small_pool.run(Job(QUICK, {"x": nested(500)}), wait_seconds=1)
        assert caught.value.kind == "request"
    assert small_pool.run(Job(QUICK), wait_seconds=1).graphs[0].graph.root == "out"
    assert small_pool.pids() == [pid]


def test_any_exception_mid_job_replaces_the_worker(small_pool: WorkerPool, monkeypatch: pytest.MonkeyPatch) -> None:
    [pid] = small_pool.pids()
    real_poll = Connection.poll
    calls = []

    def interrupted_once(self: Connection, timeout: float | None = 0.0) -> bool:
        calls.append(timeout)
        if len(calls) == 1:
            raise KeyboardInterrupt  # what Ctrl+C in the web process's thread looks like
        return real_poll(self, timeout)

    monkeypatch.setattr(Connection, "poll", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        small_pool.run(Job(QUICK))
    monkeypatch.undo()
    assert small_pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    assert pid not in small_pool.pids() and not alive(pid)


def test_worker_reaped_between_liveness_check_and_kill_is_still_replaced(small_pool: WorkerPool) -> None:
    """Under forkserver a dead worker can be reaped between `is_alive()` and `os.kill`."""
    [worker] = list(small_pool._live)
    pid = worker.process.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_reaped(pid)
    worker.process.is_alive = lambda: True  # type: ignore[method-assign]  # what it said just before the reap
    small_pool._replace(worker)  # was: ProcessLookupError, the worker kept in the pool, no refill
    assert small_pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    assert pid not in small_pool.pids()


def test_idle_worker_that_died_is_replaced_without_failing_the_next_request(small_pool: WorkerPool) -> None:
    [pid] = small_pool.pids()
    os.kill(pid, signal.SIGKILL)  # as the OOM killer would, between requests
    wait_reaped(pid)
    assert small_pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    assert pid not in small_pool.pids()


def test_replacement_that_fails_to_start_is_tried_again(
    small_pool: WorkerPool, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    real_spawn = small_pool._spawn
    failures: list[int] = []

    def flaky_spawn() -> object:
        if len(failures) < 2:
            failures.append(1)
            raise RuntimeError("a gradtrace worker did not start")
        return real_spawn()

    monkeypatch.setattr(small_pool, "_spawn", flaky_spawn)
    [pid] = small_pool.pids()
    os.kill(pid, signal.SIGKILL)
    wait_reaped(pid)
    # The first two replacements fail; the third, 0.5 + 1 s later, serves this request.
    assert small_pool.run(Job(QUICK), wait_seconds=20).graphs[0].graph.root == "out"
    assert len(failures) == 2
    assert capfd.readouterr().err.count("could not start a worker") == 2


def test_start_that_fails_stops_the_workers_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = WorkerPool(Limits(), size=2)
    real_spawn = pool._spawn
    started: list[int] = []

    def second_fails() -> object:
        if started:
            raise RuntimeError("a gradtrace worker did not start")
        worker = real_spawn()
        assert worker.process.pid is not None
        started.append(worker.process.pid)
        return worker

    monkeypatch.setattr(pool, "_spawn", second_fails)
    with pytest.raises(RuntimeError):
        pool.start()
    assert started and not alive(started[0])
    assert pool.pids() == []


def test_close_while_a_replacement_starts_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    pool = WorkerPool(Limits(), size=1)
    pool.start()
    [pid] = pool.pids()
    others = descendants(os.getpid()) - {pid}
    real_spawn = pool._spawn

    def slow_spawn() -> object:
        time.sleep(1.0)  # close() comes while the replacement is on its way
        return real_spawn()

    monkeypatch.setattr(pool, "_spawn", slow_spawn)
    os.kill(pid, signal.SIGKILL)
    wait_reaped(pid)
    with pytest.raises(GradtraceError):
        pool.run(Job(QUICK), wait_seconds=0.1)  # finds it dead, asks for a replacement, gets a 429
    pool.close()
    time.sleep(2.5)  # past the slow replacement's start, had close() not waited for it
    assert descendants(os.getpid()) <= others, "a worker started after close() was kept"
    assert pool.pids() == []
    assert "could not start a worker" not in capfd.readouterr().err


def test_cpu_cap_is_the_timeout_rounded_up_to_whole_seconds() -> None:
    """RLIMIT_CPU fires at about the timeout (it counts whole seconds), not 1-2 s after the wall clock."""
    for used in (0.0, 3.2, 5.99, 6.0):
        for timeout in (1.0, 2.5, 10.0):
            allowed = cpu_budget(used, timeout) - used
            assert timeout <= allowed < timeout + 1


def test_layout_guard_wraps_every_graphviz_layout() -> None:
    entered: list[str] = []

    @contextmanager
    def guard() -> Iterator[None]:
        entered.append("layout")
        yield

    code = "a = torch.ones(2, requires_grad=True)\nb = (a * 2).sum()\nb.backward()\nc = (a * 3).sum()\nc.backward()"
    result = pipeline.run(code, layout_guard=guard)
    assert len(result.graphs) == 2 and entered == ["layout"] * 2
    pipeline.draw_image(result, -1, "png", layout_guard=guard)
    assert entered == ["layout"] * 3


def test_in_process_pipeline_leaves_the_callers_signals_alone() -> None:
    """The CLI, tests and notebooks run the pipeline in their own process: their timers are theirs."""

    def handler(signum: int, frame: object) -> None:
        raise AssertionError("the caller's timer fired during the test")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 100.0)
    try:
        result = pipeline.run(QUICK, limits=Limits(layout_timeout_seconds=5.0))
        pipeline.draw_image(result, -1, "png")
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90 < remaining <= 100  # not cancelled
        assert signal.getsignal(signal.SIGALRM) is handler
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_requests_waiting_for_a_worker_hold_no_thread(small_pool: WorkerPool) -> None:
    """Each waiting request held a thread for up to 30 s; 40 of them froze the web process."""

    async def scenario() -> tuple[int, list[str]]:
        before = threading.active_count()
        runs = [asyncio.ensure_future(small_pool.run_async(Job(QUICK), client=f"c{i}")) for i in range(50)]
        deadline = time.monotonic() + 30
        while small_pool.waiting() < 40 and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        threads = threading.active_count() - before
        results = await asyncio.gather(*runs)
        return threads, [result.graphs[0].graph.root for result in results]

    threads, roots = asyncio.run(scenario())
    assert threads <= 2, f"{threads} threads for 50 requests waiting for one worker"
    assert roots == ["out"] * 50


def test_waiting_clients_are_served_in_turn_not_in_arrival_order(small_pool: WorkerPool) -> None:
    """One client's ten queued requests do not go before another client's one."""
    order: list[str] = []

    async def run(client: str) -> None:
        await small_pool.run_async(Job(QUICK), client=client)
        order.append(client)

    async def scenario() -> None:
        blocker = asyncio.ensure_future(small_pool.run_async(Job(SLOW)))  # holds the only worker ~1 s
        while small_pool.health()[1] == 0:
            await asyncio.sleep(0.01)
        flood = [asyncio.ensure_future(run("flooder")) for _ in range(10)]
        while small_pool.waiting() < 10:
            await asyncio.sleep(0.01)
        other = asyncio.ensure_future(run("other"))
        await asyncio.gather(blocker, *flood, other, return_exceptions=True)

    asyncio.run(scenario())
    assert order.index("other") == 1, order  # FIFO would have served it last


def test_a_client_holds_at_most_its_share_of_the_workers() -> None:
    pool = WorkerPool(Limits(timeout_seconds=2.0), size=2)
    pool.start()
    try:

        async def scenario() -> tuple[float, list[str]]:
            hogs = [asyncio.ensure_future(pool.run_async(Job(SLOW), client="hog", share=1)) for _ in range(2)]
            deadline = time.monotonic() + 30
            while pool.health()[1] < 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            start = time.monotonic()
            other = await pool.run_async(Job(QUICK), client="other", share=1)
            served_in = time.monotonic() - start
            outcomes = await asyncio.gather(*hogs, return_exceptions=True)
            assert other.graphs[0].graph.root == "out"
            return served_in, [getattr(o, "kind", "") for o in outcomes]

        served_in, outcomes = asyncio.run(scenario())
        assert served_in < 1.5, f"the other client waited {served_in:.1f} s behind the hog"
        assert outcomes == ["timeout", "timeout"]  # the hog's second job ran after its first
    finally:
        pool.close()


def test_a_request_that_gives_up_waiting_loses_no_worker(small_pool: WorkerPool) -> None:
    async def scenario() -> None:
        blocker = asyncio.ensure_future(small_pool.run_async(Job(SLOW)))
        while small_pool.health()[1] == 0:
            await asyncio.sleep(0.01)
        waiter = asyncio.ensure_future(small_pool.run_async(Job(QUICK), client="impatient"))
        while small_pool.waiting() == 0:
            await asyncio.sleep(0.01)
        waiter.cancel()  # its client went away
        with pytest.raises(GradtraceError) as busy:
            await small_pool.run_async(Job(QUICK), wait_seconds=0.1)
        assert busy.value.status == 429 and getattr(busy.value, "retry_after", 0) >= 1
        with pytest.raises(GradtraceError):
            await blocker
        assert small_pool.waiting() == 0

    asyncio.run(scenario())
    assert small_pool.run(Job(QUICK), wait_seconds=60).graphs[0].graph.root == "out"
    assert small_pool.waiting() == 0


def test_close_answers_the_waiting_requests() -> None:
    pool = WorkerPool(Limits(timeout_seconds=2.0), size=1)
    pool.start()

    async def scenario() -> BaseException | None:
        blocker = asyncio.ensure_future(pool.run_async(Job(SLOW)))
        while pool.health()[1] == 0:
            await asyncio.sleep(0.01)
        waiter = asyncio.ensure_future(pool.run_async(Job(QUICK), client="late"))
        while pool.waiting() == 0:
            await asyncio.sleep(0.01)
        await asyncio.get_running_loop().run_in_executor(None, pool.close)
        await asyncio.gather(blocker, return_exceptions=True)
        return (await asyncio.gather(waiter, return_exceptions=True))[0]

    outcome = asyncio.run(scenario())
    assert isinstance(outcome, GradtraceError) and outcome.status == 503
    assert pool.pids() == []


def test_fair_queue_takes_clients_in_turn_within_their_share() -> None:
    line: FairQueue[str] = FairQueue()
    claims = [line.claim("a") for _ in range(3)] + [line.claim("b"), line.claim("c", share=1), line.claim("c", share=1)]
    granted: list[str] = []
    for item in ("w1", "w2", "w3", "w4", "w5"):
        line.put(item)
        granted += [c.client for c in claims if c.future.done() and c.future.result() == item]
    assert granted == ["a", "b", "c", "a", "a"]  # c's second waits: c holds its share of one
    line.release("c")
    line.put("w6")
    assert claims[5].future.result(timeout=0) == "w6"
    waiting = line.claim("d")
    assert line.withdraw(waiting) is None and waiting.future.cancelled()
    line.put("w7")
    assert line.counts() == (1, 0)  # the withdrawn claim was not granted; the item stays idle


def test_workers_yield_the_cpu_to_the_web_process(small_pool: WorkerPool) -> None:
    """A program computing flat out must not slow /healthz and the page: workers run niced."""
    [pid] = small_pool.pids()
    assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS
