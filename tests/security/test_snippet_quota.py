"""Snippet spam (issue 9, finding 7): a row is never larger than the request that made it (SQLite and
PostgreSQL alike), and the store's file has a cap past which POST /api/snippets answers 507 while stored
snippets keep drawing (PostgreSQL's cap: tests/deploy/test_postgres_store.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.errors import GradtraceError
from gradtrace.rendering.options import RenderOptions
from gradtrace.snippets import canonical_request, snippet_id
from gradtrace.store.sqlite import SQLiteSnippetStore
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS
from tests.deploy.backends import Backend

CODE = "y = (x * 3).sum()"


@pytest.fixture
def client(pool: WorkerPool, snippet_backend: Backend) -> Iterator[TestClient]:
    """An app on each store kind, SQLite and PostgreSQL: rows are bounded alike."""
    settings = snippet_backend.settings(**NO_RATE_LIMITS)
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as test_client:
        yield test_client


def post_raw(client: TestClient, body: bytes) -> dict[str, object]:
    answer = client.post("/api/snippets", content=body, headers={"content-type": "application/json"})
    assert answer.status_code in (200, 201), answer.text
    reply: dict[str, object] = answer.json()
    return reply


@pytest.fixture
def capped_client(pool: WorkerPool, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(limits=TEST_LIMITS, snippet_db=tmp_path / "capped.sqlite3", snippet_store_max_bytes=64 * 1024)
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as test_client:
        yield test_client


def db_of(client: TestClient) -> Path:
    store: SQLiteSnippetStore = client.app.state.snippets  # type: ignore[attr-defined]
    return store.path


@pytest.mark.parametrize("number", ["1e15", "1E22", "-1e-7", "5e-324", "123456789012345678901234567890", "0.1"])
def test_a_row_is_never_larger_than_the_body_that_made_it(
    client: TestClient, snippet_backend: Backend, number: str
) -> None:
    # 1e15 is written back by json.dumps as 1000000000000000.0: the canonical JSON of this body is ~4x it
    values = ",".join([number] * 5_000)
    sent = f'{{"code": "{CODE}", "inputs": {{"x": [{values}]}}}}'.encode()
    key = post_raw(client, sent)["id"]
    (row,) = snippet_backend.row_lengths()
    assert row <= len(sent)
    read_back = client.get(f"/api/snippets/{key}").json()
    assert read_back["inputs"] == json.loads(sent)["inputs"] and read_back["code"] == CODE


def test_a_1e15_body_of_255_kb_stays_under_255_kb(client: TestClient, snippet_backend: Backend) -> None:
    values = ",".join(["1e15"] * 51_000)
    sent = f'{{"code": "{CODE}", "inputs": {{"x": [{values}]}}}}'.encode()
    assert 250_000 < len(sent) < 256 * 1024
    canonical = canonical_request(CODE, json.loads(sent)["inputs"], RenderOptions())
    assert len(canonical) > 3 * len(sent)  # what the store used to keep
    post_raw(client, sent)
    assert snippet_backend.row_lengths() == [len(sent)]


def test_a_padded_body_is_stored_as_its_shorter_canonical_json(client: TestClient, snippet_backend: Backend) -> None:
    sent = (b'{"code": "%s",' % CODE.encode()) + b" " * 100_000 + b'"inputs": {"x": [1, 2]}}'
    key = post_raw(client, sent)["id"]
    canonical = canonical_request(CODE, {"x": [1, 2]}, RenderOptions())
    assert key == snippet_id(canonical)
    assert snippet_backend.row_lengths() == [len(canonical.encode())]


def test_options_stored_as_sent_read_back_as_the_request_meant_them(
    client: TestClient, snippet_backend: Backend
) -> None:
    # lax values the request schema accepts; the row keeps the shorter sent text, reading gives the same options
    sent = b'{"code":"y = (x * 3).sum()","inputs":{"x":[1e15]},"options":{"show_values":0,"precision":3.0}}'
    first = post_raw(client, sent)
    meant = {"code": CODE, "inputs": {"x": [1e15]}, "options": {"show_values": False, "precision": 3}}
    same = post_raw(client, json.dumps(meant).encode())
    assert same["id"] == first["id"] and same["created"] is False
    assert snippet_backend.row_lengths() == [len(sent)]
    options = client.get(f"/api/snippets/{first['id']}").json()["options"]
    assert options["show_values"] is False and options["precision"] == 3
    assert client.get(f"/s/{first['id']}.svg").status_code == 200


def test_the_store_refuses_with_507_past_its_cap(tmp_path: Path) -> None:
    store = SQLiteSnippetStore(tmp_path / "small.sqlite3", max_bytes=64 * 1024)
    stored: list[str] = []
    with pytest.raises(GradtraceError) as refused:
        for n in range(1_000):
            stored.append(store.put(f"y = {n}  # {'pad ' * 500}", {}, RenderOptions())[0])
    assert refused.value.status == 507 and refused.value.kind == "limit"
    assert "snippet store is full" in refused.value.message and "/svg/{encoded}" in refused.value.message
    assert 5 < len(stored) < 40
    assert (tmp_path / "small.sqlite3").stat().st_size <= 64 * 1024
    assert all(store.get(key) is not None for key in stored)  # what is stored stays readable
    assert store.put("y = 0  # " + "pad " * 500, {}, RenderOptions())[1] is False  # a stored one is no new row


def test_post_answers_507_json_when_full_and_stored_snippets_still_draw(capped_client: TestClient) -> None:
    keys: list[str] = []
    for n in range(60):
        code = f"x = torch.ones(2, requires_grad=True)\ny = (x * {n}).sum()\ny.backward()\n# {'pad ' * 1000}"
        answer = capped_client.post("/api/snippets", json={"code": code})
        if answer.status_code == 507:
            break
        assert answer.status_code == 201, answer.text
        keys.append(answer.json()["id"])
    else:
        pytest.fail("the capped store never refused a snippet")
    error = answer.json()["error"]
    assert error["type"] == "limit" and "snippet store is full" in error["message"]
    assert answer.headers["cache-control"] == "no-store"
    assert len(keys) >= 3 and db_of(capped_client).stat().st_size <= 64 * 1024
    assert capped_client.get(f"/s/{keys[0]}.svg").status_code == 200
    assert capped_client.get(f"/api/snippets/{keys[-1]}").status_code == 200


def test_the_cap_is_a_documented_setting() -> None:
    assert Settings.from_env({"GRADTRACE_SNIPPET_STORE_MAX_BYTES": "1000"}).snippet_store_max_bytes == 1000
    assert Settings().snippet_store_max_bytes == 1024**3
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "GRADTRACE_SNIPPET_STORE_MAX_BYTES" in readme


def test_a_full_store_refuses_before_a_worker_runs(capped_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradtrace.web import api

    runs: list[str] = []
    real = api.run_job

    async def counting(request: object, job: object) -> object:
        runs.append("run")
        return await real(request, job)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "run_job", counting)
    for n in range(60):
        code = f"x = torch.ones(2, requires_grad=True)\ny = (x * {n}).sum()\ny.backward()\n# {'pad ' * 1000}"
        if capped_client.post("/api/snippets", json={"code": code}).status_code == 507:
            break
    before = len(runs)
    refused = capped_client.post("/api/snippets", json={"code": "y = (x * 7).sum()", "inputs": {"x": [1]}})
    assert refused.status_code == 507 and len(runs) == before


def test_snippet_creation_is_rate_limited_per_client(pool: WorkerPool, tmp_path: Path) -> None:
    settings = Settings(limits=TEST_LIMITS, snippet_db=tmp_path / "rate.sqlite3", snippet_rate_limit="2/minute")
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as client:
        keys = [client.post("/api/snippets", json={"code": CODE, "inputs": {"x": [n]}}).json()["id"] for n in (1, 2)]
        third = client.post("/api/snippets", json={"code": CODE, "inputs": {"x": [3]}})
        assert third.status_code == 429 and int(third.headers["retry-after"]) >= 1
        assert all(client.get(f"/s/{key}.svg").status_code == 200 for key in keys)  # reading is not creating
