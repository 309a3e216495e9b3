"""Keep what Graphviz and fontconfig print from C off the process's stderr.

The Graphviz that pygraphviz bundles writes its warnings, and its fontconfig its complaints about the
system's font configuration, straight to file descriptor 2: in Jupyter that is a cell's output, in the
CLI a user's terminal. They say nothing a learner can act on, so they go to the `gradtrace.graphviz`
logger at debug level instead."""

from __future__ import annotations

import atexit
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

logger = logging.getLogger("gradtrace.graphviz")

# Descriptor 2 is one per process: two threads swapping it at once would restore the wrong one.
_SWAP = threading.RLock()
_captures: dict[int, IO[bytes]] = {}  # one file per process id: a forked worker must not share its parent's


@contextmanager
def native_stderr_to_log() -> Iterator[None]:
    """While inside, C code's writes to descriptor 2 are kept and then logged, never shown."""
    with _SWAP:
        _flush_python_stderr()  # Python's own buffered text still goes where it was going
        try:
            saved = os.dup(2)
        except OSError:  # no descriptor 2 at all (a daemon): nothing to keep off it
            yield
            return
        captured = _capture_file()
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            _log_captured(captured)


def _capture_file() -> IO[bytes]:
    # Reused: making a temporary file per drawing cost a tenth of a small graph's layout time.
    captured = _captures.get(os.getpid())
    if captured is None:
        _captures.clear()
        captured = _captures[os.getpid()] = tempfile.TemporaryFile()  # noqa: SIM115 (kept for the process)
        atexit.register(captured.close)
    return captured


def _log_captured(captured: IO[bytes]) -> None:
    if captured.tell() == 0:
        return
    captured.seek(0)
    text = captured.read().decode("utf-8", "replace").strip()
    captured.seek(0)
    captured.truncate()
    if text:
        logger.debug("%s", text)


def _flush_python_stderr() -> None:
    with suppress(AttributeError, OSError, ValueError):  # replaced, closed or None: nothing pending
        sys.stderr.flush()
