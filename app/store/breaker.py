"""A circuit breaker for the snippet database: while it is down, calls fail at once instead of each
holding a thread for the whole connection wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BREAKER_SECONDS = 2.0  # after the database failed, calls fail at once for this long; then one call tries it


class CircuitBreaker:
    """Closed: every call tries the database. After a failure it opens for `seconds`: calls are refused
    at once. Then one call at a time (the probe) may try; its success closes the breaker, its failure
    opens it again. So a database that comes back is used again within `seconds` of a call."""

    def __init__(self, seconds: float = BREAKER_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._retry_at = 0.0
        self._probing = False

    def admit(self) -> bool:
        """Whether a call may try the database now; False: refuse it at once."""
        with self._lock:
            if not self._open:
                return True
            if self._probing or self._clock() < self._retry_at:
                return False
            self._probing = True
            return True

    def succeeded(self) -> None:
        """The database answered: every call may try it again."""
        with self._lock:
            self._open = False
            self._probing = False

    def failed(self) -> None:
        """The database did not answer: refuse calls for the next `seconds`."""
        with self._lock:
            self._open = True
            self._probing = False
            self._retry_at = self._clock() + self._seconds

    def released(self) -> None:
        """A call ended saying nothing about the database (every connection busy, an error of ours)."""
        with self._lock:
            self._probing = False
