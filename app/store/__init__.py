"""Where snippets are kept: one interface, one module per backend.

SQLite (app/store/sqlite.py) is the embedded default; GRADTRACE_DATABASE_URL=postgresql://... puts them in
PostgreSQL (app/store/postgres.py), which several replicas behind a load balancer share. Both give the same
ids, answers, limits and errors: a store that cannot be reached answers 503, a full one 507."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..config import Settings
from ..rendering.options import RenderOptions
from ..snippets import Snippet
from .sqlite import SQLiteSnippetStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class SnippetStore(Protocol):
    """What the web layer asks of a snippet store; every method may raise the store's 503 or 507."""

    def open(self) -> None:
        """Get ready at start-up (create or migrate the schema when the database answers)."""

    def close(self) -> None:
        """Release connections at shutdown."""

    def put(
        self, code: str, inputs: Mapping[str, Any], options: RenderOptions, sent: bytes | None = None
    ) -> tuple[str, bool]:
        """Store a snippet; answer its id and whether this call added the row."""

    def get(self, key: str) -> Snippet | None:
        """The snippet stored under `key`, or None."""

    def count(self) -> int:
        """How many snippets are stored."""

    def check_room(self) -> None:
        """Refuse (507) before any work when the store is at its size cap."""

    def stored_bytes(self) -> int:
        """What the size cap bounds."""


def open_snippet_store(settings: Settings) -> SnippetStore:
    """The store the settings name: PostgreSQL for a postgresql:// database URL, else the SQLite file."""
    url = settings.database_url
    if not url:
        return SQLiteSnippetStore(settings.snippet_db, settings.snippet_store_max_bytes)
    if not url.startswith(POSTGRES_SCHEMES):
        raise ValueError("GRADTRACE_DATABASE_URL must start with postgresql://; leave it unset for the SQLite file")
    try:  # psycopg is an optional extra: imported only when asked for
        from .postgres import PostgresSnippetStore
    except ImportError as exc:
        raise ValueError(f"GRADTRACE_DATABASE_URL needs pip install 'gradtrace[postgres]' ({exc})") from None

    return PostgresSnippetStore(
        url,
        settings.snippet_store_max_bytes,
        pool_size=settings.database_pool_size,
        wait_seconds=settings.database_wait_seconds,
    )
