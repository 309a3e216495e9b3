"""Attack-suite fixtures: a canary secret, a watched directory, a loopback listener, one app per module.

The canary is put in the environment when this file is imported, which is before the session's
worker pool starts, so every worker inherits it: a response that ever contains it leaked the
environment.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool
from hypothesis import HealthCheck, settings

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS

CANARY = "canary-" + secrets.token_hex(12)
PROXY = ("127.0.0.1", 50000)
os.environ["GRADTRACE_CANARY"] = CANARY

# CI runs a short fuzz; `make fuzz` passes --hypothesis-profile=long.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("long", max_examples=3_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("GRADTRACE_HYPOTHESIS_PROFILE", "ci"))


@dataclass
class Watch:
    """What an attack must not touch: a directory it is told about and a port it is told about."""

    directory: Path
    listener: socket.socket

    @property
    def port(self) -> int:
        port: int = self.listener.getsockname()[1]
        return port

    def fill(self, code: str) -> str:
        """Put the watched directory and port into an attack's code."""
        return code.replace("{DIR}", str(self.directory)).replace("{PORT}", str(self.port))

    def assert_untouched(self) -> None:
        """No file appeared in the directory or the working directory; nobody connected."""
        assert list(self.directory.iterdir()) == []
        assert not [p for p in Path.cwd().iterdir() if p.name.startswith("pwned")]
        try:
            conn, _ = self.listener.accept()
        except BlockingIOError:
            return
        conn.close()
        raise AssertionError("an attack opened a connection")


@pytest.fixture(scope="module")
def watch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watch]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield Watch(tmp_path_factory.mktemp("watched"), listener)
    listener.close()


@pytest.fixture(scope="module")
def app_client(pool: WorkerPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for a whole module on the shared pool (the attack tables are long)."""
    db = tmp_path_factory.mktemp("db") / "snippets.sqlite3"
    # The test client is a trusted proxy: a test plays several users by naming them in X-Forwarded-For.
    app_settings = Settings(limits=TEST_LIMITS, snippet_db=db, trusted_proxies=(PROXY[0],), **NO_RATE_LIMITS)
    app = create_app(app_settings, pool=pool)
    with TestClient(app, raise_server_exceptions=False, client=PROXY) as test_client:
        yield test_client
