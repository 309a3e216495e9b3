"""The shortcuts that make capturing cheap give exactly what the plain way gives (PyTorch is the reference)."""

from __future__ import annotations

import pytest
import torch
from gradtrace.capture import reachable_nodes
from gradtrace.graph.model import TensorData
from gradtrace.graph.tensors import SNAPSHOT_ELEMENTS, snapshot, snapshot_data, to_tensor_data
from gradtrace.sandbox.values import kind_of

TENSORS = {
    "scalar": torch.tensor(0.5),
    "float16": torch.tensor([1.5, -2.25], dtype=torch.float16),
    "int": torch.arange(6).reshape(2, 3),
    "bool": torch.tensor([True, False, True]),
    "nan and inf": torch.tensor([float("nan"), float("inf"), -float("inf")]),
    "largest kept as data": torch.linspace(-1, 1, SNAPSHOT_ELEMENTS),
    "first kept as a clone": torch.linspace(-1, 1, SNAPSHOT_ELEMENTS + 1),
    "complex": torch.tensor([1 + 2j, 3 - 4j]),
    "requires grad": torch.sin(torch.ones(2, 2, requires_grad=True)),
}


def same(a: TensorData, b: TensorData) -> bool:
    """Equal, NaN equal to NaN (what result_to_json would write)."""
    return repr(a) == repr(b)


@pytest.mark.parametrize("name", TENSORS)
@pytest.mark.parametrize("max_elements", [0, 1, 4, 10_000])
def test_a_snapshot_lists_as_the_tensor_would(name: str, max_elements: int) -> None:
    tensor = TENSORS[name]
    for kept in (snapshot(tensor, max_elements), snapshot(tensor, 10_000)):
        assert same(snapshot_data(kept, max_elements), to_tensor_data(tensor, max_elements))


@pytest.mark.parametrize("numel", [1, SNAPSHOT_ELEMENTS, SNAPSHOT_ELEMENTS + 1])
def test_a_snapshot_keeps_the_value_of_its_moment(numel: int) -> None:
    tensor = torch.ones(numel)
    before = to_tensor_data(tensor, 10_000)
    kept = snapshot(tensor, 10_000)
    tensor.mul_(3)
    assert same(snapshot_data(kept, 10_000), before)


def test_a_snapshot_of_a_tensor_in_a_graph_is_outside_it() -> None:
    kept = snapshot(torch.sin(torch.ones(SNAPSHOT_ELEMENTS + 1, requires_grad=True)), 10_000)
    assert isinstance(kept, torch.Tensor) and kept.grad_fn is None and not kept.requires_grad


def test_a_tensor_too_large_to_list_is_kept_as_its_summary_not_a_copy() -> None:
    tensor = torch.arange(20_000.0)
    kept = snapshot(tensor, 10_000)
    assert isinstance(kept, TensorData) and kept.values is None
    assert same(snapshot_data(kept, 10_000), to_tensor_data(tensor, 10_000))


def test_reachable_nodes_stops_at_the_limit_with_the_same_prefix() -> None:
    x = torch.ones(2, requires_grad=True)
    y = (x.sin() * x.cos()).exp().sum() + x.sum()
    everything = reachable_nodes(y.grad_fn)
    assert [type(n).__name__ for n in everything] == [
        "AddBackward0",
        "SumBackward0",
        "ExpBackward0",
        "MulBackward0",
        "SinBackward0",
        "AccumulateGrad",  # reached once, from sin, though cos and the second sum lead there too
        "CosBackward0",
        "SumBackward0",
    ]
    for limit in range(1, len(everything) + 2):
        assert reachable_nodes(y.grad_fn, limit=limit) == everything[:limit]


class Unknown:
    pass


def test_kind_of_remembers_by_type_and_still_refuses() -> None:
    assert kind_of(torch.ones(1)) == kind_of(torch.zeros(3)) == "tensor"
    assert kind_of(torch.ones(1, requires_grad=True).sum().grad_fn) == "grad_fn"
    assert kind_of(Unknown()) is None and kind_of(Unknown()) is None
    assert kind_of(print) is None and kind_of(torch.Tensor) is None
