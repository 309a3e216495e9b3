"""The worker process's side: caps, heap scrubbing, one compute thread, and the loop answering jobs.

Run by the pool (worker.py) in processes forked from a forkserver that has imported torch and the
pipeline already; nothing here runs in the web process.
"""

from __future__ import annotations

import gc
import math
import os
import resource
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any

from .config import Limits
from .errors import GradtraceError
from .i18n import Message
from .rendering.options import RenderOptions
from .rendering.svg import ImageFormat
from .result import result_json_bytes
from .worker_channel import write_message

if TYPE_CHECKING:
    from .pipeline import LayoutGuard

WORKER_NICENESS = 5  # added to a worker's nice value (lower CPU priority than the web process)
CLEAN = b""  # a worker's message after each reply: this job's garbage is freed, it can take the next


@dataclass(frozen=True)
class Job:
    """One request for a worker."""

    source: str
    inputs: dict[str, Any] = field(default_factory=dict)
    options: RenderOptions = field(default_factory=RenderOptions)
    image_format: ImageFormat | None = None  # also draw graph `options.graph` as this image
    # Answer the API's JSON body (bytes) instead of the Result: encoded here, the web process neither
    # unpickles the Result nor encodes it on the loop every other request waits on.
    json_answer: bool = False


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
        # The JSON answer is encoded here, so its warnings and notes are rendered here, in the job's language.
        return "ok", result_json_bytes(result, job.options.lang) if job.json_answer else result
    except GradtraceError as exc:
        return "error", exc
    except MemoryError:
        message = Message("the program needs more memory than gradtrace allows")
        return "error", GradtraceError("limit", message, code="limit.memory")
    except RecursionError:
        return "error", GradtraceError("limit", Message("the program nests too deeply"), code="limit.nesting")
    except Exception as exc:  # a bug of ours: say so plainly, keep the worker alive
        print(f"gradtrace worker: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        message = Message("gradtrace could not run this program ({error})", error=type(exc).__name__)
        return "error", GradtraceError("runtime", message, code="runtime.internal")


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
        try:
            write_message(conn, bytes(ForkingPickler.dumps(reply)))  # as conn.send(reply), in one write
            # Free this job's garbage (cycles through autograd graphs) after answering, then say so:
            # the pool gives this worker its next job only after the marker, so a crash while
            # freeing fails no request (this one has its answer; the worker is replaced).
            gc.collect()
            conn.send_bytes(CLEAN)
        except (OSError, ValueError):
            return


def serve_jobs_niced(conn: Connection, limits: Limits) -> None:
    """serve_jobs at a lower CPU priority than the web process: however hard user programs compute,
    the web process gets the CPU first, so /healthz, the page and static files answer at once."""
    os.nice(WORKER_NICENESS)
    serve_jobs(conn, limits)
