"""Sizes are read as torch reads them, before anything is allocated: a bool, a 0-d or one-element
tensor or a torch.Size among the sizes does not slip past the tensor-size limit; and a graph too
large to lay out is refused before Graphviz sees it."""

from __future__ import annotations

import random

import pytest
import torch
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.sandbox.sizes import broadcast_dims

LIMITS = Limits(max_tensor_elements=1_000_000)
BIG = "torch.tensor(12000)"  # 12000 * 12000 = 144,000,000 elements: 576 MB of float32

OVERSIZED = [
    f"torch.rand({BIG}, {BIG})",
    f"torch.randn({BIG}, 12000)",
    f"torch.ones(12000, {BIG})",
    f"torch.zeros(({BIG}, {BIG}))",
    f"torch.empty([{BIG}, {BIG}])",
    "torch.empty(torch.Size([12000, 12000]))",
    "torch.rand(torch.tensor([12000]), torch.tensor([12000]))",
    f"torch.ones(size=({BIG}, {BIG}))",
    f"torch.full(({BIG}, {BIG}), 1.0)",
    f"torch.Tensor({BIG}, {BIG})",
    "torch.Tensor(12000, 12000, True)",
    "torch.Tensor(torch.Size([12000, 12000]))",
    f"torch.randint(10, ({BIG}, {BIG}))",
    "torch.linspace(0, 1, torch.tensor(200000000))",
    f"torch.eye({BIG})",
    f"torch.ones(1).new_ones({BIG}, {BIG})",
    f"torch.ones(1).new_zeros(({BIG}, {BIG}))",
    f"torch.ones(1).new_full(({BIG}, {BIG}), 2.0)",
    f"torch.ones(1, 1).expand({BIG}, {BIG})",
    f"torch.ones(1).repeat({BIG}, {BIG})",
    "torch.arange(torch.tensor(200000000))",
    f"F.one_hot(torch.arange(12000), {BIG})",
    f"nn.Linear({BIG}, {BIG})",
    f"F.pad(torch.ones(1, 1), ({BIG}, {BIG}, {BIG}, {BIG}))",
    "torch.normal(0.0, 1.0, size=(12000, 12000))",
    f"torch.normal(0.0, 1.0, ({BIG}, 12000))",
    "torch.multinomial(torch.ones(10), 10**7, replacement=True)",
    f"nn.Linear({BIG}, 12000)",
    "nn.Embedding(10**6, 1000)",
    "nn.Embedding(torch.tensor(10**6), 1000)",
    "nn.Conv2d(3000, 3000, 3)",
    "nn.LSTM(5000, 5000)",
    "nn.GRU(input_size=5000, hidden_size=5000)",
    "nn.RNNCell(5000, 5000)",
    "nn.LayerNorm((3000, 3000))",
    "nn.BatchNorm1d(10**7)",
]


@pytest.mark.parametrize("expression", OVERSIZED)
def test_every_size_spelling_is_checked_before_allocation(expression: str) -> None:
    with pytest.raises(GradtraceError) as refused:
        pipeline.run(f"t = {expression}\n", limits=LIMITS)
    assert refused.value.kind == "limit"
    assert "would make a tensor of" in str(refused.value)
    assert refused.value.line == 1


FITTING = [
    ("torch.rand(torch.tensor(3), 2)", [3, 2]),
    ("torch.ones(torch.Size([True, 3]))", [1, 3]),
    ("torch.Tensor(3, True)", [3, 1]),
    ("torch.Tensor([100000, 100000])", [2]),  # a list is data to the legacy constructor, not a size
    ("torch.zeros(torch.tensor([4]))", [4]),
]


def test_sizing_a_layer_draws_no_random_numbers() -> None:
    """Layers are sized on the meta device: the program's seeded weights are PyTorch's."""
    code = (
        "torch.manual_seed(0)\nm = nn.Linear(3, 2)\nc = nn.Conv2d(1, 2, 2)\nprint(m.weight.tolist(), c.bias.tolist())\n"
    )
    torch.manual_seed(0)
    expected = f"{torch.nn.Linear(3, 2).weight.tolist()} {torch.nn.Conv2d(1, 2, 2).bias.tolist()}\n"
    assert pipeline.run(code).stdout == expected


@pytest.mark.parametrize(("expression", "shape"), FITTING)
def test_small_sizes_in_every_spelling_still_run(expression: str, shape: list[int]) -> None:
    result = pipeline.run(f"t = {expression}\n", limits=LIMITS)
    assert list(result.variables["t"].value.shape) == shape


def stacking(steps: int) -> str:
    """Each step stacks every tensor made before it: few nodes, edges growing with the square of the steps,
    and edges that skip more levels at every step."""
    return (
        "x = torch.ones(2, requires_grad=True)\nts = [x]\n"
        f"for i in range({steps}):\n    ts.append(torch.stack(ts).sum(0))\n"
        "out = ts[-1].sum()\nout.backward()\n"
    )


@pytest.mark.parametrize(
    ("steps", "limits", "named"),
    [
        (200, Limits(max_graph_edges=10_000), "the graph has 20302 edges; the limit is 10000"),
        (60, Limits(max_graph_segments=20_000), "the limit is 20000"),
        (30, Limits(max_graph_edges=400), "edges; the limit is 400"),
    ],
)
def test_graphs_too_large_to_lay_out_are_refused_before_layout(steps: int, limits: Limits, named: str) -> None:
    with pytest.raises(GradtraceError) as refused:
        pipeline.run(stacking(steps), limits=limits)
    assert refused.value.kind == "limit"
    assert named in str(refused.value)
    assert refused.value.line == 6  # the backward() that would draw it


def test_a_graph_within_the_drawing_limits_is_drawn() -> None:
    result = pipeline.run(stacking(8))
    assert result.graphs and result.graphs[0].svg.startswith(("<?xml", "<svg"))


def test_broadcast_dims_is_torchs_broadcast_wherever_torch_broadcasts() -> None:
    rng = random.Random(1)
    checked = 0
    for _ in range(5_000):
        shapes = [
            tuple(rng.choice([0, 1, 1, 2, 3]) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(2, 3))
        ]
        try:
            expected = list(torch.broadcast_shapes(*shapes))
        except RuntimeError:
            continue
        assert broadcast_dims(*shapes) == expected, shapes
        checked += 1
    assert checked > 1_000
