"""Settings and limits: one frozen object built from the environment at start-up, passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """Every resource bound gradtrace enforces, each checked where it is cheapest."""

    max_source_chars: int = 20_000  # before parsing
    max_ast_depth: int = 60  # nesting depth, before interpreting
    max_ast_nodes: int = 20_000
    max_steps: int = 3_000_000  # statements + expressions evaluated (~5 s of the interpreter); time bounds the rest
    max_call_depth: int = 40  # user function recursion
    max_tensor_elements: int = 4_000_000  # per tensor, checked from shapes before allocating
    max_live_elements: int = 40_000_000  # tensor elements alive at once (freed tensors no longer count)
    max_sequence_length: int = 100_000  # Python lists/strings/ranges built by the program
    max_int_bits: int = 256  # Python ints the program computes
    max_stdout_chars: int = 100_000
    max_graph_nodes: int = 5_000  # one graph, counted before layout
    max_graph_edges: int = 10_000  # one graph, counted before layout
    max_graph_segments: int = 20_000  # one graph: levels its edges cross in all, what a layout's cost grows with
    max_live_autograd_nodes: int = 20_000  # autograd nodes alive at once, counted as ops run
    max_graphs: int = 20  # backward() calls drawn per request; later ones run undrawn
    max_drawn_nodes: int = 10_000  # nodes of all drawn graphs together; later backward() calls run undrawn
    max_inputs_elements: int = 100_000  # all `inputs` values together
    # CPU time of one request in a worker (its wall clock gets a grace second more). A minute fits
    # the PyTorch tutorial's published training loops: its 30,000-step DynamicNet takes 2-3x the
    # CPU time it takes in plain PyTorch (about 9 s), and limits bound what is alive, not the work.
    timeout_seconds: float = 60.0
    layout_timeout_seconds: float = 5.0  # one Graphviz layout in a worker (only workers enforce it); 0 = none
    worker_memory_mb: int = 3_072  # address-space cap of a worker process
    json_value_elements: int = 10_000  # larger tensors are summarised, not listed
    max_listed_elements: int = 200_000  # elements listed in one answer; later tensors are summarised
    gradcheck_seconds: float = 1.0  # numeric gradient checks of one request together; 0 = no check
    gradcheck_elements: int = 32  # elements finite-differenced per leaf; larger leaves get a seeded sample
    gradcheck_max_nodes: int = 500  # larger graphs are not checked: their replays would dominate a request


@dataclass(frozen=True)
class Settings:
    """Service settings; `from_env` reads GRADTRACE_* variables."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    max_body_bytes: int = 256 * 1024
    max_url_chars: int = 8_192
    snippet_db: Path = Path("gradtrace-snippets.sqlite3")
    snippet_store_max_bytes: int = 1024 * 1024 * 1024  # the snippet database file's cap (507 when full); 0 = none
    # Snippets in PostgreSQL (postgresql://user:password@host/db), shared by replicas; empty: the SQLite file.
    database_url: str = ""
    database_pool_size: int = 4  # connections one process keeps to the database at most
    database_wait_seconds: float = 5.0  # how long a request waits for a database connection before a 503
    image_cache_bytes: int = 64 * 1024 * 1024  # rendered images kept in the web process (LRU)
    # Client fairness. A client is its address, or the X-Forwarded-For hop that a trusted proxy names.
    trusted_proxies: tuple[str, ...] = ()  # proxy addresses or networks (comma-separated in the environment)
    client_max_jobs: int = 8  # one client's jobs waiting or running at once; more answer 429 at once
    client_max_running: int = 0  # workers one client may hold at once; 0: half the workers, at least one
    client_rate_limit: str = "20/second;600/minute"  # compute requests per client, in `limits` notation
    snippet_rate_limit: str = "30/minute"  # snippet creations per client, on top of client_rate_limit
    queue_wait_seconds: float = 30.0  # how long a request waits for a worker before a 429
    # Connections (the server's own protocol, app/web/connection_guard.py).
    max_connections: int = 1_000  # open connections (and requests in progress) in all; past it 503 or closed
    client_max_connections: int = 64  # open connections per address (trusted proxies are exempt)
    max_header_bytes: int = 16 * 1024  # request headers (without the request line); past it 431
    header_timeout_seconds: float = 10.0  # to receive a request's line and headers (from connecting or the last answer)
    body_timeout_seconds: float = 30.0  # to receive a request's whole body once its headers are in
    keep_alive_seconds: int = 5  # an idle keep-alive connection is closed after this
    limits: Limits = field(default_factory=Limits)

    def client_share(self) -> int:
        """Workers one client may hold at once."""
        return self.client_max_running or max(1, self.workers // 2)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from GRADTRACE_<NAME> variables (limits as GRADTRACE_LIMIT_<NAME>)."""
        env = os.environ if environ is None else environ
        limits = _override(Limits(), env, "GRADTRACE_LIMIT_")
        return _override(cls(limits=limits), env, "GRADTRACE_")


def _override(obj: T, env: Mapping[str, str], prefix: str) -> T:
    changes: dict[str, Any] = {}
    for f in fields(obj):  # type: ignore[arg-type]
        raw = env.get(prefix + f.name.upper())
        if raw is None or f.name == "limits":
            continue
        current = getattr(obj, f.name)
        try:
            if isinstance(current, tuple):
                changes[f.name] = tuple(item.strip() for item in raw.split(",") if item.strip())
            else:
                changes[f.name] = type(current)(raw)
        except ValueError as exc:
            raise ValueError(f"{prefix}{f.name.upper()}={raw!r}: {exc}") from None
    return replace(obj, **changes)  # type: ignore[type-var]
