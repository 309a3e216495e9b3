"""The gradient check's forward tape never changes what a program may do: it reads no grad_fn torch
refuses to show, and it keeps no large constant alive that PyTorch frees (app/forward_tape.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from gradtrace.config import Limits
from gradtrace.graph.model import Node
from gradtrace.pipeline import run
from gradtrace.result import Result


def only_leaf(result: Result) -> Node:
    """The one leaf of the first graph."""
    (leaf,) = [n for n in result.graphs[0].graph.nodes if n.kind == "leaf"]
    return leaf


# A view made under no_grad and then changed in place: reading its grad_fn raises in torch.
NO_GRAD_VIEWS = [
    "w = torch.zeros(2, 3, requires_grad=True)\nwith torch.no_grad():\n    for row in w:\n        row.fill_(1.0)\n"
    "(w * 2).sum().backward()\nprint(w.grad)",
    "w = torch.zeros(3, requires_grad=True)\nwith torch.no_grad():\n    w[0].copy_(torch.tensor(1.0))\n"
    "(w * 2).sum().backward()\nprint(w.grad)",
]


@pytest.mark.parametrize("source", NO_GRAD_VIEWS)
def test_views_changed_under_no_grad_run_and_are_checked(source: str) -> None:
    result = run(source)
    assert "2., 2., 2." in result.stdout
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is True


def test_large_constants_a_loop_frees_are_not_kept_alive_by_the_tape() -> None:
    # 25 constants of 2,000,000 elements: PyTorch holds one at a time; kept, they pass the 40M live limit.
    source = (
        "x = torch.ones(2_000_000, requires_grad=True)\ny = x * 1\nfor i in range(25):\n"
        "    y = y + torch.ones(2_000_000)\ny.sum().backward()\nprint(x.grad[:3])"
    )
    result = run(source)
    assert result.stdout == "tensor([1., 1., 1.])\n"
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is None
    assert leaf.gradcheck.note is not None and "freed" in str(leaf.gradcheck.note)


def test_small_constants_stay_checkable() -> None:
    result = run("x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = ((x + torch.tensor([1.0, 2.0])) ** 2).sum()")
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is True


def test_a_replay_that_would_hold_too_much_is_not_checked() -> None:
    # PyTorch holds about three 2,000,000-element tensors at once here; a replay keeping every
    # node's float64 value would hold 150 of them.
    source = (
        "x = torch.ones(2_000_000, requires_grad=True)\ny = x * 1\n"
        "for i in range(150):\n    y = y + 1\ny.sum().backward()"
    )
    result = run(source)
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is None
    assert leaf.gradcheck.note is not None and "would hold more than" in str(leaf.gradcheck.note)


def test_a_check_past_its_time_says_so_inside_a_custom_functions_forward() -> None:
    source = (
        "class Many(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x):\n"
        "        y = x\n"
        "        for i in range(20000):\n"
        "            y = y + 0.0\n"
        "        return y\n"
        "    @staticmethod\n"
        "    def backward(ctx, g):\n"
        "        return g\n"
        "x = torch.ones(3, requires_grad=True)\n"
        "Many.apply(x).sum().backward()\n"
    )
    result = run(source, limits=replace(Limits(), gradcheck_seconds=0.05))
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is None
    assert leaf.gradcheck.note is not None and "time limit" in str(leaf.gradcheck.note)


@pytest.mark.parametrize("cast", ['x.type("torch.HalfTensor")', 'x.type("torch.FloatTensor")'])
def test_a_cast_the_replay_cannot_widen_is_not_checked_rather_than_a_false_cross(cast: str) -> None:
    source = f"x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)\ny = ({cast} * 3).sum()"
    result = run(source)
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is None
    assert leaf.gradcheck.note is not None and "even when replayed in float64" in str(leaf.gradcheck.note)


def test_casts_the_replay_widens_stay_checked() -> None:
    result = run(
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x.half().float() * 3 + x.to(torch.bfloat16)).sum()"
    )
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is True


FUNCTION_READING_ITS_INPUT = """scale = torch.tensor(2.0)
class Scaled(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        s = {read}
        return x * s
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return {backward}
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
Scaled.apply(x).sum().backward()
print(x.grad)
"""


def test_a_functions_forward_reading_its_input_into_python_is_not_checked_rather_than_a_false_cross() -> None:
    # The backward is right (d/dx of x * sum(x), summed, is sum(x) + sum(x)): a replay that kept the
    # recorded .item() fixed would call it wrong.
    source = FUNCTION_READING_ITS_INPUT.format(read="x.sum().item()", backward="g * x.sum() + (g * x).sum()")
    result = run(source)
    assert result.stdout == "tensor([12., 12., 12.])\n"
    leaf = only_leaf(result)
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is None
    assert leaf.gradcheck.note is not None and "reads a tensor's value into Python" in str(leaf.gradcheck.note)


def test_a_functions_forward_reading_a_constant_into_python_stays_checked() -> None:
    source = FUNCTION_READING_ITS_INPUT.format(read="scale.item()", backward="g * 2")
    leaf = only_leaf(run(source))
    assert leaf.gradcheck is not None and leaf.gradcheck.ok is True
