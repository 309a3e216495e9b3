"""One answer lists a bounded number of tensor elements; past it, tensors are summarised."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace import result as result_module
from gradtrace.config import Limits
from gradtrace.graph.model import TensorData
from gradtrace.result import result_to_json

NO_LAYOUT_DEADLINE = Limits(layout_timeout_seconds=0)
LAYERS = "m = nn.Sequential(*[nn.Linear(99, 99) for i in range({n})])\nx = torch.ones(1, 99)\ny = m(x).sum()"
SMALL = "a = torch.arange(6.0, requires_grad=True)\nb = (a * 2).reshape(2, 3)\nloss = (b * b).sum()\nloss.backward()"


def listed_elements(value: Any) -> int:
    """How many numbers the JSON lists under every `value` and `grad` key."""
    if isinstance(value, dict):
        return sum(listed_elements(v) if k not in ("value", "grad") else count_numbers(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(listed_elements(v) for v in value)
    return 0


def count_numbers(values: Any) -> int:
    if isinstance(values, list):
        return sum(count_numbers(v) for v in values)
    return 0 if values is None else 1


def test_many_mid_sized_tensors_answer_a_bounded_json() -> None:
    result = pipeline.run(LAYERS.format(n=40), limits=NO_LAYOUT_DEADLINE)
    body = result_to_json(result)
    assert listed_elements(body) <= Limits().max_listed_elements
    assert len(json.dumps(body)) < 12_000_000  # was ~35 MB for 40 layers (254 MB for 300)
    summarised = body["variables"]["m.39.weight"]
    assert summarised["value"] is None and set(summarised["value_stats"]) == {"min", "max", "mean"}
    assert any("lists at most 200000 numbers" in w for w in map(str, result.warnings))


def test_budget_summarises_later_tensors_and_keeps_the_picture() -> None:
    full = pipeline.run(SMALL, limits=NO_LAYOUT_DEADLINE)
    tight = pipeline.run(SMALL, limits=replace(NO_LAYOUT_DEADLINE, max_listed_elements=10))
    assert [g.svg for g in tight.graphs] == [g.svg for g in full.graphs]  # only the JSON changes
    assert listed_elements(result_to_json(tight)) <= 10 < listed_elements(result_to_json(full))
    assert tight.variables["a"].value.values == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # named variables first
    grad = tight.variables["a"].grad
    assert grad is not None and grad.values is None
    assert grad.stats == {"min": 0.0, "max": 40.0, "mean": 20.0}  # 8 * a
    assert tight.variables["loss"].value.values == full.variables["loss"].value.values  # a scalar still fits
    assert not any("lists at most" in w for w in map(str, full.warnings))


def test_summary_of_complex_and_bool_tensors() -> None:
    from gradtrace.listing import summarise

    assert summarise(TensorData((2,), "complex64", [[3.0, 4.0], [0.0, 1.0]])).stats == {
        "min": 1.0,
        "max": 5.0,
        "mean": 3.0,
    }
    assert summarise(TensorData((2,), "bool", [True, False])).stats == {"min": 0.0, "max": 1.0, "mean": 0.5}


def test_json_answer_is_built_in_the_worker_not_in_the_web_process(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large answer encoded on the event loop would stall every other request: the worker encodes it.
    built: list[str] = []
    modules = [result_module, *(m for name, m in sys.modules.items() if name.startswith("gradtrace.web"))]
    for module in modules:
        for name in ("result_to_json", "result_json_bytes"):
            real = getattr(module, name, None)
            if real is not None:
                monkeypatch.setattr(module, name, lambda *a, _name=name, _real=real: built.append(_name) or _real(*a))
    response = client.post("/api/graph", json={"code": "y = (x * 2).sum()"})
    assert response.status_code == 200 and response.json()["graphs"][0]["nodes"]
    assert built == []


def test_empty_tensors_with_a_huge_dimension_are_not_listed_as_millions_of_empty_lists() -> None:
    # tolist() of a 3,000,000×0 tensor makes 3,000,000 empty lists: counted like elements, it is
    # summarised by its shape instead, for the named variable, the nodes and every op's record.
    code = (
        "x = torch.zeros(3000000, 0, requires_grad=True)\nfor i in range(8):\n    y = x * 2\n"
        "s = torch.tensor(1.0, requires_grad=True)\nloss = (s * 3 + y.sum())\nloss.backward()"
    )
    body = result_to_json(pipeline.run(code))
    x = body["variables"]["x"]
    assert x["shape"] == [3000000, 0] and x["value"] is None and x["value_stats"] == {}
    assert x["grad"] is None and x["grad_stats"] == {}  # summarised: PyTorch's .grad is not None
    y_node = next(n for n in body["graphs"][0]["nodes"] if n["name"] == "y")
    assert y_node["value"] is None and y_node["shape"] == [3000000, 0]
    assert len(json.dumps(body)) < 100_000
    # A small empty tensor is still listed as PyTorch lists it.
    small = result_to_json(pipeline.run("e = torch.zeros(2, 0, requires_grad=True)\nl = (e * 2).sum()"))
    assert small["variables"]["e"]["value"] == [[], []]
