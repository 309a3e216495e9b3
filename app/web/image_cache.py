"""An in-process LRU of rendered image bytes, bounded by their total size."""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future


class RenderedImageCache:
    """Image bytes by ETag; the least recently used go first once `max_bytes` is passed."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._flights: dict[str, Future[bytes]] = {}

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key` (and mark them recently used), or None."""
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        """Keep `body`; an image larger than a quarter of the budget is not kept at all."""
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def join(self, key: str) -> tuple[Future[bytes], bool]:
        """Single flight: the future of `key`'s bytes and whether the caller must draw them.

        The first caller gets `True` and must complete the future (`land`); everyone asking
        while it draws gets the same future, so one image is drawn once however many pages load
        it at the same moment. Bytes already kept come back as a done future."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = Future()
            body = self._items.get(key)
            if body is not None:
                flight.set_result(body)
                return flight, False
            self._flights[key] = flight
            return flight, True

    def land(self, key: str, flight: Future[bytes], body: bytes | None, error: BaseException | None) -> None:
        """Finish the flight `join` handed out: keep `body` (never an error) and wake the waiters."""
        if body is not None:
            self.put(key, body)
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        if flight.done():
            return
        if body is not None:
            flight.set_result(body)
        else:
            flight.set_exception(error or RuntimeError("the drawing ended without bytes"))

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._size
