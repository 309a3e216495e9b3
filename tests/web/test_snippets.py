"""Stored snippets: POST /api/snippets, /s/{id}.svg|png|pdf, idempotence, persistence, concurrency;
each on SQLite and on PostgreSQL (the `snippet_backend` fixture), which must answer alike."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.rendering.options import RenderOptions
from gradtrace.store import SnippetStore
from gradtrace.store.sqlite import SQLiteSnippetStore
from gradtrace.web.factory import create_app
from gradtrace.web.source_encoding import encode_source
from gradtrace.worker import Job, WorkerPool

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS
from tests.deploy.backends import Backend

REPO = Path(__file__).resolve().parents[2]
CODE = "w = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (w * w).sum()\nloss.backward()"


@pytest.fixture
def client(pool: WorkerPool, snippet_backend: Backend) -> Iterator[TestClient]:
    """A fresh app per test on the shared pool and on each kind of snippet store."""
    settings = snippet_backend.settings(**NO_RATE_LIMITS)
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as test_client:
        yield test_client


def store_of(client: TestClient) -> SnippetStore:
    store: SnippetStore = client.app.state.snippets  # type: ignore[attr-defined]
    return store


def test_post_answers_id_urls_and_embed_snippets(client: TestClient) -> None:
    response = client.post("/api/snippets", json={"code": CODE})
    assert response.status_code == 201
    body = response.json()
    key = body["id"]
    assert len(key) == 16 and int(key, 16) >= 0 and body["created"] is True
    assert body["urls"]["svg"] == f"http://testserver/s/{key}.svg"
    assert body["urls"]["svg_dark"].endswith(f"/s/{key}.svg?theme=dark")
    assert body["embed"]["html"] == f'<img src="http://testserver/s/{key}.svg" alt="Autograd graph of loss">'
    assert body["embed"]["markdown"] == f"![Autograd graph of loss](http://testserver/s/{key}.svg)"
    picture = body["embed"]["picture"]
    assert '<source media="(prefers-color-scheme: dark)"' in picture and "theme=light" in picture
    assert response.headers["access-control-allow-origin"] == "*"


def test_stored_snippet_renders_like_the_encoded_url(client: TestClient) -> None:
    key = client.post("/api/snippets", json={"code": CODE, "options": {"direction": "LR"}}).json()["id"]
    stored = client.get(f"/s/{key}.svg")
    assert stored.status_code == 200 and stored.headers["cache-control"].endswith("immutable")
    assert stored.content == client.get(f"/svg/{encode_source(CODE)}?direction=LR").content
    assert stored.headers["etag"] == client.get(f"/svg/{encode_source(CODE)}?direction=LR").headers["etag"]
    assert client.get(f"/s/{key}.png").content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get(f"/s/{key}.pdf").content.startswith(b"%PDF")
    dark = client.get(f"/s/{key}.svg?theme=dark")  # the query overrides a stored option
    assert dark.status_code == 200 and dark.content != stored.content and "#0f172a" in dark.text
    assert client.get(f"/s/{key}.svg", headers={"If-None-Match": stored.headers["etag"]}).status_code == 304


def test_same_snippet_is_one_row_and_one_id(client: TestClient) -> None:
    first = client.post("/api/snippets", json={"code": CODE}).json()
    again = client.post("/api/snippets", json={"code": CODE})
    assert again.status_code == 200 and again.json()["id"] == first["id"] and again.json()["created"] is False
    assert store_of(client).count() == 1
    other = client.post("/api/snippets", json={"code": CODE, "options": {"theme": "dark"}}).json()
    with_inputs = client.post("/api/snippets", json={"code": "y = (x * 3).sum()", "inputs": {"x": [1, 2]}}).json()
    assert len({first["id"], other["id"], with_inputs["id"]}) == 3
    assert store_of(client).count() == 3


def test_stored_snippet_reads_back(client: TestClient) -> None:
    key = client.post("/api/snippets", json={"code": CODE, "inputs": {}, "options": {"precision": 3}}).json()["id"]
    body = client.get(f"/api/snippets/{key}").json()
    assert body["code"] == CODE and body["options"]["precision"] == 3


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [("import os\nos.listdir('.')", 403, "forbidden"), ("x = (1", 400, "syntax"),
     ("a = torch.ones(2) + torch.ones(3)", 422, "runtime"), ("a = 1", 422, "render")],
)  # fmt: skip
def test_broken_snippet_is_refused_with_its_error(client: TestClient, code: str, status: int, kind: str) -> None:
    response = client.post("/api/snippets", json={"code": code})
    assert response.status_code == status and response.json()["error"]["type"] == kind
    assert store_of(client).count() == 0


@pytest.mark.parametrize(
    ("path", "fmt_check"),
    [
        ("/s/0123456789abcdef.svg", lambda r: r.text.startswith("<svg") and "no stored snippet" in r.text),
        ("/s/0123456789abcdef.png", lambda r: r.content.startswith(b"\x89PNG")),
        ("/s/../../etc/passwd.svg", lambda r: True),
        ("/s/0123456789abcdef.gif", lambda r: "end in .svg, .png or .pdf" in r.text),
        ("/s/nothing", lambda r: True),
    ],
)
def test_unknown_snippet_is_a_404_picture(client: TestClient, path: str, fmt_check: object) -> None:
    response = client.get(path)
    # "/s/../../etc/passwd.svg" reaches the app as /etc/passwd.svg, which the Kroki POST route's
    # pattern /{type}/{format} also matches: a 405 there refuses it just as well.
    allowed = {404, 405} if "passwd" in path else {404}
    assert response.status_code in allowed and response.headers["cache-control"] == "no-store"
    assert callable(fmt_check) and fmt_check(response)


def test_snippets_survive_a_restart(pool: WorkerPool, snippet_backend: Backend) -> None:
    settings = snippet_backend.settings()
    with TestClient(create_app(settings, pool=pool)) as first:
        key = first.post("/api/snippets", json={"code": CODE}).json()["id"]
        drawn = first.get(f"/s/{key}.svg").content
    with TestClient(create_app(settings, pool=pool)) as second:  # a new app on the same file
        again = second.get(f"/s/{key}.svg")
        assert again.status_code == 200 and again.content == drawn


def test_threads_writing_the_same_and_different_snippets(snippet_backend: Backend) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        store = snippet_backend.store()  # like a separate process: its own store, same file or database
        try:
            for i in range(15):
                store.put(f"shared = {i}", {}, RenderOptions())
                store.put(f"own = {worker}, {i}", {}, RenderOptions())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert snippet_backend.store().count() == 15 + 6 * 15


WRITER = """
import sys
from gradtrace.config import Settings
from gradtrace.rendering.options import RenderOptions
from gradtrace.store import open_snippet_store
store = open_snippet_store(Settings(snippet_db=__import__("pathlib").Path(sys.argv[1]), database_url=sys.argv[3]))
store.open()
for i in range(25):
    store.put(f"shared = {i}", {}, RenderOptions())
    store.put(f"mine = {sys.argv[2]}, {i}", {}, RenderOptions(theme="dark"))
store.close()
"""


def test_processes_writing_at_once(snippet_backend: Backend) -> None:
    settings = snippet_backend.settings()
    command = [sys.executable, "-c", WRITER, str(settings.snippet_db)]
    writers = [
        subprocess.Popen([*command, str(n), settings.database_url], cwd=REPO, stderr=subprocess.PIPE) for n in range(4)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err.decode()
    store = snippet_backend.store()
    assert store.count() == 25 + 4 * 25
    snippet = store.get(store.put("shared = 3", {}, RenderOptions())[0])
    assert snippet is not None and snippet.code == "shared = 3"


def test_snippet_db_in_a_folder_that_does_not_exist_yet(pool: WorkerPool, tmp_path: Path) -> None:
    settings = Settings(limits=TEST_LIMITS, snippet_db=tmp_path / "no" / "such" / "folder" / "x.sqlite3")
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as client:
        posted = client.post("/api/snippets", json={"code": CODE})
        assert posted.status_code == 201
        key = posted.json()["id"]
        assert client.get(f"/s/{key}.svg").status_code == 200
        assert client.get(f"/s/{key}.png").status_code == 200


@pytest.mark.parametrize("where", ["a folder", "below a file"])
def test_unusable_snippet_store_answers_503_json_or_picture(pool: WorkerPool, tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("not a folder")
    # A folder as the database file is a sqlite3.Error; a file as its parent folder an OSError.
    db = tmp_path if where == "a folder" else tmp_path / "file" / "x.sqlite3"
    settings = Settings(limits=TEST_LIMITS, snippet_db=db)
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as client:
        posted = client.post("/api/snippets", json={"code": CODE})
        assert posted.status_code == 503 and posted.json()["error"]["type"] == "limit"
        assert "snippet store" in posted.json()["error"]["message"]
        assert client.get("/api/snippets/0123456789abcdef").status_code == 503
        svg = client.get("/s/0123456789abcdef.svg")
        assert svg.status_code == 503 and svg.text.startswith("<svg") and "snippet store" in svg.text
        assert svg.headers["cache-control"] == "no-store"
        png = client.get("/s/0123456789abcdef.png")
        assert png.status_code == 503 and png.content.startswith(b"\x89PNG")


def test_rows_with_older_or_newer_option_fields_still_load(snippet_backend: Backend) -> None:
    store = snippet_backend.store()
    key, _ = store.put(CODE, {}, RenderOptions(direction="LR"))
    body = '{"code": "y = 1", "inputs": {}, "options": {"direction": "LR", "retired_option": 3}}'
    if isinstance(store, SQLiteSnippetStore):  # as if written by another version
        with sqlite3.connect(store.path) as connection:
            connection.execute("UPDATE snippets SET body = ? WHERE id = ?", (body, key))
    else:
        import psycopg

        with psycopg.connect(snippet_backend.database_url, autocommit=True) as connection:
            connection.execute("UPDATE snippets SET body = %s WHERE id = %s", (body.encode(), key))
    snippet = store.get(key)
    assert snippet is not None and snippet.options == RenderOptions(direction="LR")


def test_post_snippet_runs_through_the_shared_api_path(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradtrace.web import api

    seen: list[str] = []
    real = api.run_job

    async def recording(request: object, job: Job) -> object:
        seen.append(job.image_format or "")
        return await real(request, job)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "run_job", recording)
    assert client.post("/api/snippets", json={"code": CODE}).status_code == 201
    assert seen == ["svg"]


def test_unknown_snippet_says_the_same_as_json_and_as_picture(client: TestClient) -> None:
    message = client.get("/api/snippets/0123456789abcdef").json()["error"]["message"]
    assert message == "there is no stored snippet '0123456789abcdef'"
    assert message.replace("'", "&#x27;") in client.get("/s/0123456789abcdef.svg").text


@pytest.mark.parametrize(("graph", "status"), [(100, 200), (-100, 200), (101, 400), (-101, 400)])
def test_graph_option_is_bounded_alike_in_bodies_and_queries(client: TestClient, graph: int, status: int) -> None:
    code = "y = (x * 2).sum()"
    body = client.post("/api/graph", json={"code": code, "options": {"graph": graph}})
    assert body.status_code == status
    query = client.get(f"/svg/{encode_source(code)}?graph={graph}")
    # in range, there is still only one graph to draw: a request error either way, but not a bound one
    assert query.status_code == 400 and (("must be a whole number" in query.text) == (status == 400))


def test_documented_snippet_id_is_the_one_the_store_gives(client: TestClient) -> None:
    """docs/embedding.md's POST body, sent as its curl sends it: every id its recipes use is that answer's id."""
    docs = (REPO / "docs" / "embedding.md").read_text()
    sent = re.search(r"-d '(\{.*?\})'", docs, re.S)
    assert sent is not None
    answer = client.post("/api/snippets", json=json.loads(sent.group(1)))
    assert answer.status_code == 201
    documented = set(re.findall(r"/s/([0-9a-f]{16})\.", docs)) | set(re.findall(r'"id": "(\w+)"', docs))
    assert documented == {answer.json()["id"]}
