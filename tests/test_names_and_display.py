"""Names and display as a learner reads them: leaf and parameter names, bare expression lines shown
as a notebook shows them, typo hints, and what ran before a runtime error."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from gradtrace.errors import GradtraceError
from gradtrace.pipeline import run
from gradtrace.result import Result, result_to_json


def leaf_names(result: Result, graph: int = -1) -> list[str | None]:
    return sorted((n.name for n in result.graphs[graph].graph.nodes if n.kind == "leaf"), key=str)


# --- 1. a leaf is named where it was bound, whatever its requires_grad then -----------------------


def program(*lines: str) -> str:
    return "\n".join(lines) + "\n"


LEAF_CASES = [
    ("d2l: requires_grad_ after arange",
     program("x = torch.arange(4.0)", "x.requires_grad_(True)", "y = 2 * torch.dot(x, x)", "y.backward()"), ["x"]),
    ("micrograd: attribute assignment",
     program("x = torch.tensor(2.0)", "x.requires_grad = True", "y = x * x", "y.backward()"), ["x"]),
    ("requires_grad_() without argument",
     program("x = torch.tensor(2.0)", "x.requires_grad_()", "y = x.exp()", "y.backward()"), ["x"]),
    ("double() then requires_grad",
     program("x1 = torch.tensor([2.0]).double()", "x1.requires_grad = True", "w = torch.tensor([-3.0]).double()",
             "w.requires_grad = True", "n = x1 * w", "n.backward()"), ["w", "x1"]),
    ("requires_grad_ inside a function, named at top level",
     program("def make(n):", "    w = torch.ones(n)", "    w.requires_grad_()", "    return w", "a = make(3)",
             "(a * 2).sum().backward()"), ["a"]),
    ("requires_grad_ inside a function, only a local name",
     program("def make(n):", "    w = torch.ones(n)", "    w.requires_grad_()", "    return [w]", "params = make(3)",
             "(params[0] * 2).sum().backward()"), ["w"]),
    ("made inside a list, bound later",
     program("params = [torch.tensor(1.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)]",
             "a, b = params", "(a * b).backward()"), ["a", "b"]),
    ("w.data updates keep the name",
     program("w = torch.randn(3)", "w.requires_grad_(True)", "for i in range(2):", "    loss = (w * w).sum()",
             "    loss.backward()", "    w.data = w.data - 0.1 * w.grad", "    w.grad.zero_()"), ["w"]),
    ("a second name keeps the first",
     program("x = torch.ones(2)", "y = x", "y.requires_grad_()", "(y * 3).sum().backward()"), ["x"]),
    ("a loop variable names only the tensor it holds at backward()",
     program("ws = [torch.ones(1) for _ in range(2)]", "for w in ws:", "    w.requires_grad_()",
             "(ws[0] * ws[1]).backward()"), [None, "w"]),
    ("makemore: `for p in parameters: p.grad = None` names only the last parameter `p`",
     program("params = [torch.randn(3), torch.randn(2), torch.randn(1)]", "for p in params:",
             "    p.requires_grad = True", "for p in params:", "    p.grad = None",
             "(params[0].sum() * params[1].sum() * params[2]).backward()"), [None, None, "p"]),
    ("a loop variable moved on to a number no longer names the tensor",
     program("ws = [torch.ones(1, requires_grad=True) for _ in range(2)]", "for w in ws:", "    pass",
             "w = 3", "(ws[0] * ws[1]).backward()"), [None, None]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in LEAF_CASES], ids=[c[0] for c in LEAF_CASES])
def test_leaf_is_named_after_its_variable(source: str, expected: list[str]) -> None:
    result = run(source)
    assert leaf_names(result) == expected
    assert all(graph.graph.nodes for graph in result.graphs)


def test_a_loop_variable_names_each_leaf_it_held_at_that_backward() -> None:
    source = program("ws = [torch.ones(2) * k for k in range(2)]", "for w in ws:", "    w.requires_grad_()",
                     "    (w * w).sum().backward()")  # fmt: skip
    result = run(source)
    assert [leaf_names(result, graph) for graph in (0, 1)] == [["w"], ["w"]]


def test_named_leaf_keeps_the_line_it_was_bound_on() -> None:
    result = run("x = torch.arange(4.0)\nx.requires_grad_(True)\ny = 2 * torch.dot(x, x)\ny.backward()")
    [x] = [n for n in result.graphs[0].graph.nodes if n.kind == "leaf"]
    assert x.line == 1


# --- 2. parameters are named by their module path --------------------------------------------------

NET = textwrap.dedent("""\
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 2)
            self.fc2 = nn.Linear(2, 1)

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))

    """)

PARAMETER_CASES = [
    ("Sequential, loop over named_parameters",
     program("model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))",
             "for name, p in model.named_parameters():", "    print(name, p.shape)",
             "loss = model(torch.ones(1, 2)).sum()", "loss.backward()"),
     ["model.0.bias", "model.0.weight", "model.2.bias", "model.2.weight"]),
    ("a direct top-level name beats the module path",
     program("model = nn.Sequential(nn.Linear(2, 1))", "w1 = model[0].weight",
             "loss = model(torch.ones(1, 2)).sum()", "loss.backward()"),
     ["model.0.bias", "w1"]),
    ("user nn.Module subclass, loop over parameters()",
     NET + program("model = Net()", "for p in model.parameters():", "    pass",
                   "loss = model(torch.ones(1, 2)).sum()", "loss.backward()"),
     ["model.fc1.bias", "model.fc1.weight", "model.fc2.bias", "model.fc2.weight"]),
    ("module path beats a name inside a function",
     program("def show(m):", "    w = m.weight", "    return w.shape", "layer = nn.Linear(2, 1)", "show(layer)",
             "layer(torch.ones(1, 2)).sum().backward()"),
     ["layer.bias", "layer.weight"]),
    ("LPWE nn: an in-place update of the loop variable does not rename parameters",
     program("model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))", "xx = torch.ones(4, 3)",
             "for t in range(2):", "    loss = model(xx).sum()", "    model.zero_grad()", "    loss.backward()",
             "    with torch.no_grad():", "        for param in model.parameters():",
             "            param -= 1e-3 * param.grad"),
     ["model.0.bias", "model.0.weight"]),
    ("a layer put in after binding is named by its path (blitz: model[2] = nn.Linear(16, 3))",
     program("model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))", "model[2] = nn.Linear(3, 2)",
             "model(torch.ones(1, 2)).sum().backward()"),
     ["model.0.bias", "model.0.weight", "model.2.bias", "model.2.weight"]),
    ("a loop over a plain list of layers names only the layer it holds at backward()",
     program("layers = [nn.Linear(2, 2), nn.Linear(2, 1)]", "x = torch.ones(1, 2)", "for layer in layers:",
             "    x = layer(x)", "x.sum().backward()"),
     [None, None, "layer.bias", "layer.weight"]),
    ("makemore's own classes: parameters drawn under the attribute they were made as",
     program("class Linear:", "    def __init__(self, fan_in, fan_out):",
             "        self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5",
             "        self.bias = torch.zeros(fan_out)", "    def __call__(self, x):",
             "        return x @ self.weight + self.bias", "    def parameters(self):",
             "        return [self.weight, self.bias]",
             "layers = [Linear(2, 3), Linear(3, 1)]",
             "parameters = [p for layer in layers for p in layer.parameters()]",
             "for p in parameters:", "    p.requires_grad = True", "x = torch.ones(1, 2)", "for layer in layers:",
             "    x = layer(x)", "for p in parameters:", "    p.grad = None", "x.sum().backward()"),
     ["self.bias", "self.bias", "self.weight", "self.weight"]),
    ("an attribute set at top level on the program's own object",
     program("class Box:", "    pass", "box = Box()", "box.w = torch.ones(2, requires_grad=True)",
             "(box.w * 2).sum().backward()"),
     ["box.w"]),
    ("a loop over modules does not rename their parameters",
     program("model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))", "for layer in model:", "    print(layer)",
             "model(torch.ones(1, 2)).sum().backward()"),
     ["model.0.bias", "model.0.weight", "model.1.bias", "model.1.weight"]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in PARAMETER_CASES], ids=[c[0] for c in PARAMETER_CASES])
def test_parameters_are_named_by_module_path(source: str, expected: list[str]) -> None:
    assert leaf_names(run(source)) == expected


# --- 3. bare expression lines show their value, as a notebook does ---------------------------------

# The autograd tutorial's cells, as one program ending each cell with a bare expression.
TUTORIAL_CELLS = textwrap.dedent("""\
    x = torch.ones(2, 2, requires_grad=True)
    x
    y = x + 2
    y
    y.grad_fn.name()
    z = y * y * 3
    out = z.mean()
    z, out
    print("printed", out.item())
    out.backward()
    x.grad
    "a bare string is a comment"
    for i in range(2):
        i
    def f():
        3
    f()
    x.grad is None
    [t.shape for t in (x, y)]
    """)

# Real Python + PyTorch: run the module body statement by statement and repr each top-level
# expression statement's value that is not None (what a notebook shows at the end of a cell).
REFERENCE = textwrap.dedent("""\
    import ast, contextlib, io, json, math, sys
    import torch, torch.nn as nn, torch.nn.functional as F
    torch.manual_seed(0)
    source = sys.stdin.read()
    names = {"torch": torch, "nn": nn, "F": F, "math": math}
    shown, printed = [], io.StringIO()
    with contextlib.redirect_stdout(printed):
        for stmt in ast.parse(source).body:
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), "<cell>", "eval"), names)
                is_text = isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
                if value is not None and not is_text:
                    shown.append({"line": stmt.lineno, "text": repr(value), "at": len(printed.getvalue())})
            else:
                exec(compile(ast.Module([stmt], []), "<cell>", "exec"), names)
    json.dump({"outputs": shown, "stdout": printed.getvalue()}, sys.stdout)
    """)


def reference_outputs(source: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", REFERENCE], input=source, capture_output=True, text=True, timeout=120, check=True
    )
    reference: dict[str, object] = json.loads(done.stdout)
    return reference


def test_bare_expressions_show_what_real_pytorch_shows() -> None:
    answer = result_to_json(run(TUTORIAL_CELLS))
    reference = reference_outputs(TUTORIAL_CELLS)
    assert answer["outputs"] == reference["outputs"]
    assert answer["stdout"] == reference["stdout"] == "printed 27.0\n"  # print output as it was
    lines = [o["line"] for o in answer["outputs"]]
    assert lines == [2, 4, 5, 8, 11, 18, 19]  # not the backward() call, the string, the loop or f's body
    assert answer["outputs"][3]["text"].startswith("(tensor([[27., 27.],")


def test_bare_expressions_keep_their_place_among_printed_lines() -> None:
    source = "print('a')\n1 + 1\nprint('b')\n'x' * 2\n"
    answer = result_to_json(run(source))
    assert answer["stdout"] == "a\nb\n"
    assert answer["outputs"] == [{"line": 2, "text": "2", "at": 2}, {"line": 4, "text": "'xx'", "at": 4}]
    assert answer["outputs"] == reference_outputs(source)["outputs"]


def test_plotting_calls_show_nothing_but_their_warning() -> None:
    result = run("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\n3 * 2\n")
    assert [(o.line, o.text) for o in result.outputs] == [(4, "6")]
    assert any("plots are not drawn" in w for w in map(str, result.warnings))


def test_bare_expression_text_counts_against_the_output_limit() -> None:
    from gradtrace.config import Limits

    with pytest.raises(GradtraceError) as info:
        run("x = torch.zeros(400)\nx\nx\nx\n", limits=Limits(max_stdout_chars=1500))
    assert info.value.kind == "limit" and "printed more than 1500" in info.value.message


# --- 4. typos --------------------------------------------------------------------------------------


def test_free_name_close_to_an_assigned_one_is_called_a_typo_and_stays_an_input() -> None:
    result = run("y = torch.tensor(2.0, requires_grad=True)\nz = yy * 3\nz.backward()")
    assert "`yy` is never assigned; did you mean `y`?" in str(result.warnings[0])
    assert result.inputs == {"yy": 1.0}  # still an input, as the design card promises
    assert "yy" in leaf_names(result)


@pytest.mark.parametrize(
    "source",
    [
        "y = x * 2\ny.backward()",  # one letter apart, but `x` is a single letter: an input, no hint
        "w = torch.ones(1, requires_grad=True)\nloss = (w * inp).sum()\nloss.backward()",  # not `int`
        "w = torch.ones(1, requires_grad=True)\nloss = (w * data).sum()\nloss.backward()",
    ],
)
def test_a_plain_input_gets_no_typo_hint(source: str) -> None:
    assert not any("did you mean" in w for w in map(str, run(source).warnings))


def test_a_given_input_gets_no_typo_hint() -> None:
    result = run("y = torch.tensor(2.0)\nz = yy * 3\nz.backward()", {"yy": 2.0})
    assert not any("yy" in w for w in map(str, result.warnings))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = torch.ones(2)\nprnt(x)", "line 2: NameError: name 'prnt' is not defined. Did you mean: 'print'?"),
        (
            "x = torch.ones(2)\ny = sigmod(x)",
            "line 2: NameError: name 'sigmod' is not defined. Did you mean: 'torch.sigmoid'?",
        ),
        (
            "def forward(a):\n    return a\nforwrd(2)",
            "line 3: NameError: name 'forwrd' is not defined. Did you mean: 'forward'?",
        ),
        ("y = f(2)", "line 1: NameError: name 'f' is not defined"),
    ],
)
def test_a_free_name_that_is_only_called_is_a_name_error_with_a_hint(source: str, message: str) -> None:
    """An input is a tensor, which can never be called: such a name fails where Python fails, and
    says what Python 3.12 says, offering torch's functions too."""
    with pytest.raises(GradtraceError) as info:
        run(source)
    assert info.value.kind == "runtime" and str(info.value) == message


def test_a_free_name_read_and_called_stays_an_input() -> None:
    with pytest.raises(GradtraceError) as info:
        run("y = x * 2\nz = x(3)")
    assert "'Tensor' object is not callable" in info.value.message
    assert isinstance(info.value.partial, Result) and info.value.partial.inputs == {"x": 1.0}


NOT_IN_PYTORCH = "is not available here: it does not exist in PyTorch"
NOT_RUN = "is not available here: it exists in PyTorch but gradtrace does not run it"

ATTRIBUTE_CASES = [
    ("x = torch.ones(2, requires_grad=True)\ny = x.sigmod()", 2,
     f"`x.sigmod` {NOT_IN_PYTORCH}; did you mean `sigmoid`?"),
    ("y = torch.one(3)", 1, f"`torch.one` {NOT_IN_PYTORCH}; did you mean `ones`?"),
    ("y = F.gelu2(torch.ones(2))", 1, f"`F.gelu2` {NOT_IN_PYTORCH}; did you mean `gelu`?"),
    ("m = nn.Linea(2, 3)", 1, f"`nn.Linea` {NOT_IN_PYTORCH}; did you mean `Linear`?"),
    ("y = torch.fft.fft(torch.ones(2))", 1, f"`torch.fft` {NOT_RUN}"),
    ("x = torch.ones(2)\ns = x.storage()", 2, f"`x.storage` {NOT_RUN}"),
    ("m = nn.Linear(2, 2)\nm.zero_grads()", 2, f"`m.zero_grads` {NOT_IN_PYTORCH}; did you mean `zero_grad`?"),
    ("y = math.sqr(2.0)", 1, "`math.sqr` is not available here: it does not exist in Python's math; did you mean"),
    # Found missing at run time (getattr), where the value's kind is known.
    ("x = torch.ones(2)\ny = getattr(x, 'sigmod')", 2, "it does not exist in PyTorch; did you mean `sigmoid`?"),
    ("x = torch.ones(2)\ny = getattr(x, 'storage')", 2, "it exists in PyTorch but gradtrace does not run it"),
    ("y = getattr(torch, 'one')", 1, "it does not exist in PyTorch; did you mean `ones`?"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "line", "message"), ATTRIBUTE_CASES, ids=[c[2][:40] for c in ATTRIBUTE_CASES])
def test_unknown_attribute_says_whether_pytorch_has_it_and_what_was_meant(source: str, line: int, message: str) -> None:
    with pytest.raises(GradtraceError) as info:
        run(source)
    assert info.value.kind == "forbidden" and info.value.line == line
    assert message in str(info.value)


# --- 5. a runtime error keeps what ran -------------------------------------------------------------

SHAPE_MISMATCH = textwrap.dedent("""\
    x = torch.ones(3, requires_grad=True)
    y = (x * 2).sum()
    y
    print("before")
    y.backward()
    z = torch.ones(2) + x
    """)


def test_runtime_error_carries_the_graphs_that_ran() -> None:
    with pytest.raises(GradtraceError) as info:
        run(SHAPE_MISMATCH)
    error = info.value
    assert error.kind == "runtime" and error.line == 6
    assert "The size of tensor a (2) must match the size of tensor b (3)" in error.message
    assert isinstance(error.partial, Result)
    partial = result_to_json(error.partial)
    [graph] = partial["graphs"]
    assert graph["root"] == "y"
    [x] = [n for n in graph["nodes"] if n["kind"] == "leaf"]
    assert x["name"] == "x" and x["grad"] == [2.0, 2.0, 2.0]
    assert partial["stdout"] == "before\n"
    assert [o["line"] for o in partial["outputs"]] == [3]
    assert set(partial["variables"]) == {"x", "y"}


def test_runtime_error_without_backward_draws_below_the_last_tensor_with_a_grad_fn() -> None:
    with pytest.raises(GradtraceError) as info:
        run("a = torch.tensor(2.0, requires_grad=True)\nb = a * 3\nc = b @ torch.ones(2)")
    assert info.value.line == 3
    partial = info.value.partial
    assert isinstance(partial, Result)
    assert [g.graph.root for g in partial.graphs] == ["b"]
    assert any("back-propagated from `b`" in w for w in map(str, partial.warnings))


@pytest.mark.parametrize(
    "source",
    [
        "x = torch.ones(2)\ny = x.sigmod()",  # refused before running: nothing ran
        "x = torch.ones(2\n",  # syntax
    ],
)
def test_errors_before_anything_ran_carry_nothing(source: str) -> None:
    with pytest.raises(GradtraceError) as info:
        run(source)
    assert info.value.partial is None


def test_asking_pytorch_whether_it_has_a_name_imports_nothing() -> None:
    """`torch.onnx` exists in PyTorch but is imported lazily: the refusal finds it on disk without
    importing it (a program must not make the worker import modules)."""
    script = textwrap.dedent("""\
        import sys
        from gradtrace.errors import GradtraceError
        from gradtrace.pipeline import run
        try:
            run("y = torch.onnx.export(1)")
        except GradtraceError as error:
            print(error)
        print("torch.onnx" in sys.modules)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    refusal, imported = done.stdout.splitlines()
    assert refusal == "line 1: `torch.onnx` is not available here: it exists in PyTorch but gradtrace does not run it"
    assert imported == "False"
