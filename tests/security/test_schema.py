"""OpenAPI-driven fuzzing (schemathesis) of every endpoint in the service's own /openapi.json."""

from __future__ import annotations

import os

import pytest
import schemathesis
from gradtrace.config import Settings
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS

EXAMPLES = 300 if os.environ.get("GRADTRACE_HYPOTHESIS_PROFILE") == "long" else 10


def test_no_server_errors(pool: WorkerPool, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every operation of a real app on the session's worker pool; calls go through ASGI, no socket."""
    db = tmp_path_factory.mktemp("db") / "snippets.sqlite3"
    app = create_app(Settings(limits=TEST_LIMITS, snippet_db=db, **NO_RATE_LIMITS), pool=pool)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tested = []
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def no_server_error(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        no_server_error()
        tested.append(operation.label)
    assert "POST /api/graph" in tested and "GET /graph.svg" in tested
