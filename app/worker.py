"""Worker processes: user code runs here, never in the web process, under memory/CPU/time caps.

A pool of long-lived workers forked from a forkserver that has already imported torch and the
pipeline, so a replacement for a killed worker starts in milliseconds instead of seconds. What runs
inside a worker is in worker_process.py; how the event loop talks to one, in worker_channel.py.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any

from .config import Limits
from .errors import GradtraceError, RetryLater
from .fair_queue import FairQueue, claimed
from .i18n import Message
from .result import Result
from .worker_channel import ChannelClosed, FrameReader, nonblocking, read_outcome, send_message, settle
from .worker_process import CLEAN, serve_jobs_niced
from .worker_process import WORKER_NICENESS as WORKER_NICENESS  # the pool's public names, as before
from .worker_process import Job as Job  # imported from here by the web layer
from .worker_process import cpu_budget as cpu_budget
from .worker_process import scrub_heap_blocks as scrub_heap_blocks

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


class _WorkerDied(Exception):
    """The worker's pipe closed under a job: the process ended (a cap, a signal, a crash)."""


class _PoolClosed(RuntimeError):
    """A worker finished starting after close(): it was stopped, not kept."""


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        # The same socket for the event loop's non-blocking calls (worker_channel); its own descriptor,
        # so closing it never closes a number that `conn` (or a later file) holds.
        self.sock = socket.socket(fileno=os.dup(conn.fileno()))
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
                self.sock.close()


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
        self._exchanges: set[asyncio.Future[None]] = set()  # exchanges running on event loops (kept referenced)
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
        return _as_result(self._run_on(self._take(client, share, wait_seconds), client, message))

    async def run_async(self, job: Job, wait_seconds: float = 30.0, client: str = "", share: int = 0) -> Result:
        """`run` for an event loop: neither waiting for a worker nor the exchange with it holds a thread."""
        return _as_result(await self._submit_async(job, wait_seconds, client, share))

    async def run_json_async(self, job: Job, wait_seconds: float = 30.0, client: str = "", share: int = 0) -> bytes:
        """`run_async` answering the API's JSON body, encoded in the worker (see Job.json_answer)."""
        answer = await self._submit_async(replace(job, json_answer=True), wait_seconds, client, share)
        if not isinstance(answer, bytes):
            raise TypeError(f"a worker answered {type(answer).__name__} for a JSON job")
        return answer

    async def _submit_async(self, job: Job, wait_seconds: float, client: str, share: int) -> object:
        message = _pickled(job)
        worker = await self._take_async(client, share, wait_seconds)
        answered: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        answered.add_done_callback(read_outcome)
        # Its own task, so a cancelled request leaves the exchange to end: the worker is never lost.
        exchange = asyncio.ensure_future(self._exchange_async(worker, client, message, answered))
        self._exchanges.add(exchange)
        exchange.add_done_callback(self._exchanges.discard)
        return await asyncio.shield(answered)

    async def _exchange_async(
        self, worker: _Worker, client: str, message: bytes, answered: asyncio.Future[object]
    ) -> None:
        """Send the job, settle `answered` with the reply as soon as it arrives, then hand the worker
        back once it says it has freed the job's garbage (or replace it)."""
        reader = FrameReader(worker.sock)
        if self._closed.is_set():  # close() came after this request got its worker
            self._hand_back(worker)  # which stops it now
            self._queue.release(client)
            settle(answered, self._closing_error())
            return
        replied = False
        try:
            with nonblocking(worker.sock), reader.watching():
                async with asyncio.timeout(self._reply_seconds()):
                    await send_message(worker.sock, message)
                    status, payload = await reader.reply()
                settle(answered, payload if status == "ok" else _as_error(payload))
                replied = True
                async with asyncio.timeout(self._reply_seconds()):
                    marker = await reader.message()
                if marker != CLEAN:
                    raise ChannelClosed
        except ChannelClosed:
            await self._replace_async(worker)  # joins the process, so its exit code is known below
            settle(
                answered, self._closing_error() if self._closed.is_set() else self._death_error(worker.process.exitcode)
            )
        except TimeoutError:
            await self._replace_async(worker)
            settle(answered, self._timeout_error())
        except asyncio.CancelledError:  # the loop is closing (asyncio.run ended, a test client left)
            settle(answered, self._closing_error())
            if replied and not reader.pending():  # only the marker is missing: wait for it in a thread
                threading.Thread(target=self._hand_back_when_clean, args=(worker,), daemon=True).start()
            else:  # mid-job: the worker is never reused half-way through one
                self._replace(worker)
            raise
        except BaseException as exc:  # a bug of ours: never reuse the worker
            self._replace(worker)
            settle(answered, exc if isinstance(exc, Exception) else self._closing_error())
            if not isinstance(exc, Exception):
                raise
        else:
            self._hand_back(worker)
        finally:
            self._queue.release(client)

    async def _replace_async(self, worker: _Worker) -> None:
        """_replace in a thread: stopping a worker waits for its process to end."""
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._replace, worker)
        except RuntimeError:  # the loop's threads are shut down: it is closing
            self._replace(worker)

    def _reply_seconds(self) -> float:
        return self.limits.timeout_seconds + GRACE_SECONDS

    def _timeout_error(self) -> GradtraceError:
        seconds = f"{self.limits.timeout_seconds:g}"
        message = Message("the program ran longer than {seconds} s and was stopped", seconds=seconds)
        return GradtraceError("timeout", message, code="timeout.program")

    @staticmethod
    def _closing_error() -> RetryLater:
        message = Message("gradtrace is shutting down; try again in a moment")
        return RetryLater(message, 5, status=503, code="limit.shutting_down")

    def _run_on(self, worker: _Worker, client: str, message: bytes) -> object:
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
            self._hand_back_when_clean(worker)
        finally:
            self._queue.release(client)
        if status == "error":
            raise _as_error(payload)
        return payload

    def _hand_back_when_clean(self, worker: _Worker) -> None:
        """Hand the worker back once it says it freed the job's garbage; replace it if it died doing so."""
        try:
            if worker.conn.poll(self._reply_seconds()) and worker.conn.recv_bytes() == CLEAN:
                self._hand_back(worker)
                return
        except (EOFError, OSError):
            pass
        self._replace(worker)

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
            if not worker.conn.poll(self._reply_seconds()):
                raise self._timeout_error()
            reply: tuple[str, Any] = worker.conn.recv()
        except (EOFError, OSError):
            raise _WorkerDied from None
        return reply

    def _death_error(self, exitcode: int | None) -> GradtraceError:
        if exitcode == -signal.SIGALRM:  # the layout deadline (layout_deadline above) ended the worker
            seconds = f"{self.limits.layout_timeout_seconds:g}"
            message = Message(
                "laying out the graph took longer than {seconds} s and was stopped; "
                "draw a smaller part of it (fewer steps, a shorter loop)",
                seconds=seconds,
            )
            return GradtraceError("timeout", message, code="timeout.layout")
        # RLIMIT_CPU (SIGXCPU) and the wall clock race for a busy loop: both are a timeout to the user.
        if exitcode == -signal.SIGXCPU:
            return self._timeout_error()
        message = Message("the program was stopped: it used more memory or CPU time than gradtrace allows")
        return GradtraceError("limit", message, code="limit.resources")

    def close(self) -> None:
        """Stop every worker, and wait (bounded) for replacements being started; none is left behind."""
        with self._lock:
            self._closed.set()
            workers = list(self._live)
            refills = list(self._refills)
        self._queue.fail_waiting(self._closing_error())
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
    return RetryLater(Message("gradtrace is busy; try again in a moment"), BUSY_RETRY_SECONDS, code="limit.busy")


def _pickled(job: Job) -> bytes:
    """The job as the worker's conn.recv() reads it; a job that cannot be pickled is a `request` error."""
    try:
        return bytes(ForkingPickler.dumps(job))
    except Exception as exc:  # RecursionError, PicklingError, TypeError...: all the request's doing
        reason = type(exc).__name__
        message = Message("gradtrace cannot send this request to a worker ({reason})", reason=reason)
        raise GradtraceError("request", message, code="request.unsendable") from None


def _as_result(answer: object) -> Result:
    if not isinstance(answer, Result):
        raise TypeError(f"a worker answered {type(answer).__name__} where a Result was expected")
    return answer


def _as_error(payload: object) -> BaseException:
    """A worker's error reply; anything else there is a bug of ours, said plainly."""
    if isinstance(payload, GradtraceError):
        return payload
    message = Message("gradtrace could not run this program (the worker answered no error)")
    return GradtraceError("runtime", message, code="runtime.internal")
