"""Stored snippets: content-addressed rows in SQLite, so a short /s/{id} URL names code+inputs+options."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import GradtraceError
from .render.options import RenderOptions

SNIPPET_ID = re.compile(r"^[0-9a-f]{16}$")
BUSY_SECONDS = 30.0  # how long a writer waits for another writer's lock before giving up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snippets (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created REAL NOT NULL
)
"""


# Options added after snippet ids were first given out, with their defaults: they enter the
# canonical text only when set otherwise, so a request keeps the id it always had.
LATER_OPTIONS: Mapping[str, Any] = MappingProxyType({"collapse_runs": True})


def canonical_request(code: str, inputs: Mapping[str, Any], options: RenderOptions) -> str:
    """One JSON text per (code, inputs, options): the key of snippet ids, ETags and the image cache."""
    chosen = {k: v for k, v in asdict(options).items() if k not in LATER_OPTIONS or v != LATER_OPTIONS[k]}
    body = {"code": code, "inputs": dict(inputs), "options": chosen}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snippet_id(canonical: str) -> str:
    """The id of a snippet: the first 16 hex digits of the SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Snippet:
    """A stored snippet: what `POST /api/snippets` was given."""

    id: str
    code: str
    inputs: dict[str, Any]
    options: RenderOptions


def store_unavailable(exc: Exception) -> GradtraceError:
    """The error of a snippet store that cannot be used right now (503: try again later)."""
    return GradtraceError("limit", f"the snippet store is not available right now ({exc}); try again later", status=503)


def stored_options(stored: Mapping[str, Any]) -> RenderOptions:
    """Options of a stored row: fields RenderOptions no longer has are dropped and new ones take
    their defaults, so rows written by an older version still load."""
    known = {f.name for f in fields(RenderOptions)}
    try:
        return RenderOptions(**{k: v for k, v in stored.items() if k in known})
    except ValueError:  # a value an older version allowed and this one refuses
        return RenderOptions()


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


class SnippetStore:
    """Snippets in one SQLite file: WAL mode, one connection per operation, INSERT OR IGNORE.

    Safe for several threads and processes writing at once; the same snippet twice is one row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._ready_lock = threading.Lock()

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
                yield connection
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as exc:
            raise store_unavailable(exc) from None

    def _prepare(self, connection: sqlite3.Connection) -> None:
        with self._ready_lock:
            if self._ready:
                return
            _retry_while_locked(lambda: _make_wal_with_table(connection))
            self._ready = True

    def put(self, code: str, inputs: Mapping[str, Any], options: RenderOptions) -> tuple[str, bool]:
        """Store a snippet; answer its id and whether this call added the row."""
        canonical = canonical_request(code, inputs, options)
        key = snippet_id(canonical)
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO snippets (id, body, created) VALUES (?, ?, ?)", (key, canonical, time.time())
            )
            return key, cursor.rowcount == 1

    def get(self, key: str) -> Snippet | None:
        """The snippet stored under `key`, or None."""
        if not SNIPPET_ID.match(key):
            return None
        with self._connect() as connection:
            row = connection.execute("SELECT body FROM snippets WHERE id = ?", (key,)).fetchone()
        if row is None:
            return None
        body = json.loads(row[0])
        return Snippet(key, body["code"], body["inputs"], stored_options(body["options"]))

    def count(self) -> int:
        """How many snippets are stored."""
        with self._connect() as connection:
            (number,) = connection.execute("SELECT COUNT(*) FROM snippets").fetchone()
        return int(number)
