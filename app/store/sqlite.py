"""Snippets in one SQLite file: the embedded default store, nothing to run beside gradtrace.

SQLite's own page cap bounds the file (507 when full)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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

BUSY_SECONDS = 30.0  # how long a writer waits for another writer's lock before giving up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snippets (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def _make_wal_with_table(connection: sqlite3.Connection) -> None:
    # WAL lets readers go on while one process writes; it is a property of the file, set once.
    (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(_SCHEMA)


def _retry_while_locked(step: Callable[[], None]) -> None:
    # Switching to WAL needs the file to itself and SQLite answers "locked" at once, without its
    # busy timeout, when another process is opening the same new file: wait and try again.
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class SQLiteSnippetStore:
    """Snippets in one SQLite file: WAL mode, one connection per operation, INSERT OR IGNORE.

    Safe for several threads and processes writing at once; the same snippet twice is one row."""

    def __init__(self, path: Path, max_bytes: int = UNLIMITED_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._max_pages = 0  # max_bytes in pages of this file, known once the file is open
        self._ready = False
        self._ready_lock = threading.Lock()

    def open(self) -> None:
        """Nothing to open: each operation opens the file (the folder and table on first use)."""

    def close(self) -> None:
        """Nothing to close: no connection outlives an operation."""

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A store that cannot be read or written (missing folder it may not create, read-only
        # file, disk full, a lock held past the timeout) is the service's trouble, not the
        # request's: one GradtraceError with 503, never a 500.
        try:
            if not self._ready:  # sqlite3.connect cannot create the folder the file goes in
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                self._prepare(connection)
                if self._max_pages:  # a per-connection setting: SQLite refuses to grow the file past it
                    connection.execute(f"PRAGMA max_page_count = {self._max_pages}")
                yield connection
            finally:
                connection.close()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:  # the cap, or a full disk
                raise store_full(self.max_bytes) from None
            raise store_unavailable(exc) from None
        except OSError as exc:
            raise store_unavailable(exc) from None

    def _prepare(self, connection: sqlite3.Connection) -> None:
        with self._ready_lock:
            if self._ready:
                return
            _retry_while_locked(lambda: _make_wal_with_table(connection))
            if self.max_bytes:
                (page_size,) = connection.execute("PRAGMA page_size").fetchone()
                self._max_pages = max(1, self.max_bytes // int(page_size))
            self._ready = True

    def put(
        self, code: str, inputs: Mapping[str, Any], options: RenderOptions, sent: bytes | None = None
    ) -> tuple[str, bool]:
        """Store a snippet; answer its id and whether this call added the row.

        `sent` is the JSON body the snippet came in (same code, inputs, options): the row keeps the
        shorter of it and the canonical JSON, so a client cannot make the store hold more than it sent
        (floats such as 1e15 are written back 4x longer)."""
        canonical = canonical_request(code, inputs, options)
        key = snippet_id(canonical)
        stored = canonical.encode("utf-8")
        if sent is not None and len(sent) < len(stored):
            stored = sent
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO snippets (id, body, created) VALUES (?, ?, ?)", (key, stored, time.time())
            )
            return key, cursor.rowcount == 1

    def get(self, key: str) -> Snippet | None:
        """The snippet stored under `key`, or None."""
        if not SNIPPET_ID.match(key):
            return None
        with self._connect() as connection:
            row = connection.execute("SELECT body FROM snippets WHERE id = ?", (key,)).fetchone()
        return None if row is None else snippet_from_row(key, row[0])

    def count(self) -> int:
        """How many snippets are stored."""
        with self._connect() as connection:
            (number,) = connection.execute("SELECT COUNT(*) FROM snippets").fetchone()
        return int(number)

    def check_room(self) -> None:
        """Refuse (507) before any work when the file is at its cap with no free page left; a row
        that still does not fit is refused by SQLite when it is written."""
        if not self.max_bytes:
            return
        with self._connect() as connection:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            (free,) = connection.execute("PRAGMA freelist_count").fetchone()
        if int(pages) >= self._max_pages and int(free) == 0:
            raise store_full(self.max_bytes)

    def stored_bytes(self) -> int:
        """The size of the database file's pages: what `max_bytes` bounds."""
        with self._connect() as connection:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        return int(pages) * int(page_size)
