"""The numeric gradient check: wrong gradients are flagged, right ones pass, what cannot be checked
says why, the check is bounded, and it changes nothing the program printed or computed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.rendering.options import RenderOptions
from gradtrace.result import result_to_json

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (
    sorted((ROOT / "tests" / "programs").glob("*.py"))
    + sorted((ROOT / "app" / "examples").glob("[0-9]*.py"))
    + sorted((ROOT / "tests" / "programs" / "course").glob("[0-9]*.py"))
)

CUBE = """
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        print("forward ran")
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        print("backward ran")
        return grad * 3 * {derivative}

x = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
loss = Cube.apply(x).sum()
loss.backward()
"""

# A Function whose backward is a manual backprop through two steps: h = x * w, out = h * h + h.
# d out / d h = 2h + 1; the wrong version skips the "+ 1" term.
TWO_STEPS = """
class Block(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        h = x * w
        ctx.save_for_backward(x, w, h)
        return h * h + h

    @staticmethod
    def backward(ctx, grad):
        x, w, h = ctx.saved_tensors
        grad_h = grad * ({grad_h})
        return grad_h * w, (grad_h * x).sum()

x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
w = torch.tensor(1.5, requires_grad=True)
loss = Block.apply(x, w).mean()
loss.backward()
"""

# Only the weight's gradient is wrong: the input's must still pass.
WRONG_WEIGHT = """
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return grad * w, (grad * x).sum() * 2

x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
y = torch.tanh(Scale.apply(x, w))
loss = (y * y).sum()
loss.backward()
"""


def checks(source: str, limits: Limits | None = None) -> dict[str, Any]:
    """graphs[-1].gradcheck of the program's JSON answer."""
    answer = result_to_json(pipeline.run(source, limits=limits))
    found: dict[str, Any] = answer["graphs"][-1]["gradcheck"]
    return found


@pytest.mark.parametrize(
    ("source", "leaf"),
    [
        (CUBE.format(derivative="x"), "x"),  # d x³ = 3x², written 3x
        (TWO_STEPS.format(grad_h="2 * h"), "x"),  # the manual backprop skips a term
        (TWO_STEPS.format(grad_h="2 * h"), "w"),
        (WRONG_WEIGHT, "w"),
    ],
)
def test_a_wrong_gradient_is_flagged(source: str, leaf: str) -> None:
    found = checks(source)[leaf]
    assert found["ok"] is False
    assert found["max_rel_error"] > 0.05  # five times the float32 tolerance
    assert found["checked_elements"] == found["elements"]


@pytest.mark.parametrize(
    ("source", "leaves"),
    [
        (CUBE.format(derivative="x ** 2"), ["x"]),
        (TWO_STEPS.format(grad_h="2 * h + 1"), ["x", "w"]),
        (WRONG_WEIGHT, ["x"]),  # the input's gradient is right
        (
            "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x * 2 + 1\nz = (y * y).mean()\nz.backward()",
            ["x"],
        ),
    ],
)
def test_a_right_gradient_passes(source: str, leaves: list[str]) -> None:
    found = checks(source)
    for leaf in leaves:
        assert found[leaf]["ok"] is True, found[leaf]
        assert found[leaf]["max_rel_error"] < 1e-3


def test_a_kink_accepts_the_subgradient_autograd_chose() -> None:
    """relu at exactly 0 and a tie in max have no derivative: autograd's choice lies between the
    one-sided slopes, which is not a wrong gradient."""
    source = "x = torch.tensor([0.0, 2.0, 2.0, -1.0], requires_grad=True)\n(torch.relu(x).sum() + x.max()).backward()"
    assert checks(source)["x"]["ok"] is True


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("x = torch.ones(4, requires_grad=True)\ny = F.dropout(x, 0.5)\ny.sum().backward()", "random"),
        ("x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.add_(1)\n(y * y).sum().backward()", "in place"),
        (
            "w = torch.ones(2, requires_grad=True)\nloss = (w * 3).sum()\n"
            "with torch.no_grad():\n    w.add_(1)\nloss.backward()",
            "changed in place",
        ),
    ],
)
def test_what_cannot_be_checked_says_why(source: str, why: str) -> None:
    found = next(iter(checks(source).values()))
    assert found["ok"] is None
    assert found["note"].startswith("not checked: ")
    assert why in found["note"]


def test_the_check_changes_nothing_the_program_did() -> None:
    """Prints inside the Function run once, later random draws are the same, and every value and
    .grad is the same with the check as without it."""
    source = CUBE.format(derivative="x") + "print(torch.randn(2))\nprint(x.grad)\n"
    with_check = result_to_json(pipeline.run(source))
    without = result_to_json(pipeline.run(source, limits=Limits(gradcheck_seconds=0)))
    assert with_check["stdout"].count("forward ran") == 1
    assert with_check["stdout"].count("backward ran") == 1
    assert with_check["stdout"] == without["stdout"]
    assert with_check["variables"] == without["variables"]
    assert with_check["graphs"][0]["gradcheck"]["x"]["ok"] is False
    assert without["graphs"][0]["gradcheck"]["x"]["note"].startswith("not checked: the gradient check is off")


def test_a_big_leaf_is_sampled_and_the_time_is_bounded() -> None:
    """Past gradcheck_elements a leaf gets a seeded sample; a 100,000-element leaf checked in full
    (~200,000 replays, minutes) stops at the check's own time limit and says how far it got."""
    sample = "w = torch.linspace(-1, 1, 2000, requires_grad=True)\nloss = torch.tanh(w).sum()\nloss.backward()"
    roomy = Limits(gradcheck_seconds=60)  # this part is about the sample, not the time
    sampled = checks(sample, roomy)["w"]
    assert sampled["checked_elements"] == roomy.gradcheck_elements
    assert sampled["ok"] is True
    assert "seeded sample of 32 of its 2000 elements" in sampled["note"]
    assert checks(sample, roomy)["w"] == sampled  # the same sample every time

    source = sample.replace("2000", "100000")
    limits = Limits(gradcheck_seconds=0.3, gradcheck_elements=100_000)
    start = time.monotonic()
    cut = checks(source, limits)["w"]
    assert time.monotonic() - start < 10.0  # the run, with a check cut at 0.3 s (in full: minutes)
    assert cut["checked_elements"] < 100_000
    assert "time limit ran out" in cut["note"]


def test_json_form() -> None:
    found = checks(CUBE.format(derivative="x ** 2"))
    assert set(found) == {"x"}
    entry = found["x"]
    assert set(entry) == {"max_abs_error", "max_rel_error", "checked_elements", "ok", "elements", "node", "note"}
    assert entry["checked_elements"] == entry["elements"] == 3
    assert entry["note"] is None


def test_svg_form() -> None:
    """With option gradcheck, leaf boxes say ✓ or ✗ and the relative error; without, nothing."""
    drawn = RenderOptions(gradcheck=True)
    right = pipeline.run(CUBE.format(derivative="x ** 2"), options=drawn).graphs[0].svg
    wrong = pipeline.run(CUBE.format(derivative="x"), options=drawn).graphs[0].svg
    plain = pipeline.run(CUBE.format(derivative="x")).graphs[0].svg
    assert "✓ gradcheck" in right and "✗" not in right
    assert "✗ gradcheck" in wrong and "rel. error 5.0e&#45;01" in wrong  # Graphviz writes "-" as &#45;
    assert "gradcheck" not in plain


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_the_corpus_passes(path: Path) -> None:
    """Every leaf of every program PyTorch gets right is ✓ or says why it was not checked: never ✗."""
    try:
        result = pipeline.run(path.read_text())
    except GradtraceError as refused:  # the corpus tests list each refusal and why
        pytest.skip(f"gradtrace refuses this program (a known refusal of the corpus tests): {refused.message}")
    for rendered in result.graphs:
        for node in rendered.graph.nodes:
            if node.kind == "leaf":
                assert node.gradcheck is not None
                assert node.gradcheck.ok is not False, (node.name, node.gradcheck)
                if node.gradcheck.ok is None:
                    assert str(node.gradcheck.note or "").startswith("not checked: ")


def test_a_graph_past_gradcheck_max_nodes_is_not_checked() -> None:
    source = CUBE.format(derivative="x")
    found = checks(source, Limits(gradcheck_max_nodes=2))["x"]
    assert found["ok"] is None
    assert found["note"] == (
        "not checked: the graph has 3 autograd nodes; the check runs on graphs of up to 2 (gradcheck_max_nodes)"
    )
    assert checks(source, Limits(gradcheck_max_nodes=3))["x"]["ok"] is False


def test_a_gradient_that_is_not_finite_is_not_judged() -> None:
    """sqrt at 0: autograd says inf, and the function has no derivative there to compare with."""
    found = checks("x = torch.tensor([0.0, 4.0], requires_grad=True)\ntorch.sqrt(x).sum().backward()")["x"]
    assert found["ok"] is None
    assert found["note"] == "not checked: autograd's gradient or the function is not finite at element 0"


def test_autograd_grad_checks_the_leaves_it_was_asked_for() -> None:
    source = (
        "w = torch.tensor([2.0], requires_grad=True)\nb = torch.tensor([1.0], requires_grad=True)\n"
        "a = torch.relu(3 * w + b)\n(g,) = torch.autograd.grad(a, w)"
    )
    found = checks(source)
    assert found["w"]["ok"] is True
    assert found["b"] == {**found["b"], "ok": None, "note": "not checked: autograd.grad was not asked for it"}


def test_a_complex_leaf_is_not_checked() -> None:
    source = "z = torch.tensor([1 + 1j, 2j], requires_grad=True)\n(z * (1 + 0.5j)).abs().sum().backward()"
    assert checks(source)["z"]["note"] == "not checked: complex tensors are not checked"
