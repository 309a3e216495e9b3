"""Snippet store backends for parametrised tests: SQLite in a temp folder, or a fresh schema on the
session's PostgreSQL (tests/deploy/servers.py), each behind the same Settings and store interface."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gradtrace.config import Limits, Settings
from gradtrace.store import SnippetStore, open_snippet_store

from tests.deploy.servers import PostgresServer

BACKENDS = ("sqlite", "postgres")
_database_numbers = itertools.count()


@dataclass
class Backend:
    """One empty snippet store: `settings()` for an app on it, `store()` for the store itself."""

    name: str
    folder: Path
    limits: Limits
    database_url: str = ""
    opened: list[SnippetStore] = field(default_factory=list)

    def settings(self, **changes: Any) -> Settings:
        """Settings on this store with the tests' limits, and `changes` applied."""
        base = Settings(limits=self.limits, snippet_db=self.folder / "snippets.sqlite3", database_url=self.database_url)
        return replace(base, **changes)

    def store(self, **changes: Any) -> SnippetStore:
        """A store of its own on the same data, as another process would have; closed by `close()`."""
        store = open_snippet_store(self.settings(**changes))
        store.open()
        self.opened.append(store)
        return store

    def row_lengths(self) -> list[int]:
        """The stored bytes of each row's body, as the database counts them."""
        if self.name == "sqlite":
            import sqlite3

            with sqlite3.connect(self.settings().snippet_db) as connection:
                rows = connection.execute("SELECT length(CAST(body AS BLOB)) FROM snippets").fetchall()
        else:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                rows = connection.execute("SELECT length(body) FROM snippets").fetchall()
        return [int(n) for (n,) in rows]

    def close(self) -> None:
        """Close every store `store()` opened."""
        for store in self.opened:
            store.close()


def make_backend(name: str, folder: Path, postgres: PostgresServer | None, limits: Limits) -> Backend:
    """An empty store of kind `name` ("sqlite" or "postgres"; the latter needs the server)."""
    if name == "sqlite":
        return Backend(name, folder, limits)
    assert postgres is not None
    return Backend(name, folder, limits, postgres.create_schema(f"snippets_{next(_database_numbers)}"))
