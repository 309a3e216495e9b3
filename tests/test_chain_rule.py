"""The chain rule on the edges, and the forward/backward steps, checked against real PyTorch.

For every program of the oracle corpus and of the course corpus: each node's gradient is the sum of
what flowed back along its outgoing edges, backward steps are an order autograd can run the nodes
in, and forward steps increase along the data flow. Local derivatives of elementwise ops equal the
diagonal of `torch.autograd.functional.jacobian` of the op alone; backward steps equal the order
hooks of our own fire in real PyTorch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import torch
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.graph.model import Edge, Graph
from gradtrace.result import graph_to_json, result_to_json

from tests.course_corpus import KNOWN_REFUSALS, SLOW
from tests.course_corpus import PROGRAMS as COURSE_PROGRAMS
from tests.test_oracle import PROGRAMS as ORACLE_PROGRAMS

LISTING = Limits(json_value_elements=10**9, max_listed_elements=10**10)


def _programs() -> list[Any]:
    params = [pytest.param(p, id=p.stem) for p in ORACLE_PROGRAMS]
    for path in COURSE_PROGRAMS:
        if path.stem in KNOWN_REFUSALS:
            continue
        marks = [pytest.mark.slow] if path.stem in SLOW else []
        params.append(pytest.param(path, id="course-" + path.stem, marks=marks))
    return params


def _tensor(values: Any) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _check_gradient_sums(graph: Graph) -> int:
    """Each node's gradient equals the sum of its outgoing edges' contributions; returns how many
    nodes were checked. Where a node has several readers, each edge's contribution comes from a hook
    on its reader (grad_inputs), the node's gradient from a hook on the node: two independent reads.
    A node with several outputs (unbind) shows the gradient of its first output that received one:
    the edges reading that output sum to it."""
    outgoing: dict[str, list[Edge]] = defaultdict(list)
    for edge in graph.edges:
        if edge.grad is not None:
            outgoing[edge.source].append(edge)
    checked = 0
    for node_id, edges in outgoing.items():
        node = graph.node(node_id)
        if node.kind == "leaf" or node.grad is None or node.grad.dtype.startswith("complex"):
            continue  # a leaf's .grad may hold earlier calls' gradients; its AccumulateGrad is checked
        first_output = min(e.output for e in edges)
        flowed = [_tensor(e.grad.values) for e in edges if e.output == first_output and e.grad is not None]
        total = torch.stack(flowed).sum(0)
        expected = _tensor(node.grad.values)
        assert total.shape == expected.shape, (node_id, node.op)
        scale = float(expected.abs().max()) if expected.numel() else 0.0
        assert torch.allclose(total, expected, rtol=1e-4, atol=1e-5 * (1 + scale)), (node_id, node.op)
        checked += 1
    return checked


def _check_steps(graph: dict[str, Any]) -> None:
    """Backward steps number the nodes that ran 1..B, every consumer before what it consumed; forward
    steps never decrease along the data flow (nodes made inside one composite op share a step)."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    ran = sorted(n["backward_step"] for n in graph["nodes"] if n["kind"] == "op" and n["backward_step"] is not None)
    assert ran == list(range(1, len(ran) + 1))
    for edge in graph["edges"]:
        source, target = nodes[edge["source"]], nodes[edge["target"]]
        if source["kind"] != "leaf" and None not in (source["backward_step"], target["backward_step"]):
            assert target["backward_step"] < source["backward_step"], (source["op"], target["op"])
        if None not in (source["forward_step"], target["forward_step"]):
            assert source["forward_step"] <= target["forward_step"], (source["op"], target["op"])
    assert graph["steps"]["backward"] == len(ran)


@pytest.mark.parametrize("path", _programs())
def test_gradient_is_sum_of_edge_contributions(path: Path) -> None:
    try:
        result = pipeline.run(path.read_text(encoding="utf-8"), limits=LISTING)
    except GradtraceError as exc:
        pytest.fail(f"the program ran in the oracle but gradtrace refused it: {exc}")
    # A tensor hook may change a gradient between the edges that deliver it and the node that takes
    # it (80_hooks doubles y's): the sum holds only where no hook intervenes.
    hooked = "register_hook" in path.read_text(encoding="utf-8")
    for rendered in result.graphs:
        if not hooked:
            _check_gradient_sums(rendered.graph)
        _check_steps(graph_to_json(rendered))


def test_tensor_used_twice_shows_two_contributions() -> None:
    source = "x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\nz = y * y + y\nz.backward()\n"
    graph = result_to_json(pipeline.run(source))["graphs"][0]
    y = next(n for n in graph["nodes"] if n["name"] == "y")
    contributions = sorted(e["grad"] for e in graph["edges"] if e["source"] == y["id"])
    # z = y² + y at y = 6: two edges into y*y carry 6 each, the edge into + carries 1.
    assert contributions == [1.0, 6.0, 6.0]
    assert y["grad"] == 13.0
    into_y = [e for e in graph["edges"] if e["target"] == y["id"]]
    assert [e["local"]["text"] for e in into_y] == ["×3"]


def test_forward_and_backward_steps_of_the_tutorial() -> None:
    source = Path(ORACLE_PROGRAMS[0]).read_text(encoding="utf-8")
    graph = result_to_json(pipeline.run(source))["graphs"][0]
    by_name = {(n["name"] or n["op"]): n for n in graph["nodes"]}
    assert graph["steps"] == {"forward": 6, "backward": 6}
    assert [by_name[k]["forward_step"] for k in ("a", "b", "Q")] == [1, 2, 6]
    assert by_name["Q"]["backward_step"] == 1


def _ran(order: list[str], name: str, grads: object) -> None:
    order.append(name)


BUILD = """
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
w = torch.randn(3, requires_grad=True)
h = torch.tanh(x * w)
loss = (h * h).sum() + (torch.sigmoid(h) * w).mean()
"""


def test_backward_steps_are_the_order_hooks_fire_in_real_pytorch() -> None:
    torch.manual_seed(0)
    x = torch.randn(3, requires_grad=True)
    w = torch.randn(3, requires_grad=True)
    h = torch.tanh(x * w)
    loss = (h * h).sum() + (torch.sigmoid(h) * w).mean()  # BUILD, run by real PyTorch
    order: list[str] = []
    seen: set[Any] = {loss.grad_fn}
    stack: list[Any] = [loss.grad_fn]
    while stack:
        node = stack.pop()
        node.register_prehook(partial(_ran, order, type(node).__name__))
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    loss.backward()  # type: ignore[no-untyped-call]

    graph = pipeline.run(BUILD + "loss.backward()\n").graphs[0].graph
    ran = sorted((n for n in graph.nodes if n.kind == "op" and n.backward_step), key=lambda n: n.backward_step or 0)
    assert [n.op for n in ran] == order
    assert len(order) == sum(1 for n in graph.nodes if n.kind == "op")


Op = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
ELEMENTWISE: list[tuple[str, int, Op]] = [
    ("x * y", 0, lambda x, y: x * y),
    ("x * y", 1, lambda x, y: x * y),
    ("x * 6", 0, lambda x, y: x * 6),
    ("x / y", 0, lambda x, y: x / y),
    ("x / y", 1, lambda x, y: x / y),
    ("x / 4", 0, lambda x, y: x / 4),
    ("x - y", 1, lambda x, y: x - y),
    ("-x", 0, lambda x, y: -x),
    ("x ** 3", 0, lambda x, y: x**3),
    ("x ** y", 0, lambda x, y: x**y),
    ("x ** y", 1, lambda x, y: x**y),
    ("torch.exp(x)", 0, lambda x, y: torch.exp(x)),
    ("torch.sigmoid(x)", 0, lambda x, y: torch.sigmoid(x)),
    ("torch.tanh(x)", 0, lambda x, y: torch.tanh(x)),
    ("torch.relu(x - 1.5)", 0, lambda x, y: torch.relu(x - 1.5)),
    ("torch.log(x)", 0, lambda x, y: torch.log(x)),
    ("torch.sqrt(x)", 0, lambda x, y: torch.sqrt(x)),
    ("torch.sin(x)", 0, lambda x, y: torch.sin(x)),
    ("torch.cos(x)", 0, lambda x, y: torch.cos(x)),
    ("x.reciprocal()", 0, lambda x, y: x.reciprocal()),
]


@pytest.mark.parametrize(("expression", "index", "op"), ELEMENTWISE, ids=[f"{e}-{i}" for e, i, _ in ELEMENTWISE])
def test_elementwise_local_derivative_is_the_jacobian_diagonal(expression: str, index: int, op: Op) -> None:
    x0 = [0.5, 1.0, 2.0, 3.0]
    y0 = [1.5, -2.0, 0.25, 2.0]
    source = f"x = torch.tensor({x0}, requires_grad=True)\ny = torch.tensor({y0}, requires_grad=True)\n"
    source += f"out = {expression}\nout.sum().backward()\n"
    graph = result_to_json(pipeline.run(source))["graphs"][0]
    out = next(n for n in graph["nodes"] if n["name"] == "out")
    into = [e for e in graph["edges"] if e["target"] == out["id"]]
    edge = into[index] if len(into) > index else into[0]
    jacobian = torch.autograd.functional.jacobian(op, (torch.tensor(x0), torch.tensor(y0)))[index]  # type: ignore[no-untyped-call]
    expected = torch.diagonal(jacobian)
    factor = torch.broadcast_to(_tensor(edge["local"]["value"]), expected.shape)
    assert torch.allclose(factor, expected.double(), rtol=1e-5, atol=1e-6), edge["local"]


@pytest.mark.parametrize(
    ("expression", "texts"),
    [
        ("W.mean()", ["÷6"]),
        ("W.sum()", ["×1, copied to all 6"]),
        ("W.sum(0)", ["×1, copied along dim 0"]),
        ("W.sum(-1)", ["×1, copied along dim 1"]),  # torch hands -1 back as 2**64 - 1
        ("W.mean(-1)", ["÷3"]),
        ("W @ V", ["grad @ Bᵀ", "Aᵀ @ grad"]),
        ("W * 3", ["×3"]),
        ("W + b", ["×1", "×1, sums over dim 0"]),
        ("W / 4", ["÷4"]),
    ],
)
def test_local_derivative_texts(expression: str, texts: list[str]) -> None:
    source = (
        "W = torch.ones(2, 3, requires_grad=True)\nV = torch.ones(3, 2, requires_grad=True)\n"
        "b = torch.ones(3, requires_grad=True)\n"
        f"out = {expression}\nout.sum().backward()\n"
    )
    graph = result_to_json(pipeline.run(source))["graphs"][0]
    out = next(n for n in graph["nodes"] if n["name"] == "out")
    assert [e["local"]["text"] for e in graph["edges"] if e["target"] == out["id"]] == texts


def test_spans_name_the_sub_expression_that_made_each_tensor() -> None:
    source = Path(ORACLE_PROGRAMS[0]).read_text(encoding="utf-8")  # Q = 3 * a**3 - b**2
    lines = source.splitlines()
    graph = pipeline.run(source).graphs[0].graph

    def text(span: tuple[int, int, int, int] | None) -> str:
        assert span is not None and span[0] == span[2]
        return lines[span[0] - 1][span[1] : span[3]]

    made = sorted(text(n.span) for n in graph.nodes if n.kind == "op" and n.op != "AccumulateGrad")
    assert made == ["3 * a**3", "3 * a**3 - b**2", "a**3", "b**2"]
    leaves = {n.name: text(n.span) for n in graph.nodes if n.kind == "leaf"}
    assert leaves == {
        "a": "torch.tensor([2.0, 3.0], requires_grad=True)",
        "b": "torch.tensor([6.0, 4.0], requires_grad=True)",
    }
    root = next(n for n in result_to_json(pipeline.run(source))["graphs"][0]["nodes"] if n["name"] == "Q")
    assert root["span"] == [5, 4, 5, 19]  # the JSON lists it as [line, col, end_line, end_col]
