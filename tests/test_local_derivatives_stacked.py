"""A chain's local derivatives are computed together, one torch call per op (stacked_factors): each
node's must be exactly what local_of computes for that node alone, to the last bit of every factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from gradtrace.graph.local_derivatives import local_derivatives, local_of, stacked_factors

Unary = Callable[[torch.Tensor], torch.Tensor]

OPS: list[tuple[str, Unary]] = [
    ("sin", torch.sin),
    ("cos", torch.cos),
    ("exp", torch.exp),
    ("sigmoid", torch.sigmoid),
    ("tanh", torch.tanh),
    ("relu", torch.relu),
    ("sqrt", lambda t: torch.sqrt(t.abs() + 0.1)),
    ("log", lambda t: torch.log(t.abs() + 0.1)),
    ("abs", torch.abs),
    ("reciprocal", lambda t: torch.reciprocal(t + 100.0)),
]


def op_nodes(op: Unary, dtype: torch.dtype, shape: tuple[int, ...]) -> list[Any]:
    """300 nodes of `op`, each on its own input (spread wide: cos and sin reduce large arguments)."""
    torch.manual_seed(0)
    made: list[Any] = []
    for scale in (1.0, 30.0, 3000.0):
        for _ in range(100):
            leaf = (torch.randn(shape, dtype=dtype) * scale).requires_grad_()
            made.append(op(leaf * 1.0).grad_fn)  # the op's node reads the product, not the leaf
    return made


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [(), (3,)])
@pytest.mark.parametrize(("name", "op"), OPS, ids=[name for name, _ in OPS])
def test_stacked_factors_are_each_nodes_own(name: str, op: Unary, dtype: torch.dtype, shape: tuple[int, ...]) -> None:
    nodes = op_nodes(op, dtype, shape)
    stacked = stacked_factors(nodes, 1000)
    assert set(stacked) == set(nodes), f"every {name} node is stacked"
    for node in nodes:
        assert stacked[node] == (local_of(node, 0, 1000),)


def test_nodes_of_other_ops_and_freed_ones_are_left_to_local_of() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    product = x * x  # two inputs: not stacked
    freed = torch.sin(x)
    torch.autograd.backward(freed.sum())  # frees the sin node's saved input
    kept = torch.cos(x)
    found = local_derivatives([product.grad_fn, freed.grad_fn, kept.grad_fn], 1000)
    assert stacked_factors([product.grad_fn, freed.grad_fn], 1000) == {}
    assert freed.grad_fn not in found  # as before: a node whose saved tensors are freed shows none
    assert found[kept.grad_fn] == (local_of(kept.grad_fn, 0, 1000),)
    assert found[product.grad_fn] == (local_of(product.grad_fn, 0, 1000), local_of(product.grad_fn, 1, 1000))
