"""Shared fixtures: one worker pool for the whole session (workers import torch once)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Limits, Settings
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool

from tests.deploy.backends import BACKENDS, Backend, make_backend
from tests.deploy.servers import MissingServer, PostgresServer, start_postgres

# A third of the default step limit: the hostile loops (tests/security/attacks.py EXHAUSTION) then stop at the step
# limit after ~1 s of CPU, well inside the 5 s timeout's wall-clock grace even when the machine is busy.
TEST_LIMITS = Limits(timeout_seconds=5.0, max_steps=1_000_000)
# Tests send requests back to back from one client; the rates have their own tests (test_fairness.py).
NO_RATE_LIMITS = {"client_rate_limit": "", "snippet_rate_limit": ""}


def load_messages_script() -> ModuleType:
    """scripts/messages.py (the catalogue tooling; not part of the package)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "messages.py"
    spec = importlib.util.spec_from_file_location("gradtrace_messages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def pytest_sessionstart(session: pytest.Session) -> None:
    """Answers are translated from the compiled catalogues: compile any .po edited since its .mo was made."""
    messages = load_messages_script()
    if messages.stale():
        messages.compile_catalogues()


@pytest.fixture(scope="session")
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(TEST_LIMITS, size=2)
    workers.start()
    yield workers
    workers.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL (Debian's package) for the session, run unprivileged in a temp folder
    (tests/deploy/servers.py); skipped, saying what to install, where it is missing."""
    try:
        import psycopg  # noqa: F401  # the driver the store and the helper use
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]' (it installs the postgres extra)")
    with ExitStack() as servers:
        try:
            server = servers.enter_context(start_postgres())
        except MissingServer as missing:
            pytest.skip(str(missing))
        yield server


@pytest.fixture(params=BACKENDS)
def snippet_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty snippet store of each kind, SQLite and PostgreSQL (a fresh schema on the session's server)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    made = make_backend(request.param, tmp_path, server, TEST_LIMITS)
    yield made
    made.close()


@pytest.fixture
def client(pool: WorkerPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A fresh app per test on the shared pool."""
    db = tmp_path_factory.mktemp("db") / "snippets.sqlite3"
    settings = Settings(limits=TEST_LIMITS, snippet_db=db, **NO_RATE_LIMITS)
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as test_client:
        yield test_client
