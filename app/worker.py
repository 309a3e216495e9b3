"""Worker processes: user code runs here, never in the web process, under memory/CPU/time caps.

A pool of long-lived workers forked from a forkserver that has already imported torch and the
pipeline, so a replacement for a killed worker starts in milliseconds instead of seconds.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from app.config import Limits
from app.errors import GradtraceError
from app.render.options import RenderOptions
from app.render.svg import ImageFormat
from app.result import Result

GRACE_SECONDS = 1.0  # the worker's own limits fire first; the parent's kill is the last line
START_SECONDS = 120.0  # a fresh machine's first torch import can be slow


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


def _cap_cpu_for_next_job(limits: Limits) -> None:
    # RLIMIT_CPU counts the process's whole life: allow this job its budget on top of what was used.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    budget = used + int(limits.timeout_seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))


def _answer(job: Job, limits: Limits) -> tuple[str, Any]:
    from app import pipeline  # preloaded by the forkserver; cheap here

    try:
        result = pipeline.run(job.source, job.inputs, job.options, limits)
        if job.image_format is not None:
            # Drawn here, not in the web process: Graphviz is neither thread-safe nor time-bounded.
            image = pipeline.draw_image(result, job.options.graph, job.image_format, limits.layout_timeout_seconds)
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
    import torch

    torch.set_num_threads(1)
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


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def stop(self) -> None:
        if self.process.is_alive() and self.process.pid is not None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A fixed number of workers; each job takes an idle one, a dead or overrunning one is replaced."""

    def __init__(self, limits: Limits, size: int) -> None:
        self.limits = limits
        self.size = size
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["app.pipeline"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker and wait until each has warmed up."""
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=serve_jobs, args=(child, self.limits), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._live.add(worker)
        try:
            ready = parent.poll(START_SECONDS) and parent.recv() == "ready"
        except (EOFError, OSError):  # it died while starting
            ready = False
        if not ready:
            self._retire(worker)
            raise RuntimeError("a gradtrace worker did not start")
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._live.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        if not self._closed:
            threading.Thread(target=self._refill, daemon=True).start()

    def _refill(self) -> None:
        try:
            self._idle.put(self._spawn())
        except (RuntimeError, OSError) as exc:
            print(f"gradtrace: could not start a worker: {exc}", file=sys.stderr)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and health checks)."""
        with self._lock:
            return [w.process.pid for w in self._live if w.process.pid is not None]

    def run(self, job: Job, wait_seconds: float = 30.0) -> Result:
        """Run one job in a worker. Raises GradtraceError (timeout, limit, or the program's own)."""
        try:
            worker = self._idle.get(timeout=wait_seconds)
        except queue.Empty:
            raise GradtraceError("limit", "gradtrace is busy; try again in a moment", status=429) from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.limits.timeout_seconds + GRACE_SECONDS):
                self._replace(worker)
                raise GradtraceError(
                    "timeout", f"the program ran longer than {self.limits.timeout_seconds:g} s and was stopped"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise self._death_error(worker.process.exitcode) from None
        self._idle.put(worker)
        if status == "error":
            raise payload
        assert isinstance(payload, Result)
        return payload

    def _death_error(self, exitcode: int | None) -> GradtraceError:
        if exitcode == -signal.SIGALRM:  # the layout deadline (app/render/svg.py) ended the worker
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
        """Stop every worker; no process is left behind."""
        self._closed = True
        with self._lock:
            workers = list(self._live)
        for worker in workers:
            self._retire(worker)
