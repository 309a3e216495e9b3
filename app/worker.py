"""Worker processes: user code runs here, never in the web process, under memory/CPU/time caps.

A pool of long-lived workers forked from a forkserver that has already imported torch and the
pipeline, so a replacement for a killed worker starts in milliseconds instead of seconds.
"""

from __future__ import annotations

import asyncio
import gc
import math
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any

from .config import Limits
from .errors import GradtraceError, RetryLater
from .fair_queue import FairQueue, claimed
from .rendering.options import RenderOptions
from .rendering.svg import ImageFormat
from .result import Result

if TYPE_CHECKING:
    from .pipeline import LayoutGuard

# Which limit ends an overrunning job: a job that computes hits the worker's own RLIMIT_CPU at about
# `timeout_seconds` of CPU time (rounded up to RLIMIT_CPU's whole seconds) and dies of SIGXCPU. The
# parent's wall clock fires at `timeout_seconds + GRACE_SECONDS` and kills the worker: it ends a job
# that waits rather than computes, and may beat the CPU cap when the rounding gave the job most of
# an extra second. Either way the answer is `timeout`.
GRACE_SECONDS = 1.0
START_SECONDS = 120.0  # a fresh machine's first torch import can be slow
RETRY_FIRST_SECONDS = 0.5  # a replacement that failed to start is tried again after this...
RETRY_MAX_SECONDS = 10.0  # ...doubling up to this, until the pool is closed
CLOSE_WAIT_SECONDS = 10.0  # close() waits this long in all for replacements being started
BUSY_RETRY_SECONDS = 5  # Retry-After of a request that found every worker busy for its whole wait
WORKER_NICENESS = 5  # added to a worker's nice value (lower CPU priority than the web process)


@dataclass(frozen=True)
class Job:
    """One request for a worker."""

    source: str
    inputs: dict[str, Any] = field(default_factory=dict)
    options: RenderOptions = field(default_factory=RenderOptions)
    image_format: ImageFormat | None = None  # also draw graph `options.graph` as this image


def _set_caps(limits: Limits) -> None:
    memory = limits.worker_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# glibc's M_PERTURB (mallopt): every block malloc hands out is filled with this byte's complement and
# every block freed is overwritten with it, so no later allocation can see what an earlier job left.
M_PERTURB = -6
PERTURB_BYTE = 0x5A


def scrub_heap_blocks() -> None:
    """Make this process's C heap overwrite blocks on malloc and free (a backstop under torch's own
    filling of uninitialised tensors, for any allocation path that does not go through it)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        done = libc.mallopt(M_PERTURB, PERTURB_BYTE) == 1
    except (OSError, AttributeError):  # not glibc: torch's filling (sandbox/torch_state.py) still holds
        done = False
    if not done:
        print("gradtrace worker: heap scrubbing (mallopt M_PERTURB) is not available here", file=sys.stderr)


def one_compute_thread() -> None:
    """One thread for torch, OpenMP and numpy's BLAS in this worker: a worker runs one job on one core.
    With their defaults, two workers on two cores start four threads each and fight over the cores (a
    numpy training loop took 31 s instead of 3.5 s on a busy machine)."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(limits=1)  # every BLAS and OpenMP library loaded in this process, for its whole life


def cpu_budget(used_seconds: float, timeout_seconds: float) -> int:
    """The RLIMIT_CPU soft limit that gives the next job `timeout_seconds` of CPU time on top of the
    `used_seconds` the process has spent: rounded up, as the limit counts whole seconds."""
    return math.ceil(used_seconds + timeout_seconds)


def _cap_cpu_for_next_job(limits: Limits) -> None:
    # RLIMIT_CPU counts the process's whole life: allow this job its budget on top of what was used.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    budget = cpu_budget(usage.ru_utime + usage.ru_stime, limits.timeout_seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))


def layout_deadline(seconds: float) -> LayoutGuard:
    """A guard for one Graphviz layout in this worker: past `seconds` (0: never) the process ends.

    Graphviz runs in C and cannot be interrupted from Python, so the deadline is SIGALRM's default
    action; the pool sees the worker die of SIGALRM, answers `timeout` and starts a new worker. A
    worker process has no other timer, so arming ITIMER_REAL here cancels nothing of anyone's."""

    @contextmanager
    def guard() -> Iterator[None]:
        if seconds <= 0:
            yield
            return
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    return guard


def _answer(job: Job, limits: Limits) -> tuple[str, Any]:
    from . import pipeline  # preloaded by the forkserver; cheap here

    guard = layout_deadline(limits.layout_timeout_seconds)
    try:
        result = pipeline.run(job.source, job.inputs, job.options, limits, layout_guard=guard)
        if job.image_format is not None:
            # Drawn here, not in the web process: Graphviz is neither thread-safe nor time-bounded.
            image = pipeline.draw_image(result, job.options.graph, job.image_format, layout_guard=guard)
            result = replace(result, image=image)
        return "ok", result
    except GradtraceError as exc:
        return "error", exc
    except MemoryError:
        return "error", GradtraceError("limit", "the program needs more memory than gradtrace allows")
    except RecursionError:
        return "error", GradtraceError("limit", "the program nests too deeply")
    except Exception as exc:  # a bug of ours: say so plainly, keep the worker alive
        print(f"gradtrace worker: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return "error", GradtraceError("runtime", f"gradtrace could not run this program ({type(exc).__name__})")


def serve_jobs(conn: Connection, limits: Limits) -> None:
    """A worker's main loop: answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent, which stops us
    _set_caps(limits)
    scrub_heap_blocks()
    one_compute_thread()
    _answer(Job("y = (x * 2).sum()"), limits)  # warm up torch and Graphviz before the first user
    gc.freeze()  # torch's own objects are never garbage: later collections skip them
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        _cap_cpu_for_next_job(limits)
        reply = _answer(job, limits)
        # Free this job's garbage (cycles through autograd graphs) now, so if freeing fails the
        # crash answers this job, not the next one.
        gc.collect()
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def serve_jobs_niced(conn: Connection, limits: Limits) -> None:
    """serve_jobs at a lower CPU priority than the web process: however hard user programs compute,
    the web process gets the CPU first, so /healthz, the page and static files answer at once."""
    os.nice(WORKER_NICENESS)
    serve_jobs(conn, limits)


class _WorkerDied(Exception):
    """The worker's pipe closed under a job: the process ended (a cap, a signal, a crash)."""


class _PoolClosed(RuntimeError):
    """A worker finished starting after close(): it was stopped, not kept."""


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self._stop_lock = threading.Lock()  # close() and a request's thread may both stop it

    def alive(self) -> bool:
        # Not process.is_alive(): that reads the exit status off the forkserver's pipe, and two
        # threads reading it at once can lose it. The pipe turning readable says "ended" unread.
        return not wait([self.process.sentinel], timeout=0)

    def stop(self) -> None:
        with self._stop_lock:
            try:
                # kill() ignores a process that is already gone: the forkserver may reap a dead
                # worker at any moment, so "is it alive? then os.kill" races (ProcessLookupError).
                self.process.kill()
                self.process.join(timeout=5)
            finally:
                self.conn.close()


class WorkerPool:
    """A fixed number of workers; each job takes an idle one, a dead or overrunning one is replaced.

    Requests wait for a worker in a FairQueue: round robin between clients, each client holding at
    most its share of the workers. `run_async` waits on the event loop without a thread; only the
    exchange with the worker that runs the job uses one, from a pool of `size` threads."""

    def __init__(self, limits: Limits, size: int) -> None:
        self.limits = limits
        self.size = size
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload([f"{__package__}.pipeline"])
        self._queue: FairQueue[_Worker] = FairQueue()
        self._live: set[_Worker] = set()  # every started process, warmed up or not: close() stops them
        self._ready: set[_Worker] = set()  # warmed up: idle, or busy with a job
        self._busy: set[_Worker] = set()
        self._refills: set[threading.Thread] = set()
        self._starting = 0  # replacements on their first try to start (health counts them as coming)
        self._exchanges = ThreadPoolExecutor(max_workers=max(1, size), thread_name_prefix="gradtrace-job")
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def start(self) -> None:
        """Start every worker and wait until each has warmed up; if one fails, stop them all."""
        try:
            for _ in range(self.size):
                self._hand_back(self._spawn())
        except BaseException:
            self.close()
            raise

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=serve_jobs_niced, args=(child, self.limits), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            # Checked under the lock close() takes: either close() sees this worker, or we see closed.
            closed = self._closed.is_set()
            if not closed:
                self._live.add(worker)
        if closed:
            worker.stop()
            raise _PoolClosed("the pool is closed")
        try:
            ready = parent.poll(START_SECONDS) and parent.recv() == "ready"
        except (EOFError, OSError):  # it died while starting (or close() stopped it)
            ready = False
        if not ready:
            self._retire(worker)
            raise RuntimeError("a gradtrace worker did not start")
        return worker

    def _hand_back(self, worker: _Worker) -> None:
        """Make a warmed-up or finished worker idle again; after close() stop it instead."""
        with self._lock:
            closed = self._closed.is_set()
            if not closed:
                self._busy.discard(worker)
                self._ready.add(worker)
        if closed:
            self._retire(worker)
        else:
            self._queue.put(worker)  # a close() from here on stops it with the rest of _live

    def _retire(self, worker: _Worker) -> None:
        try:
            worker.stop()
        finally:
            with self._lock:
                self._live.discard(worker)
                self._ready.discard(worker)
                self._busy.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        with self._lock:
            if self._closed.is_set():
                return
            refill = threading.Thread(target=self._refill, name="gradtrace-refill", daemon=True)
            self._refills.add(refill)
            self._starting += 1
            refill.start()

    def _refill(self) -> None:
        """Start one replacement, trying again with a growing pause until it starts or the pool closes."""
        delay = RETRY_FIRST_SECONDS
        first_try = True
        try:
            while not self._closed.is_set():
                try:
                    self._hand_back(self._spawn())
                    return
                except Exception as exc:  # any failure: a pool that stops refilling shrinks to nothing
                    if self._closed.is_set():
                        return
                    print(f"gradtrace: could not start a worker ({exc}); trying again in {delay:g} s", file=sys.stderr)
                finally:
                    if first_try:  # after the hand-back: health never sees the worker in neither count
                        first_try = False
                        with self._lock:
                            self._starting -= 1
                if self._closed.wait(delay):
                    return
                delay = min(delay * 2, RETRY_MAX_SECONDS)
        finally:
            with self._lock:
                self._refills.discard(threading.current_thread())

    def pids(self) -> list[int]:
        """Process ids of the live workers, warming up or ready (for tests)."""
        with self._lock:
            return [w.process.pid for w in self._live if w.process.pid is not None]

    def health(self) -> tuple[int, int]:
        """(idle, busy): warmed-up workers that are alive. An idle one found dead is replaced now, so
        a pool nobody sends requests to (a load balancer took it out on a 503) still heals."""
        self._sweep_idle()
        with self._lock:
            ready = [(w, w in self._busy) for w in self._ready]
        alive = [busy for w, busy in ready if w.alive()]
        return alive.count(False), alive.count(True)

    def starting(self) -> int:
        """Replacements being started now, on their first try (one that failed to start is not counted:
        a pool that cannot start workers must say so)."""
        with self._lock:
            return self._starting

    def waiting(self) -> int:
        """Requests waiting for a worker."""
        return self._queue.counts()[1]

    def _sweep_idle(self) -> None:
        for worker in self._queue.take_idle():
            if worker.alive():
                self._queue.put(worker)
            else:
                self._replace(worker)

    def run(self, job: Job, wait_seconds: float = 30.0, client: str = "", share: int = 0) -> Result:
        """Run one job in a worker, waiting in this thread. Raises GradtraceError (timeout, limit, or
        the program's own). `client` holds at most `share` workers at once (0: no cap)."""
        message = _pickled(job)  # before taking a worker: a job that cannot be sent costs none
        return self._run_on(self._take(client, share, wait_seconds), client, message)

    async def run_async(self, job: Job, wait_seconds: float = 30.0, client: str = "", share: int = 0) -> Result:
        """`run` for an event loop: waiting for a worker holds no thread, only the exchange does."""
        message = _pickled(job)
        worker = await self._take_async(client, share, wait_seconds)
        # The exchange ends in its thread even if this request is cancelled: the worker is never lost.
        try:
            loop = asyncio.get_running_loop()
            exchange = loop.run_in_executor(self._exchanges, self._run_on, worker, client, message)
        except RuntimeError:  # close() shut the threads down after this request got its worker
            raise RetryLater("gradtrace is shutting down; try again in a moment", 5, status=503) from None
        return await exchange

    def _run_on(self, worker: _Worker, client: str, message: bytes) -> Result:
        try:
            status, payload = self._exchange(worker, message)
        except _WorkerDied:
            self._replace(worker)  # joins the process, so its exit code is known below
            raise self._death_error(worker.process.exitcode) from None
        except BaseException:
            # A timeout, or anything else mid-job: the worker may be half-way through it, so it is
            # never reused, and never lost either.
            self._replace(worker)
            raise
        else:
            self._hand_back(worker)
        finally:
            self._queue.release(client)
        if status == "error":
            raise payload
        assert isinstance(payload, Result)
        return payload

    def _take(self, client: str, share: int, wait_seconds: float) -> _Worker:
        """An idle worker that is alive, within `wait_seconds`; else `limit` (429)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            claim = self._queue.claim(client, share)
            try:
                worker = claim.future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                granted = self._queue.withdraw(claim)
                if granted is None:
                    raise busy_error() from None
                worker = granted  # handed over just as the wait ended: use it
            if self._usable(worker, client):
                return worker

    async def _take_async(self, client: str, share: int, wait_seconds: float) -> _Worker:
        deadline = time.monotonic() + wait_seconds
        while True:
            claim = self._queue.claim(client, share)
            try:
                worker = await claimed(claim, max(0.0, deadline - time.monotonic()), busy_error)
            except BaseException:  # the wait ended (busy), or the request was cancelled
                granted = self._queue.withdraw(claim)
                if granted is not None:
                    self._queue.release(client)
                    self._hand_back(granted)
                raise
            if self._usable(worker, client):
                return worker

    def _usable(self, worker: _Worker, client: str) -> bool:
        with self._lock:
            self._busy.add(worker)
        if worker.alive():
            return True
        # It died while idle (the OOM killer, an operator): not this request's doing.
        self._replace(worker)
        self._queue.release(client)
        return False

    def _exchange(self, worker: _Worker, message: bytes) -> tuple[str, Any]:
        try:
            worker.conn.send_bytes(message)
            if not worker.conn.poll(self.limits.timeout_seconds + GRACE_SECONDS):
                raise GradtraceError(
                    "timeout", f"the program ran longer than {self.limits.timeout_seconds:g} s and was stopped"
                )
            reply: tuple[str, Any] = worker.conn.recv()
        except (EOFError, OSError):
            raise _WorkerDied from None
        return reply

    def _death_error(self, exitcode: int | None) -> GradtraceError:
        if exitcode == -signal.SIGALRM:  # the layout deadline (layout_deadline above) ended the worker
            return GradtraceError(
                "timeout",
                f"laying out the graph took longer than {self.limits.layout_timeout_seconds:g} s and was "
                "stopped; draw a smaller part of it (fewer steps, a shorter loop)",
            )
        # RLIMIT_CPU (SIGXCPU) and the wall clock race for a busy loop: both are a timeout to the user.
        if exitcode == -signal.SIGXCPU:
            return GradtraceError(
                "timeout", f"the program ran longer than {self.limits.timeout_seconds:g} s and was stopped"
            )
        return GradtraceError("limit", "the program was stopped: it used more memory or CPU time than gradtrace allows")

    def close(self) -> None:
        """Stop every worker, and wait (bounded) for replacements being started; none is left behind."""
        with self._lock:
            self._closed.set()
            workers = list(self._live)
            refills = list(self._refills)
        self._queue.fail_waiting(RetryLater("gradtrace is shutting down; try again in a moment", 5, status=503))
        self._exchanges.shutdown(wait=False)
        for worker in workers:
            self._retire(worker)
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS
        for refill in refills:
            refill.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:  # a worker whose refill outlived the wait above
            leftovers = list(self._live)
        for worker in leftovers:
            self._retire(worker)


def busy_error() -> RetryLater:
    """The 429 of a request that found no worker for its whole wait."""
    return RetryLater("gradtrace is busy; try again in a moment", BUSY_RETRY_SECONDS)


def _pickled(job: Job) -> bytes:
    """The job as the worker's conn.recv() reads it; a job that cannot be pickled is a `request` error."""
    try:
        return bytes(ForkingPickler.dumps(job))
    except Exception as exc:  # RecursionError, PicklingError, TypeError...: all the request's doing
        reason = type(exc).__name__
        raise GradtraceError("request", f"gradtrace cannot send this request to a worker ({reason})") from None
