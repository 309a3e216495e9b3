"""The JSON API contract of `POST /api/graph`, `GET /graph.svg` and `GET /healthz`."""

from __future__ import annotations

import os
import signal
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Limits, Settings
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool

TUTORIAL = (Path(__file__).parents[1] / "programs" / "tutorial.py").read_text()  # the autograd tutorial
TWICE = "a = torch.ones(2, requires_grad=True)\nb = (a * a).sum()\nb.backward()\nb.backward()"


def nodes_named(graph: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [n for n in graph["nodes"] if n["name"] == name]


def test_tutorial_graph_has_names_values_and_gradients(client: TestClient) -> None:
    response = client.post("/api/graph", json={"code": TUTORIAL})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"graphs", "variables", "stdout", "warnings"}
    [graph] = body["graphs"]
    assert graph["root"] == "out"
    ops = sorted(n["op"] for n in graph["nodes"] if n["kind"] == "op")
    assert ops == ["AccumulateGrad", "AddBackward0", "MeanBackward0", "MulBackward0", "MulBackward0"]
    [x] = nodes_named(graph, "x")
    assert x["kind"] == "leaf" and x["grad"] == [[4.5, 4.5], [4.5, 4.5]] and x["shape"] == [2, 2]
    [y] = nodes_named(graph, "y")
    assert y["op"] == "AddBackward0" and y["value"] == [[3.0, 3.0], [3.0, 3.0]] and y["line"] == 3
    [out] = nodes_named(graph, "out")
    assert out["value"] == 27.0 and out["grad"] == 1.0 and out["line"] == 5
    assert body["variables"]["x"] == {
        "shape": [2, 2], "dtype": "float32", "requires_grad": True, "is_leaf": True,
        "value": [[1.0, 1.0], [1.0, 1.0]], "grad": [[4.5, 4.5], [4.5, 4.5]],
    }  # fmt: skip
    assert body["variables"]["y"]["grad"] is None  # observing did not retain_grad()
    assert body["stdout"].endswith("tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n")
    assert body["warnings"] == []
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])


def test_one_liner_makes_free_name_an_input_with_warning(client: TestClient) -> None:
    body = client.post("/api/graph", json={"code": "z = 3*(x+2)**2; out = z.mean()"}).json()
    assert body["inputs"] == {"x": 1.0}
    assert any("`x` is never assigned" in w for w in body["warnings"])
    assert any("never calls backward()" in w for w in body["warnings"])
    [graph] = body["graphs"]
    [x] = nodes_named(graph, "x")
    assert x["grad"] == 18.0  # d/dx 3(x+2)^2 at 1
    assert body["variables"]["x"]["grad"] is None  # the automatic backward leaves .grad alone


def test_inputs_set_values(client: TestClient) -> None:
    body = client.post("/api/graph", json={"code": "out = (x * x).sum()", "inputs": {"x": [[1, 2], [3, 4]]}}).json()
    [x] = nodes_named(body["graphs"][0], "x")
    assert x["grad"] == [[2.0, 4.0], [6.0, 8.0]]


def test_each_backward_call_is_one_graph(client: TestClient) -> None:
    code = "a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()\nc = a.exp()\nc.backward()"
    graphs = client.post("/api/graph", json={"code": code}).json()["graphs"]
    assert [g["root"] for g in graphs] == ["b", "c"]
    assert nodes_named(graphs[1], "a")[0]["grad"] == pytest.approx(4.0 + 7.389056, rel=1e-6)


def test_non_finite_numbers_are_json_strings(client: TestClient) -> None:
    code = "x = torch.tensor([0.0, 1.0], requires_grad=True)\ny = torch.log(x)\ny.sum().backward()"
    response = client.post("/api/graph", json={"code": code})
    assert response.status_code == 200
    assert response.json()["variables"]["y"]["value"][0] == "-Infinity"
    assert response.json()["variables"]["x"]["grad"][0] == "Infinity"


@pytest.mark.parametrize(
    ("body", "kind", "status", "line"),
    [
        ({"code": "x = (1"}, "syntax", 400, 1),
        ({"code": "x = 1\nimport os\nos.getcwd()"}, "forbidden", 403, 3),
        ({"code": "a = torch.ones(2, requires_grad=True)\nb = a.__class__"}, "forbidden", 403, 2),
        ({"code": "a = torch.ones(2)\nb = torch.ones(3)\nc = a + b"}, "runtime", 422, 3),
        ({"code": TWICE}, "runtime", 422, 4),
        ({"code": "while True:\n    pass"}, "limit", 422, None),
        ({"code": 123}, "request", 400, None),
        ({}, "request", 400, None),
        ({"code": "y = x * 2", "inputs": {"x": "abc"}}, "request", 400, None),
        ({"code": "y = x * 2", "inputs": {"x": [[1, 2], [3]]}}, "request", 400, None),
    ],
)
def test_errors_have_one_shape(
    client: TestClient, body: dict[str, Any], kind: str, status: int, line: int | None
) -> None:
    response = client.post("/api/graph", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"type", "code", "message", "line", "col"}
    assert error["type"] == kind == error["code"].split(".")[0]
    if line is not None:
        assert error["line"] == line
    assert "Traceback" not in error["message"]


def test_runtime_error_says_what_pytorch_said(client: TestClient) -> None:
    message = client.post("/api/graph", json={"code": TWICE}).json()["error"]["message"]
    assert message.startswith("line 4:") and "backward through the graph a second time" in message


def test_invalid_json_body_is_a_request_error(client: TestClient) -> None:
    response = client.post("/api/graph", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "request"


def test_graph_svg_is_wellformed_and_names_variables(client: TestClient) -> None:
    response = client.get("/graph.svg", params={"code": TUTORIAL})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in ("x", "y", "z", "out"):
        assert name in text.split()
    assert "<script" not in response.text and "xlink:href" not in response.text


def test_graph_svg_is_deterministic(client: TestClient) -> None:
    first = client.get("/graph.svg", params={"code": TUTORIAL}).content
    second = client.get("/graph.svg", params={"code": TUTORIAL}).content
    assert first == second


def test_graph_svg_error_is_an_error_picture(client: TestClient) -> None:
    response = client.get("/graph.svg", params={"code": "f = open('x')"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "forbidden" in response.text and "line 1" in response.text
    ET.fromstring(response.content)


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["workers"] >= 1


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404 and response.json()["error"]["type"] == "request"


def test_page_has_code_box(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>" in response.text and "gradtrace" in response.text


def test_healthz_counts_workers_that_can_take_a_request(tmp_path: Path) -> None:
    """A worker that died is not counted (the pool had it as a process); the pool heals itself, and
    while its replacement starts the service says "starting", not "no workers"."""
    pool = WorkerPool(Limits(), size=1)
    pool.start()
    try:
        app = create_app(Settings(snippet_db=tmp_path / "snippets.sqlite3"), pool=pool)
        with TestClient(app, raise_server_exceptions=False) as own:
            healthy = {"status": "ok", "workers": 1, "idle": 1, "busy": 0, "starting": 0, "waiting": 0}
            assert own.get("/healthz").json() == healthy
            [pid] = pool.pids()
            os.kill(pid, signal.SIGKILL)
            while os.path.exists(f"/proc/{pid}"):  # until the forkserver has reaped it
                time.sleep(0.02)
            time.sleep(0.2)
            response = own.get("/healthz")
            assert response.json()["workers"] == 0
            assert response.status_code == 200 and response.json()["status"] == "starting"
            deadline = time.monotonic() + 60
            while own.get("/healthz").json()["workers"] != 1 and time.monotonic() < deadline:
                time.sleep(0.1)  # the health check itself started a replacement
            assert own.get("/healthz").json()["workers"] == 1
    finally:
        pool.close()


def test_healthz_counts_a_busy_worker(tmp_path: Path) -> None:
    pool = WorkerPool(Limits(timeout_seconds=2.0), size=1)
    pool.start()
    try:
        app = create_app(Settings(snippet_db=tmp_path / "snippets.sqlite3"), pool=pool)
        with TestClient(app, raise_server_exceptions=False) as own:
            slow = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n"
            runner = threading.Thread(target=own.post, args=("/api/graph",), kwargs={"json": {"code": slow}})
            runner.start()
            time.sleep(0.5)
            response = own.get("/healthz")
            runner.join()
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "workers": 1, "idle": 0, "busy": 1, "starting": 0, "waiting": 0}
    finally:
        pool.close()
