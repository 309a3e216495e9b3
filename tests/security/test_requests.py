"""Malformed requests: wrong types, bad bytes, giant or compressed bodies, long URLs -> 4xx, never 500."""

from __future__ import annotations

import base64
import gzip
import json
import time
import zlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace.worker import WorkerPool

from tests.security.conftest import CANARY

JSON = {"content-type": "application/json"}
MAX_BODY = 256 * 1024

# (case id, raw body bytes, extra headers, expected status, expected error type or None for 200)
RAW_BODIES: list[tuple[str, bytes, dict[str, str], int, str | None]] = [
    ("empty-body", b"", JSON, 400, "request"),
    ("not-json", b"code=x", JSON, 400, "request"),
    ("truncated-json", b'{"code": "x = 1"', JSON, 400, "request"),
    ("invalid-utf8", b'{"code": "\xff\xfe"}', JSON, 400, "request"),
    ("utf16-body", '{"code": "x = 1"}'.encode("utf-16"), JSON, 200, None),
    ("json-array", b'["x = 1"]', JSON, 400, "request"),
    ("json-string", b'"x = 1"', JSON, 400, "request"),
    ("json-null", b"null", JSON, 400, "request"),
    ("code-int", b'{"code": 123}', JSON, 400, "request"),
    ("code-null", b'{"code": null}', JSON, 400, "request"),
    ("code-list", b'{"code": ["x"]}', JSON, 400, "request"),
    ("code-object", b'{"code": {"a": 1}}', JSON, 400, "request"),
    ("code-missing", b"{}", JSON, 400, "request"),
    ("extra-field", b'{"code": "x = 1", "exec": true}', JSON, 400, "request"),
    ("inputs-list", b'{"code": "y = x * 2", "inputs": [1]}', JSON, 400, "request"),
    ("inputs-string", b'{"code": "y = x * 2", "inputs": {"x": "1"}}', JSON, 400, "request"),
    ("inputs-ragged", b'{"code": "y = x * 2", "inputs": {"x": [[1], [1, 2]]}}', JSON, 400, "request"),
    ("inputs-object", b'{"code": "y = x * 2", "inputs": {"x": {"a": 1}}}', JSON, 400, "request"),
    ("inputs-null", b'{"code": "y = x * 2", "inputs": {"x": null}}', JSON, 400, "request"),
    (
        "inputs-deep",
        b'{"code": "y = x * 2", "inputs": {"x": ' + b"[" * 50 + b"1" + b"]" * 50 + b"}}",
        JSON,
        400,
        "request",
    ),
    ("inputs-dunder-name", b'{"code": "y = 1", "inputs": {"__class__": 1}}', JSON, 200, None),
    ("inputs-odd-name", b'{"code": "y = 1", "inputs": {"a b": 1}}', JSON, 400, "request"),
    ("inputs-surrogate-name", b'{"code": "y = 1", "inputs": {"\\ud800": 1}}', JSON, 400, "request"),
    ("inputs-nan", b'{"code": "y = x * 2", "inputs": {"x": NaN}}', JSON, 200, None),
    ("inputs-infinity", b'{"code": "y = x * 2", "inputs": {"x": [Infinity, -Infinity]}}', JSON, 200, None),
    ("inputs-overflow-float", b'{"code": "y = x * 2", "inputs": {"x": 1e999}}', JSON, 200, None),
    ("inputs-huge-int", b'{"code": "y = x * 2", "inputs": {"x": ' + b"9" * 5000 + b"}}", JSON, 400, "request"),
    ("inputs-big-int", b'{"code": "y = x * 2", "inputs": {"x": ' + b"9" * 100 + b"}}", JSON, 200, None),
    ("inputs-too-many", b'{"code": "y = x * 2", "inputs": {"x": [' + b"1," * 120_000 + b"1]}}", JSON, 422, "limit"),
    ("code-surrogate", b'{"code": "x = \\"\\ud800\\""}', JSON, 400, "syntax"),
    ("code-nul", b'{"code": "x = 1\\u0000"}', JSON, 400, "syntax"),
    ("options-list", b'{"code": "y = 1", "options": [1]}', JSON, 400, "request"),
    ("options-precision-0", b'{"code": "y = 1", "options": {"precision": 0}}', JSON, 400, "request"),
    ("options-precision-huge", b'{"code": "y = 1", "options": {"precision": 1e308}}', JSON, 400, "request"),
    ("options-theme", b'{"code": "y = 1", "options": {"theme": "../../etc"}}', JSON, 400, "request"),
    ("options-extra", b'{"code": "y = 1", "options": {"prog": "neato"}}', JSON, 400, "request"),
    ("options-graph-huge", b'{"code": "y = 1", "options": {"graph": ' + b"9" * 30 + b"}}", JSON, 400, "request"),
    ("text-plain", b'{"code": "x = 1"}', {"content-type": "text/plain"}, 400, "request"),
    ("form", b"code=x", {"content-type": "application/x-www-form-urlencoded"}, 400, "request"),
    (
        "gzip-body",
        gzip.compress(b'{"code": "' + b"x" * 5_000_000 + b'"}'),
        {**JSON, "content-encoding": "gzip"},
        400,
        "request",
    ),
    ("body-too-large", b'{"code": "' + b"x" * (MAX_BODY + 10) + b'"}', JSON, 413, "limit"),
    ("source-too-long", json.dumps({"code": "x = 1\n" * 5000}).encode(), JSON, 422, "limit"),
]


def check(response: Any, status: int, kind: str | None) -> None:
    assert CANARY not in response.text
    body = json.loads(response.text)
    assert response.status_code == status, body
    if kind is not None:
        assert body["error"]["type"] == kind, body


@pytest.mark.parametrize(
    ("body", "headers", "status", "kind"), [pytest.param(*case[1:], id=case[0]) for case in RAW_BODIES]
)
def test_malformed_body(
    app_client: TestClient, body: bytes, headers: dict[str, str], status: int, kind: str | None
) -> None:
    check(app_client.post("/api/graph", content=body, headers=headers), status, kind)


def test_lying_content_length_small_then_big_body_is_413(app_client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 10_000

    response = app_client.post("/api/graph", content=chunks(), headers=JSON)
    check(response, 413, "limit")


def test_declared_huge_content_length_is_413_before_reading(app_client: TestClient) -> None:
    response = app_client.post("/api/graph", content=b"{}", headers={**JSON, "content-length": str(10**12)})
    check(response, 413, "limit")


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        pytest.param("GET", "/graph.svg", {"code": "x = 1\n" * 3000}, 414, id="long-url"),
        pytest.param("GET", "/graph.svg?" + "a=1&" * 5000, None, 414, id="many-params"),
        pytest.param("GET", "/" + "a" * 10_000, None, 414, id="long-path"),
        pytest.param("GET", "/graph.svg", {}, 400, id="svg-no-code"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "precision": "abc"}, 400, id="svg-bad-precision"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "theme": "<script>"}, 400, id="svg-bad-theme"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "graph": "99"}, 400, id="svg-no-such-graph"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "inputs": "{"}, 400, id="svg-bad-inputs"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "inputs": "[1]"}, 400, id="svg-inputs-list"),
        pytest.param("GET", "/graph.svg", {"code": "y = x * 2", "values": "maybe"}, 400, id="svg-bad-bool"),
        pytest.param("GET", "/api/graph", None, 405, id="get-api"),
        pytest.param("PUT", "/api/graph", None, 405, id="put-api"),
        pytest.param("DELETE", "/graph.svg", None, 405, id="delete-svg"),
        pytest.param("GET", "/no/such/page", None, 404, id="unknown-path"),
        pytest.param("GET", "/static/../app/config.py", None, 404, id="static-traversal"),
        pytest.param("GET", "/static/%2e%2e/%2e%2e/etc/passwd", None, 404, id="static-encoded-traversal"),
    ],
)
def test_malformed_urls(
    app_client: TestClient, method: str, path: str, params: dict[str, str] | None, status: int
) -> None:
    response = app_client.request(method, path, params=params)
    assert response.status_code == status, response.text[:300]
    assert CANARY not in response.text
    assert "root:" not in response.text


def test_graph_svg_with_nan_and_inf_is_an_image(app_client: TestClient) -> None:
    code = "x = torch.tensor([float('nan'), float('inf')], requires_grad=True)\ny = (x * 2).sum()"
    response = app_client.get("/graph.svg", params={"code": code})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<?xml") or "<svg" in response.text


def test_deeply_nested_inputs_are_refused_everywhere_and_cost_no_worker(
    app_client: TestClient, pool: WorkerPool
) -> None:
    """Pickling a 500-deep input for a worker raised RecursionError: a 500, and the worker was lost."""
    # Earlier tests may have had a worker replaced; start from a settled pool, then check that
    # these requests replace none (the same worker processes before and after).
    deadline = time.monotonic() + 60
    while sum(pool.health()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers_before = set(pool.pids())
    deep = "[" * 500 + "1" + "]" * 500
    body = '{"code": "y = (x * 2).sum()", "inputs": {"x": ' + deep + "}}"
    encoded = base64.urlsafe_b64encode(zlib.compress(b"y = (x * 2).sum()")).decode().rstrip("=")
    for _ in range(2):  # the session pool has two workers: losing one per request leaves none
        check(app_client.post("/api/graph", content=body, headers=JSON), 400, "request")
        check(app_client.post("/api/snippets", content=body, headers=JSON), 400, "request")
        for path in ("/graph.svg", f"/svg/{encoded}", f"/png/{encoded}"):
            params = {"code": "y = (x * 2).sum()", "inputs": '{"x": ' + deep + "}"}
            response = app_client.get(path, params=params if path == "/graph.svg" else {"inputs": params["inputs"]})
            assert response.status_code == 400, path
            assert CANARY not in response.text
    nine_deep = "[" * 9 + "1" + "]" * 9
    check(app_client.post("/api/graph", json={"code": "y = x", "inputs": {"x": json.loads(nine_deep)}}), 400, "request")
    eight_deep = "[" * 8 + "1" + "]" * 8
    check(app_client.post("/api/graph", json={"code": "y = x * 2", "inputs": {"x": json.loads(eight_deep)}}), 200, None)
    too_deep_for_json = {"code": "y = x", "inputs": "[" * 1100 + "]" * 1100}
    assert app_client.get("/graph.svg", params=too_deep_for_json).status_code == 400
    assert set(pool.pids()) == workers_before  # no worker was lost or replaced
