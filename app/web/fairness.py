"""Per-client fairness: who a client is, how many jobs it may have at once, how often it may compute.

Rates are counted by the `limits` package (moving windows in memory, each client's entries expiring
on their own); the cap on jobs is a count per client, kept only while the client has a job.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.types import Scope

from ..config import Settings
from ..errors import RetryLater
from ..i18n import Message, Plural

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Charge = Literal["compute", "snippet"]
MAX_CLIENT_CHARS = 64  # a key longer than any address: a forwarded hop is text a proxy passed on


def trusted_networks(proxies: Sequence[str]) -> tuple[Network, ...]:
    """The trusted proxies as networks (a single address is a /32 or /128); a bad entry is refused."""
    networks: list[Network] = []
    for entry in proxies:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"GRADTRACE_TRUSTED_PROXIES: {entry!r} is not an address or network") from None
    return tuple(networks)


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the last X-Forwarded-For
    hop that is not itself a trusted proxy (hops further left were written by the client, who may lie)."""
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if not trusted or not is_trusted(address, trusted):
        return address
    hops: list[str] = [
        hop.strip()
        for key, value in scope.get("headers", [])
        if key == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not is_trusted(hop, trusted):
            return hop[:MAX_CLIENT_CHARS]
    return hops[0][:MAX_CLIENT_CHARS] if hops else address


class ClientQuota:
    """Per-client admission to the workers: a rate of compute requests (and of snippet creations)
    and a cap on jobs waiting or running at once. Refusals are 429 with Retry-After."""

    def __init__(self, settings: Settings) -> None:
        self.trusted = trusted_networks(settings.trusted_proxies)
        self.max_jobs = settings.client_max_jobs
        self.rates: dict[Charge, list[RateLimitItem]] = {
            "compute": _parsed("GRADTRACE_CLIENT_RATE_LIMIT", settings.client_rate_limit),
            "snippet": _parsed("GRADTRACE_SNIPPET_RATE_LIMIT", settings.snippet_rate_limit),
        }
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._jobs: Counter[str] = Counter()

    def client_of(self, request: Request) -> str:
        """Who sent `request` (see client_address)."""
        return client_address(request.scope, self.trusted)

    def charge(self, client: str, *charges: Charge) -> None:
        """Count one request of each kind against `client`'s rates, or refuse it (nothing counted)."""
        items = [item for charge in charges for item in self.rates[charge]]
        for item in items:
            if not self._limiter.test(item, client):
                reset = self._limiter.get_window_stats(item, client).reset_time
                raise RetryLater(
                    Message(
                        "too many requests from your address (at most {rate}); try again in a moment", rate=str(item)
                    ),
                    math.ceil(reset - time.time()),
                    code="limit.rate",
                )
        for item in items:
            self._limiter.hit(item, client)

    @contextmanager
    def job_slot(self, client: str) -> Iterator[None]:
        """Hold one of `client`'s concurrent jobs (waiting or running) while the block runs."""
        if self._jobs[client] >= self.max_jobs:
            raise RetryLater(
                Plural(
                    "you already have {n} program running or waiting; wait for its answer first",
                    "you already have {n} programs running or waiting; wait for their answers first",
                    n=self.max_jobs,
                ),
                1,
                code="limit.client_jobs",
            )
        self._jobs[client] += 1
        try:
            yield
        finally:
            self._jobs[client] -= 1
            if self._jobs[client] <= 0:
                del self._jobs[client]


def _parsed(name: str, text: str) -> list[RateLimitItem]:
    if not text.strip():
        return []  # an empty setting turns the limit off
    try:
        return parse_many(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a rate such as '20/second;600/minute'") from None
