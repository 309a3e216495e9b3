"""Idle workers handed to waiting requests round robin between clients, never more than a share each.

Thread-safe and free of any event loop: a claim is a `concurrent.futures.Future`, which a thread can
wait on (`result(timeout)`) and an event loop can await without holding a thread (`claimed`), so
one queue serves every caller of a pool, whichever loop or thread it runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class Claim(Generic[T]):
    """One request's place in line; `future` completes with the item it was granted."""

    client: str
    share: int  # the most items this client may hold at once; 0: no cap
    future: Future[T] = field(default_factory=Future)
    granted: T | None = None  # set under the queue's lock, before `future` completes


class FairQueue(Generic[T]):
    """Items (idle workers) go to waiting claims round robin by client, FIFO within a client; a
    client holding its claim's `share` of items waits until one comes back, even while others idle."""

    def __init__(self) -> None:
        self._idle: deque[T] = deque()
        self._waiting: dict[str, deque[Claim[T]]] = {}  # insertion order is the round-robin order
        self._holding: dict[str, int] = {}
        self._lock = threading.Lock()

    def claim(self, client: str, share: int = 0) -> Claim[T]:
        """A place in line for `client`; granted at once when an item is idle and the client may have it."""
        claim: Claim[T] = Claim(client, share)
        with self._lock:
            self._waiting.setdefault(client, deque()).append(claim)
            grants = self._grant_locked()
        _complete(grants)
        return claim

    def put(self, item: T) -> None:
        """An item became idle: it goes to the next client in turn, or waits for one."""
        with self._lock:
            self._idle.append(item)
            grants = self._grant_locked()
        _complete(grants)

    def release(self, client: str) -> None:
        """`client` no longer holds an item it was granted (given back with `put`, or retired)."""
        with self._lock:
            held = self._holding.get(client, 0) - 1
            if held > 0:
                self._holding[client] = held
            else:
                self._holding.pop(client, None)
            grants = self._grant_locked()
        _complete(grants)

    def withdraw(self, claim: Claim[T]) -> T | None:
        """Leave the line (the request gave up). Returns the item if one was granted meanwhile: the
        caller owns it and must `put` it back (and `release`)."""
        with self._lock:
            if claim.granted is not None:
                return claim.granted
            line = self._waiting.get(claim.client)
            if line is not None and claim in line:
                line.remove(claim)
                if not line:
                    del self._waiting[claim.client]
        claim.future.cancel()
        return None

    def take_idle(self) -> list[T]:
        """Every idle item, taken out (to check them; `put` back the good ones)."""
        with self._lock:
            items = list(self._idle)
            self._idle.clear()
        return items

    def fail_waiting(self, error: BaseException) -> None:
        """Every waiting claim ends with `error` (the pool is closing)."""
        with self._lock:
            claims = [claim for line in self._waiting.values() for claim in line]
            self._waiting.clear()
        for claim in claims:
            if claim.future.set_running_or_notify_cancel():
                claim.future.set_exception(error)

    def counts(self) -> tuple[int, int]:
        """(idle items, waiting claims)."""
        with self._lock:
            return len(self._idle), sum(len(line) for line in self._waiting.values())

    def _grant_locked(self) -> list[Claim[T]]:
        """Match idle items with waiting clients in turn; the futures are completed by the caller,
        outside the lock, as completing one runs its callbacks."""
        grants: list[Claim[T]] = []
        while self._idle:
            claim = self._next_claim_locked()
            if claim is None:
                break
            claim.granted = self._idle.popleft()
            self._holding[claim.client] = self._holding.get(claim.client, 0) + 1
            grants.append(claim)
        return grants

    def _next_claim_locked(self) -> Claim[T] | None:
        for client, line in list(self._waiting.items()):
            share = line[0].share
            if share > 0 and self._holding.get(client, 0) >= share:
                continue
            del self._waiting[client]
            claim = line.popleft()
            if line:
                self._waiting[client] = line  # back of the round
            if claim.future.set_running_or_notify_cancel():  # not cancelled: it can no longer be
                return claim
        return None


def _complete(grants: list[Claim[T]]) -> None:
    for claim in grants:
        claim.future.set_result(claim.granted)  # type: ignore[arg-type]


async def claimed(claim: Claim[T], wait_seconds: float, on_timeout: Callable[[], BaseException]) -> T:
    """Await a claim on the running loop, holding no thread; `on_timeout()` is raised past
    `wait_seconds`. The caller withdraws the claim if this raises (see FairQueue.withdraw)."""
    if claim.future.done() and not claim.future.cancelled():
        return claim.future.result()  # granted at once: an idle worker was there
    loop = asyncio.get_running_loop()
    granted: asyncio.Future[T] = loop.create_future()

    def copy_outcome(done: Future[T]) -> None:
        if granted.done():
            return
        if done.cancelled():
            granted.cancel()
        elif (error := done.exception()) is not None:
            granted.set_exception(error)
        else:
            granted.set_result(done.result())

    def wake(done: Future[T]) -> None:
        # A closed loop's requests are gone; each withdrew its claim when it was cancelled.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(copy_outcome, done)

    claim.future.add_done_callback(wake)
    try:
        async with asyncio.timeout(wait_seconds):
            return await granted
    except TimeoutError:
        raise on_timeout() from None
