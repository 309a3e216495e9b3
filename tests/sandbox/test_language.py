"""Programs run by the sandbox print exactly what real Python + PyTorch printed for them."""

# The program table holds whole sources and outputs as literals; wrapping them would hide them.
# ruff: noqa: E501

from __future__ import annotations

import contextlib

import pytest
import torch
from gradtrace.errors import GradtraceError

from tests.sandbox.helpers import RecordingObserver, run

# (name, source, stdout): each stdout was produced by running the same source with real Python 3.11
# and torch 2.13 (the namespaces torch, nn, F, math, optim pre-imported).
PROGRAMS: list[tuple[str, str, str]] = [
    (
        "tutorial",
        "x = torch.ones(2,2,requires_grad=True); y = x + 2; z = y*y*3; out = z.mean(); print(z, out); out.backward(); print(x.grad)",
        "tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)\ntensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n",
    ),
    (
        "print_sep",
        "print(1, 2.5, 'a', None, True, sep='-', end='!')\nprint([1, 'b', (2,)], {'k': 1.0})",
        "1-2.5-a-None-True![1, 'b', (2,)] {'k': 1.0}\n",
    ),
    (
        "fstrings",
        "t = torch.tensor(3.14159)\nprint(f'{t.item():.4f}|{t}|{7!r}|{\"s\"!r}|{12:>5}|{3.5:e}')",
        "3.1416|3.141590118408203|7|'s'|   12|3.500000e+00\n",
    ),
    (
        "arith",
        "print(7 // 2, -7 % 3, 2 ** 10, 7 / 2, 1 < 2 < 3, 3 in [1, 2], None is None, not 0, 5 if 0 else 6)",
        "3 2 1024 3.5 True False True True 6\n",
    ),
    ("shortcircuit", "a = 0 or 'x'\nb = 1 and 0\nc = [] or [1]\nprint(a, b, c)", "x 0 [1]\n"),
    (
        "closure",
        "k = 3\ndef mul(v, by=2):\n    return v * by * k\nprint(mul(2), mul(2, by=5), mul(by=1, v=4))",
        "12 30 12\n",
    ),
    (
        "recursion",
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nprint(fib(15))",
        "610\n",
    ),
    (
        "loops",
        "s = 0\nfor i in range(10):\n    if i % 2:\n        continue\n    if i > 6:\n        break\n    s += i\nelse:\n    s = -1\nn = 0\nwhile n < 5:\n    n += 1\nelse:\n    n *= 10\nprint(s, n)",
        "12 50\n",
    ),
    (
        "comprehensions",
        "sq = [i * i for i in range(6) if i % 2 == 0]\npairs = [(a, b) for a in range(2) for b in 'xy']\nd = {k: v for k, v in zip('ab', [1, 2])}\nprint(sq, pairs, d, sum(i for i in range(5)), max(x * 2 for x in [3, 1]))",
        "[0, 4, 16] [(0, 'x'), (0, 'y'), (1, 'x'), (1, 'y')] {'a': 1, 'b': 2} 10 6\n",
    ),
    (
        "unpacking",
        "a, (b, c), *d = [1, (2, 3), 4, 5]\nfirst, *mid, last = range(5)\nprint(a, b, c, d, first, mid, last)",
        "1 2 3 [4, 5] 0 [1, 2, 3] 4\n",
    ),
    (
        "indexing",
        "x = torch.arange(12.).view(3, 4)\nprint(x[:, :2], x[0], x[1, 2], x[..., -1], x[None].shape, x[x > 9])\nx[0, 1] = 100\nl = [1, 2, 3]\nl[1] += 5\nprint(x[0], l)",
        "tensor([[0., 1.],\n        [4., 5.],\n        [8., 9.]]) tensor([0., 1., 2., 3.]) tensor(6.) tensor([ 3.,  7., 11.]) torch.Size([1, 3, 4]) tensor([10., 11.])\ntensor([  0., 100.,   2.,   3.]) [1, 7, 3]\n",
    ),
    (
        "tensor_methods",
        "x = torch.tensor([[1., -2.], [3., 4.]])\nprint(x.sum(dim=0), x.mean(), x.abs().max(), x.t(), x.T.shape, x.relu(), x.size(), x.dim(), x.numel(), x.dtype, x.long())",
        "tensor([4., 2.]) tensor(1.5000) tensor(4.) tensor([[ 1.,  3.],\n        [-2.,  4.]]) torch.Size([2, 2]) tensor([[1., 0.],\n        [3., 4.]]) torch.Size([2, 2]) 2 4 torch.float32 tensor([[ 1, -2],\n        [ 3,  4]])\n",
    ),
    (
        "reductions",
        "x = torch.tensor([[1., 5.], [3., 2.]])\nv, i = x.max(dim=1)\nprint(v, i, torch.topk(x.flatten(), 2).indices, x.argmax())",
        "tensor([5., 3.]) tensor([1, 0]) tensor([1, 2]) tensor(1)\n",
    ),
    (
        "builtins",
        "print(len([1, 2]), abs(-3), min(4, 2), round(2.567, 2), float('1.5'), int(3.9), bool([]), str(5), list((1, 2)), tuple([3]), dict(a=1), list(zip([1, 2], 'ab')), list(enumerate('ab', 1)), list(reversed([1, 2])), sorted([3, 1, 2], reverse=True), isinstance(torch.ones(1), torch.Tensor), isinstance(3, (float, int)), isinstance(nn.Parameter(torch.ones(1)), nn.Parameter))",
        "2 3 2 2.57 1.5 3 False 5 [1, 2] (3,) {'a': 1} [(1, 'a'), (2, 'b')] [(1, 'a'), (2, 'b')] [2, 1] [3, 2, 1] True True True\n",
    ),
    (
        "grad_fn",
        "a = torch.tensor([2.], requires_grad=True)\nb = (a * 3).sum()\nprint(b.grad_fn.name(), b.grad_fn.next_functions[0][0].name(), a.is_leaf, b.is_leaf, a.grad_fn)",
        "SumBackward0 MulBackward0 True False None\n",
    ),
    (
        "nograd",
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (w * w).sum()\nloss.backward()\nwith torch.no_grad():\n    w -= 0.1 * w.grad\nprint(w, w.requires_grad, torch.is_grad_enabled())\nw.grad = None\nprint(w.grad)",
        "tensor([0.8000, 1.6000], requires_grad=True) True True\nNone\n",
    ),
    (
        "set_grad_enabled",
        "torch.set_grad_enabled(False)\na = torch.ones(1, requires_grad=True) * 2\ntorch.set_grad_enabled(True)\nwith torch.set_grad_enabled(False):\n    b = torch.ones(1, requires_grad=True) * 2\nwith torch.enable_grad():\n    c = torch.ones(1, requires_grad=True) * 2\nprint(a.requires_grad, b.requires_grad, c.requires_grad)",
        "False False True\n",
    ),
    (
        "training",
        "torch.manual_seed(0)\nmodel = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))\nopt = optim.SGD(model.parameters(), lr=0.1)\nx = torch.tensor([[1., 2.], [3., 4.]])\ny = torch.tensor([[1.], [0.]])\nfor step in range(3):\n    opt.zero_grad()\n    loss = F.mse_loss(model(x), y)\n    loss.backward()\n    opt.step()\n    print(f'{loss.item():.4f}')\nprint([n for n, p in model.named_parameters()], len(list(model.parameters())))",
        "0.9011\n0.4892\n0.3822\n['0.weight', '0.bias', '2.weight', '2.bias'] 4\n",
    ),
    (
        "imports",
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch import nn\nfrom torch.nn import functional as F2\nimport math\nimport torch.optim as optim\nfrom math import sqrt\nprint(F2.relu(torch.tensor([-1., 2.])), sqrt(16), math.pi, optim.SGD)",
        "tensor([0., 2.]) 4.0 3.141592653589793 <class 'torch.optim.sgd.SGD'>\n",
    ),
    ("expression_statements", "x = torch.ones(2)\nx\nx, 3\n1 + 1", ""),
    ("delete", "a = 1\nb = 2\ndel a\nprint(b)", "2\n"),
    (
        "linear_loss",
        "torch.manual_seed(1)\nlin = nn.Linear(3, 2)\nx = torch.randn(4, 3)\nt = torch.tensor([0, 1, 1, 0])\nloss = nn.CrossEntropyLoss()(lin(x), t)\nloss.backward()\nprint(loss.grad_fn.name(), lin.weight.grad.shape, lin.bias.grad is not None)",
        "NllLossBackward0 torch.Size([2, 3]) True\n",
    ),
    (
        "inplace_methods",
        "x = torch.zeros(3)\nx.add_(1).mul_(3)\ny = x.clone().detach().requires_grad_()\nprint(x, y.requires_grad, x.tolist(), x.shape[0], list(x.shape))",
        "tensor([3., 3., 3.]) True [3.0, 3.0, 3.0] 3 [3]\n",
    ),
    (
        "throwaway_underscore",
        "w = torch.tensor(1.0)\nfor _ in range(3):\n    w = w * 2\nfor _, v in enumerate([5]):\n    print(_, v, w)",
        "0 5 tensor(8.)\n",
    ),
]


@pytest.mark.parametrize(("name", "source", "stdout"), PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_program_prints_what_python_prints(name: str, source: str, stdout: str) -> None:
    assert run(source).stdout == stdout


def test_tutorial_names_hold_real_tensors_in_binding_order() -> None:
    execution = run(PROGRAMS[0][1])
    assert list(execution.names) == ["x", "y", "z", "out"]
    out = execution.names["out"]
    assert isinstance(out, torch.Tensor) and out.item() == 27.0
    assert execution.names["x"].grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]  # type: ignore[attr-defined]


def test_names_exclude_functions_and_namespaces() -> None:
    names = run("import math as m\ndef f():\n    return 1\ng = torch.relu\nv = f()").names
    assert list(names) == ["v"]


def test_augassign_on_tensor_is_in_place() -> None:
    names = run("a = torch.ones(2, requires_grad=True)\nc = a * 1\nsame = c\nc += c + 1\nis_same = c is same").names
    assert names["is_same"] is True
    assert type(names["c"].grad_fn).__name__ == "AddBackward0"  # type: ignore[attr-defined]
    assert names["c"].tolist() == [3.0, 3.0]  # type: ignore[attr-defined]


def test_augassign_on_int_rebinds() -> None:
    assert run("a = 1\nb = a\na += 1").names == {"a": 2, "b": 1}


@pytest.mark.parametrize(
    "source",
    [
        "with torch.no_grad():\n    x = 1\n",
        "torch.set_grad_enabled(False)\n",
        "with torch.no_grad():\n    x = undefined_name_here\n",
        "with torch.no_grad():\n    y = torch.ones(2) @ torch.ones(3)\n",
    ],
)
def test_grad_mode_is_restored(source: str) -> None:
    assert torch.is_grad_enabled()
    with contextlib.suppress(GradtraceError):
        run(source)
    assert torch.is_grad_enabled()


def test_inputs_are_bound_and_free_names_listed() -> None:
    from gradtrace.config import Limits
    from gradtrace.sandbox import parse_program

    program = parse_program("y = w * x + b\nz = y.sum()\nq = w", Limits())
    assert program.free_names == ("w", "x", "b")
    names = run(program.source, {"w": torch.ones(2), "x": torch.ones(2) * 2, "b": torch.zeros(2)}).names
    assert list(names) == ["y", "z", "q"]
    assert names["z"].item() == 4.0  # type: ignore[attr-defined]


def test_observer_sees_lines_and_bindings_in_order() -> None:
    from gradtrace.config import Limits
    from gradtrace.sandbox import parse_program, run_program

    source = "a = 1\nfor i in range(2):\n    b, c = i, a\ndef f(p):\n    q = p\n    return q\nd = f(3)"
    observer = RecordingObserver()
    run_program(parse_program(source, Limits()), {}, Limits(), observer)
    assert observer.events == [
        ("line", 1),
        ("bound", "a"),
        ("line", 2),
        ("bound", "i"),
        ("line", 3),
        ("bound", "b"),
        ("bound", "c"),
        ("bound", "i"),
        ("line", 3),
        ("bound", "b"),
        ("bound", "c"),
        ("line", 4),
        ("line", 7),
        ("line", 5),
        ("bound", "q"),
        ("line", 6),
        ("bound", "d"),
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("if False:\n    q = 1\nprint(q)", "line 3: NameError: name 'q' is not defined"),
        ("def f():\n    v = v + 1\nf()", "line 2: UnboundLocalError"),
        ("a, b = [1, 2, 3]", "line 1: ValueError: too many values to unpack (expected 2)"),
        ("x = 1 / 0", "line 1: ZeroDivisionError: division by zero"),
        (
            "x = torch.ones(2, requires_grad=True)\ny = (x * x).sum()\ny.backward()\ny.backward()",
            "line 4: RuntimeError: Trying to backward through the graph a second time",
        ),
        (
            "def f(a):\n    return a\nf(1, 2)",
            "line 3: TypeError: f() takes 1 positional argument but 2 were given",
        ),
        ("d = {}\nd['k']", "line 2: KeyError: 'k'"),
        (
            "x = torch.ones(2, 3) @ torch.ones(2, 3)",
            "line 1: RuntimeError: mat1 and mat2 shapes cannot be multiplied",
        ),
    ],
)
def test_runtime_errors_read_like_python(source: str, message: str) -> None:
    from gradtrace.errors import GradtraceError

    with pytest.raises(GradtraceError) as info:
        run(source)
    assert info.value.kind == "runtime"
    assert str(info.value).startswith(message)


def test_printing_namespaces_and_functions_hides_internals() -> None:
    out = run("def f():\n    pass\nprint(torch, nn, F, math, f, print)").stdout
    assert out == (
        "<module 'torch'> <module 'torch.nn'> <module 'torch.nn.functional'> <module 'math'> "
        "<function f> <built-in function print>\n"
    )


def test_type_of_functions_classes_and_modules_names_what_python_names() -> None:
    source = (
        "import random\ndef f():\n    pass\nclass A:\n    def m(self):\n        pass\n"
        "print(type(print), type(torch.ones), type(torch.ones(1).add), type(f), type(lambda: 1))\n"
        "print(type(A), type(A().m), type(A()).__name__, type(torch), type(random), type([x for x in range(2)]))"
    )
    out = run(source).stdout
    assert "gradtrace" not in out
    assert out == (
        "<class 'builtin_function_or_method'> <class 'builtin_function_or_method'> "
        "<class 'builtin_function_or_method'> <class 'function'> <class 'function'>\n"
        "<class 'type'> <class 'method'> A <class 'module'> <class 'module'> <class 'list'>\n"
    )


def test_attribute_of_none_is_python_attribute_error() -> None:
    with pytest.raises(GradtraceError) as info:
        run("x = torch.ones(2)\ny = x.grad_fn.next_functions")
    assert info.value.kind == "runtime"
    assert str(info.value) == "line 2: AttributeError: 'NoneType' object has no attribute 'next_functions'"
