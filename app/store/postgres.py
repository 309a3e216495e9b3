"""Snippets in PostgreSQL, shared by every replica: a psycopg connection pool, the schema migrated at start.

The pool hands out a connection only after checking it, so a database that restarted costs no request an
error once it is back. While it is down, the first request waits at most `wait_seconds` for a connection and
answers 503; a circuit breaker (breaker.py) then answers 503 at once, letting one request at a time try
again every BREAKER_SECONDS, so a down database holds no thread per request. A request that finds every
connection busy (the database answers, slowly) says so in its 503. The size cap counts the table with its
indexes and TOAST (pg_total_relation_size)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from ..i18n import Message
from ..rendering.options import RenderOptions
from ..snippets import (
    SNIPPET_ID,
    UNLIMITED_BYTES,
    Snippet,
    canonical_request,
    snippet_from_row,
    snippet_id,
    store_full,
    store_unavailable,
)
from .breaker import CircuitBreaker

LOG = logging.getLogger("gradtrace.store")
CONNECT_SECONDS = 5  # one connection attempt (libpq's connect_timeout)
# Two replicas starting at once must not both create the table: migrations run under this lock.
MIGRATION_LOCK = 0x67726164  # "grad"
# Each step brings the schema from its index to the next version; a new step is appended, never edited.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE snippets (
        id TEXT PRIMARY KEY,
        body BYTEA NOT NULL,
        created TIMESTAMPTZ NOT NULL DEFAULT now()
    )
    """,
)
UNREACHABLE = Message("the database does not answer")
BUSY = Message("every connection to the database is busy")
REFUSED = Message("the database refused the request")


def migrate(connection: psycopg.Connection[Any]) -> int:
    """Bring the schema to the newest version, once for all replicas; answer the version."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS gradtrace_schema (version INTEGER NOT NULL)")
        row = connection.execute("SELECT max(version) FROM gradtrace_schema").fetchone()
        version = int(row[0]) if row and row[0] is not None else 0
        for step in MIGRATIONS[version:]:
            connection.execute(step)  # our own constant SQL text
        if version < len(MIGRATIONS):
            connection.execute("INSERT INTO gradtrace_schema (version) VALUES (%s)", (len(MIGRATIONS),))
    return len(MIGRATIONS)


class PostgresSnippetStore:
    """Snippets in one PostgreSQL table: INSERT ... ON CONFLICT DO NOTHING, so the same snippet from any
    replica is one row and one id."""

    def __init__(
        self, url: str, max_bytes: int = UNLIMITED_BYTES, pool_size: int = 4, wait_seconds: float = 5.0
    ) -> None:
        self.max_bytes = max_bytes
        self._ready = False
        self._ready_lock = threading.Lock()
        self._breaker = CircuitBreaker()
        self._max_connections = max(1, pool_size)
        self._in_use = 0  # connections handed to calls now (a timeout with all of them out: busy, not down)
        self._in_use_lock = threading.Lock()
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=self._max_connections,
            open=False,
            timeout=wait_seconds,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_SECONDS},
            check=ConnectionPool.check_connection,
            # A down database is retried for ever (in the background, backing off), never given up on.
            reconnect_timeout=24 * 3600,
            name="gradtrace-snippets",
        )

    def open(self) -> None:
        """Start the pool without waiting for the database, and migrate if it answers now (else on first use)."""
        self.pool.open(wait=False)
        try:
            with self._connect():
                pass
        except Exception as exc:  # the service starts anyway and answers 503 until the database is there
            LOG.warning("snippet database not ready at start: %s", exc)

    def close(self) -> None:
        """Close the pool's connections."""
        self.pool.close()

    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        # A database that is down, restarting or out of connections is the service's trouble, not the
        # request's: one 503 that does not name hosts or ports (the log has the details).
        if not self._breaker.admit():
            raise store_unavailable(UNREACHABLE)
        try:
            with self._connection() as connection:
                self._prepare(connection)
                yield connection
        except pg_errors.DiskFull:
            self._breaker.succeeded()
            raise store_full(self.max_bytes) from None
        except PoolTimeout:
            raise store_unavailable(self._timed_out()) from None
        except psycopg.OperationalError as exc:  # down or restarting
            LOG.warning("snippet database error: %s", exc)
            self._breaker.failed()
            raise store_unavailable(UNREACHABLE) from None
        except psycopg.Error as exc:
            # It answers but refuses (permissions, a broken schema): the operator's to fix, and the log
            # says what it is.
            LOG.warning("snippet database error: %s", exc)
            self._breaker.succeeded()
            raise store_unavailable(REFUSED) from None
        except BaseException:
            self._breaker.released()
            raise
        else:
            self._breaker.succeeded()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pool connection, counted while this call holds it."""
        with self.pool.connection() as connection:
            with self._in_use_lock:
                self._in_use += 1
            try:
                yield connection
            finally:
                with self._in_use_lock:
                    self._in_use -= 1

    def _timed_out(self) -> Message:
        """Why no connection came within the wait: all of them are out (busy), or the database is down."""
        with self._in_use_lock:
            busy = self._in_use >= self._max_connections
        if busy:
            LOG.warning("snippet database: every pooled connection is busy")
            self._breaker.released()
            return BUSY
        LOG.warning("snippet database: no connection within the wait")
        self._breaker.failed()
        return UNREACHABLE

    def _prepare(self, connection: psycopg.Connection[Any]) -> None:
        with self._ready_lock:
            if not self._ready:
                migrate(connection)
                self._ready = True

    def put(
        self, code: str, inputs: Mapping[str, Any], options: RenderOptions, sent: bytes | None = None
    ) -> tuple[str, bool]:
        """Store a snippet; answer its id and whether this call added the row (the shorter of the body as
        sent and the canonical JSON is kept, as in SQLite)."""
        canonical = canonical_request(code, inputs, options)
        key = snippet_id(canonical)
        stored = canonical.encode("utf-8")
        if sent is not None and len(sent) < len(stored):
            stored = sent
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO snippets (id, body) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING", (key, stored)
            )
            return key, cursor.rowcount == 1

    def get(self, key: str) -> Snippet | None:
        """The snippet stored under `key`, or None."""
        if not SNIPPET_ID.match(key):
            return None
        with self._connect() as connection:
            row = connection.execute("SELECT body FROM snippets WHERE id = %s", (key,)).fetchone()
        return None if row is None else snippet_from_row(key, bytes(row[0]))

    def count(self) -> int:
        """How many snippets are stored."""
        with self._connect() as connection:
            row = connection.execute("SELECT count(*) FROM snippets").fetchone()
        return int(row[0]) if row else 0

    def check_room(self) -> None:
        """Refuse (507) before any work when the table has reached the cap."""
        if self.max_bytes and self.stored_bytes() >= self.max_bytes:
            raise store_full(self.max_bytes)

    def stored_bytes(self) -> int:
        """The table's size with its indexes and TOAST: what `max_bytes` bounds."""
        with self._connect() as connection:
            row = connection.execute("SELECT pg_total_relation_size('snippets')").fetchone()
        return int(row[0]) if row else 0
