"""Over HTTP: a runtime error answers the error and, under `partial`, what ran before its line;
bare expression lines answer `outputs`."""

from __future__ import annotations

from fastapi.testclient import TestClient

SHAPE_MISMATCH = "\n".join(
    [
        "x = torch.ones(3, requires_grad=True)",
        "y = (x * 2).sum()",
        "y",
        "print('before')",
        "y.backward()",
        "z = torch.ones(2) + x",
    ]
)


def test_runtime_error_answers_the_error_and_what_ran(client: TestClient) -> None:
    response = client.post("/api/graph", json={"code": SHAPE_MISMATCH})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error", "partial"}
    assert set(body["error"]) == {"type", "code", "message", "line", "col"}  # the one error shape
    assert body["error"]["type"] == "runtime" and body["error"]["line"] == 6
    partial = body["partial"]
    assert set(partial) >= {"graphs", "variables", "stdout", "outputs", "warnings"}
    [graph] = partial["graphs"]
    assert graph["root"] == "y" and "<svg" in graph["svg"]
    assert partial["stdout"] == "before\n"
    assert partial["outputs"] == [{"line": 3, "text": "tensor(6., grad_fn=<SumBackward0>)", "at": 0}]
    assert partial["variables"]["x"]["grad"] == [2.0, 2.0, 2.0]


def test_refusals_answer_no_partial(client: TestClient) -> None:
    response = client.post("/api/graph", json={"code": "x = torch.ones(2)\ny = x.sigmod()"})
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error"}
    assert "did you mean `sigmoid`?" in body["error"]["message"]


def test_image_of_a_failing_program_is_still_an_error_picture(client: TestClient) -> None:
    response = client.get("/graph.svg", params={"code": SHAPE_MISMATCH})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "runtime" in response.text


def test_bare_expressions_answer_outputs(client: TestClient) -> None:
    code = "x = torch.ones(2, requires_grad=True)\nx\nout = (x * 3).sum()\nout.backward()\nx.grad\n"
    body = client.post("/api/graph", json={"code": code}).json()
    assert body["stdout"] == ""
    assert body["outputs"] == [
        {"line": 2, "text": "tensor([1., 1.], requires_grad=True)", "at": 0},
        {"line": 5, "text": "tensor([3., 3.])", "at": 0},
    ]
