"""The gradient check's batched replays (app/batched_replay.py: one torch.func.vmap run for all of
a leaf's moved copies) give the finite differences the one-element-at-a-time replays give, and a
graph vmap cannot run batched is still checked, one element at a time."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pytest
import torch
from gradtrace.batched_replay import SMALL_BATCH, NotBatchable, perturbed_leaves, perturbed_together
from gradtrace.capture import Recorder
from gradtrace.config import Limits
from gradtrace.gradcheck import STEP
from gradtrace.gradient_replay import Replay
from gradtrace.pipeline import run

Forward = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

# (name, the forward of a leaf w (shape 3x4) and a constant c (shape 2x3)): an elementwise chain, a
# reduction, a matrix product with a softmax, and a loss with integer targets.
FORWARDS: list[tuple[str, Forward]] = [
    ("elementwise", lambda w, c: (torch.tanh(w * 1.5 + 0.25) ** 2).sum()),
    ("mean of a square", lambda w, c: ((w - 1) * (w + 2)).mean()),
    ("matmul and softmax", lambda w, c: torch.softmax(c @ w, dim=1)[:, 0].sum()),
    (
        "cross-entropy",
        lambda w, c: torch.nn.functional.cross_entropy(torch.sigmoid(c @ w), torch.tensor([1, 3])),
    ),
]


def recorded_replay(forward: Forward) -> tuple[Replay, torch.Tensor]:
    """A float64 Replay of `forward`, recorded as the pipeline records a program; and its leaf."""
    with Recorder(Limits()):
        w = torch.linspace(-1.0, 1.5, 12).reshape(3, 4).requires_grad_()
        c = torch.linspace(0.5, -0.7, 6).reshape(2, 3)
        root = forward(w, c)
    with torch.no_grad(), torch._C.DisableTorchFunction():
        replay = Replay(root, [w], time.monotonic() + 60)
        replay.objective(torch.ones((), dtype=torch.float64))
    return replay, w


@pytest.mark.parametrize(("name", "forward"), FORWARDS, ids=[name for name, _ in FORWARDS])
def test_batched_differences_match_one_at_a_time(name: str, forward: Forward) -> None:
    replay, w = recorded_replay(forward)
    indices = [0, 3, 5, 11]
    with torch.no_grad(), torch._C.DisableTorchFunction():
        together = list(perturbed_together(replay, w, indices, STEP))
        alone = [replay.perturbed(w, index, STEP) for index in indices]
    assert len(together) == len(indices)
    for (below, above, step), (below_1, above_1, step_1) in zip(together, alone, strict=True):
        assert step == step_1  # the same move of the same element
        # The same float64 ops, batched: equal up to the rounding of a reduction's order.
        assert below == pytest.approx(below_1, rel=1e-14, abs=1e-14)
        assert above == pytest.approx(above_1, rel=1e-14, abs=1e-14)
        slope, slope_1 = (above - below) / (2 * step), (above_1 - below_1) / (2 * step_1)
        assert math.isclose(slope, slope_1, rel_tol=1e-6, abs_tol=1e-9)
    assert replay.inputs[id(w)].equal(w.detach().double())  # the leaf's copy is back as it was


def test_the_replay_holds_no_batched_tensor_afterwards() -> None:
    replay, w = recorded_replay(FORWARDS[2][1])
    with torch.no_grad(), torch._C.DisableTorchFunction():
        list(perturbed_together(replay, w, list(range(12)), STEP))
        again = replay.perturbed(w, 4, STEP)  # the one-at-a-time path still reads the plain copy
    assert all(math.isfinite(value) for value in again)
    assert replay.held == replay.first_run_held


LSTM = """
torch.manual_seed(0)
lstm = torch.nn.LSTM(2, 2)
x = torch.randn(3, 1, 2)
out, (h, c) = lstm(x)
out.sum().backward()
"""


def test_a_graph_vmap_cannot_batch_is_checked_one_element_at_a_time() -> None:
    """aten::lstm has no batching rule: the batched replay refuses, and every weight is still checked."""
    result = run(LSTM)
    checks = {node.name: node.gradcheck for node in result.graphs[0].graph.nodes if node.kind == "leaf"}
    assert checks, "the LSTM's weights are leaves of the drawing"
    for name, check in checks.items():
        assert check is not None and check.ok is True, (name, check)
        assert check.checked_elements == check.elements


def test_an_op_without_a_batching_rule_says_not_batchable() -> None:
    def forward(w: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        lstm = torch.nn.LSTM(4, 2)
        out, _ = lstm(w.unsqueeze(1))
        total: torch.Tensor = out.sum()
        return total

    torch.manual_seed(0)
    replay, w = recorded_replay(forward)
    with torch.no_grad(), torch._C.DisableTorchFunction(), pytest.raises(NotBatchable):
        list(perturbed_together(replay, w, [0, 1], STEP))


def test_all_leaves_in_one_batch_match_one_at_a_time() -> None:
    """perturbed_leaves: every row moves one element of one leaf, the other leaves as they are."""
    with Recorder(Limits()):
        w = torch.linspace(-1.0, 1.5, 12).reshape(3, 4).requires_grad_()
        b = torch.tensor([0.1, -0.2, 0.3, 0.0], requires_grad=True)
        x = torch.linspace(0.5, -0.7, 6).reshape(2, 3)
        root = torch.nn.functional.cross_entropy(torch.tanh(x @ w + b), torch.tensor([1, 3]))
    plan = [(w, [0, 5, 11]), (b, [0, 1, 2, 3])]
    with torch.no_grad(), torch._C.DisableTorchFunction():
        replay = Replay(root, [w, b], time.monotonic() + 60)
        replay.objective(torch.ones((), dtype=torch.float64))
        together = perturbed_leaves(replay, plan, STEP)
        alone = [[replay.perturbed(leaf, index, STEP) for index in indices] for leaf, indices in plan]
    assert [len(found) for found in together] == [3, 4]
    for found, expected in zip(together, alone, strict=True):
        for (below, above, step), (below_1, above_1, step_1) in zip(found, expected, strict=True):
            assert step == step_1
            assert below == pytest.approx(below_1, rel=1e-14, abs=1e-14)
            assert above == pytest.approx(above_1, rel=1e-14, abs=1e-14)
    assert replay.inputs[id(b)].equal(b.detach().double())


def test_a_large_leaf_is_moved_the_same_way() -> None:
    """Past SMALL_BATCH elements the moved copies are built with torch indexing, not Python lists."""
    with Recorder(Limits()):
        w = torch.linspace(-2.0, 2.0, 5000, requires_grad=True)
        root = (torch.sin(w) * w).sum()
    indices = [0, 17, 2500, 4999]
    with torch.no_grad(), torch._C.DisableTorchFunction():
        replay = Replay(root, [w], time.monotonic() + 60)
        replay.objective(torch.ones((), dtype=torch.float64))
        assert 2 * len(indices) * w.numel() > SMALL_BATCH
        together = list(perturbed_together(replay, w, indices, STEP))
        alone = [replay.perturbed(w, index, STEP) for index in indices]
    for (below, above, step), (below_1, above_1, step_1) in zip(together, alone, strict=True):
        assert step == step_1
        assert below == pytest.approx(below_1, rel=1e-14)
        assert above == pytest.approx(above_1, rel=1e-14)
