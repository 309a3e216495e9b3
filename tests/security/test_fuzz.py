"""Property-based fuzzing: no source text, AST or request body makes anything but a GradtraceError
escape pipeline.run, or makes the service answer 5xx.

Programs are built as ASTs from the supported grammar plus forbidden nodes and names, then
`ast.unparse`d. `make fuzz` runs the same properties with the `long` hypothesis profile.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from hypothesis import assume, given
from hypothesis import strategies as st

# Small limits: fuzzing runs in the test process, without a worker's memory cap.
FUZZ_LIMITS = Limits(
    max_steps=3_000,
    max_tensor_elements=20_000,
    max_live_elements=200_000,
    max_sequence_length=2_000,
    max_stdout_chars=5_000,
    max_graph_nodes=300,
    max_live_autograd_nodes=2_000,
    max_drawn_nodes=600,
    max_graphs=3,
)
NAMES = [
    "x",
    "y",
    "w",
    "torch",
    "F",
    "nn",
    "math",
    "print",
    "range",
    "len",
    "sum",
    "list",
    "open",
    "eval",
    "_hidden",
    "__import__",
    "getattr",
    "type",
    "GRADTRACE_CANARY",
]
ATTRIBUTES = [
    "ones",
    "zeros",
    "randn",
    "tensor",
    "sum",
    "mean",
    "backward",
    "grad",
    "grad_fn",
    "relu",
    "shape",
    "T",
    "view",
    "expand",
    "repeat",
    "tolist",
    "item",
    "pi",
    "sqrt",
    "data",
    "next_functions",
    "name",
    "append",
    "join",
    "__class__",
    "__dict__",
    "_C",
    "os",
    "hub",
    "save",
    "register_hook",
    "format",
]
BIN_OPS = [
    ast.Add(),
    ast.Sub(),
    ast.Mult(),
    ast.Div(),
    ast.Pow(),
    ast.MatMult(),
    ast.Mod(),
    ast.LShift(),
    ast.FloorDiv(),
    ast.BitOr(),
]


def load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


constants = st.one_of(
    st.integers(-3, 12),
    st.sampled_from([0.5, -1.5, 1e308, float("inf"), 10**9, 2**70]),
    st.text(max_size=6),
    st.sampled_from([True, None, "%s", "{0.__class__}", "\\ud800"]),
).map(lambda v: ast.Constant(value=v))


def extend_expressions(inner: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
    return st.one_of(
        st.builds(lambda v, a: ast.Attribute(value=v, attr=a, ctx=ast.Load()), inner, st.sampled_from(ATTRIBUTES)),
        st.builds(lambda f, args: ast.Call(func=f, args=args, keywords=[]), inner, st.lists(inner, max_size=3)),
        st.builds(
            lambda f, a, k, v: ast.Call(func=f, args=[a], keywords=[ast.keyword(arg=k, value=v)]),
            inner,
            inner,
            st.sampled_from(["requires_grad", "dim", "dtype", "size", "_x"]),
            inner,
        ),
        st.builds(lambda a, op, b: ast.BinOp(left=a, op=op, right=b), inner, st.sampled_from(BIN_OPS), inner),
        st.builds(lambda v: ast.UnaryOp(op=ast.USub(), operand=v), inner),
        st.builds(lambda a, b: ast.Compare(left=a, ops=[ast.Lt()], comparators=[b]), inner, inner),
        st.builds(lambda v, i: ast.Subscript(value=v, slice=i, ctx=ast.Load()), inner, inner),
        st.builds(lambda items: ast.List(elts=items, ctx=ast.Load()), st.lists(inner, max_size=3)),
        st.builds(lambda items: ast.Tuple(elts=items, ctx=ast.Load()), st.lists(inner, max_size=3)),
        st.builds(lambda k, v: ast.Dict(keys=[k], values=[v]), inner, inner),
        st.builds(
            lambda e, it: ast.ListComp(
                elt=e,
                generators=[ast.comprehension(target=ast.Name(id="i", ctx=ast.Store()), iter=it, ifs=[], is_async=0)],
            ),
            inner,
            inner,
        ),
        st.builds(lambda a, b, c: ast.IfExp(test=a, body=b, orelse=c), inner, inner, inner),
        st.builds(
            lambda v: ast.JoinedStr(values=[ast.FormattedValue(value=v, conversion=-1, format_spec=None)]), inner
        ),
        # Forbidden expression kinds: refused by name, never run.
        st.builds(
            lambda v: ast.Lambda(
                args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=v
            ),
            inner,
        ),
        st.builds(lambda v: ast.NamedExpr(target=ast.Name(id="q", ctx=ast.Store()), value=v), inner),
        st.builds(lambda v: ast.Set(elts=[v]), inner),
    )


expressions = st.recursive(st.one_of(constants, st.sampled_from(NAMES).map(load)), extend_expressions, max_leaves=12)
targets = st.sampled_from(["x", "y", "w", "z", "_t"]).map(lambda n: ast.Name(id=n, ctx=ast.Store()))


def extend_statements(inner: st.SearchStrategy[list[ast.stmt]]) -> st.SearchStrategy[list[ast.stmt]]:
    block = inner.filter(bool)
    compound = st.one_of(
        st.builds(lambda t, b, o: ast.If(test=t, body=b, orelse=o), expressions, block, inner),
        st.builds(
            lambda n, b: ast.For(
                target=ast.Name(id="i", ctx=ast.Store()),
                iter=ast.Call(func=load("range"), args=[ast.Constant(n)], keywords=[]),
                body=b,
                orelse=[],
            ),
            st.integers(0, 30),
            block,
        ),
        st.builds(lambda t, b: ast.While(test=t, body=[*b, ast.Break()], orelse=[]), expressions, block),
        st.builds(
            lambda b, r: ast.FunctionDef(
                name="f",
                args=ast.arguments(posonlyargs=[], args=[ast.arg(arg="a")], kwonlyargs=[], kw_defaults=[], defaults=[]),
                body=[*b, ast.Return(value=r)],
                decorator_list=[],
                returns=None,
                type_params=[],
            ),
            block,
            expressions,
        ),
        st.builds(
            lambda b: ast.With(
                items=[
                    ast.withitem(
                        context_expr=ast.Call(
                            func=ast.Attribute(value=load("torch"), attr="no_grad", ctx=ast.Load()),
                            args=[],
                            keywords=[],
                        ),
                        optional_vars=None,
                    )
                ],
                body=b,
            ),
            block,
        ),
        st.builds(lambda b: ast.Try(body=b, handlers=[], orelse=[], finalbody=[ast.Pass()]), block),
    )
    return st.lists(st.one_of(simple_statement, compound), min_size=1, max_size=4)


simple_statement = st.one_of(
    st.builds(lambda t, v: ast.Assign(targets=[t], value=v), targets, expressions),
    st.builds(lambda v: ast.Expr(value=v), expressions),
    st.builds(lambda t, v: ast.AugAssign(target=t, op=ast.Add(), value=v), targets, expressions),
    st.builds(lambda m: ast.Import(names=[ast.alias(name=m)]), st.sampled_from(["torch", "math", "os", "torch.hub"])),
    st.just(ast.Delete(targets=[ast.Name(id="x", ctx=ast.Del())])),
    st.builds(lambda v: ast.Assert(test=v, msg=None), expressions),
    st.just(ast.Global(names=["x"])),
)
programs = st.recursive(st.lists(simple_statement, min_size=1, max_size=4), extend_statements, max_leaves=8)
PRELUDE = "x = torch.ones(2, 2, requires_grad=True)\nw = torch.randn(2, requires_grad=True)\n"


def only_gradtrace_errors(source: str, inputs: dict[str, Any] | None = None) -> None:
    try:
        pipeline.run(source, inputs or {}, None, FUZZ_LIMITS)
    except GradtraceError as exc:
        assert exc.kind in ("syntax", "forbidden", "limit", "runtime", "render", "request"), exc
        json.dumps(exc.to_dict()).encode("utf-8")  # every message encodes


@given(programs)
def test_generated_programs_raise_only_gradtrace_errors(body: list[ast.stmt]) -> None:
    module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    try:
        source = ast.unparse(module)
    except ValueError:  # Python 3.11 cannot unparse a backslash inside an f-string expression
        assume(False)
    only_gradtrace_errors(PRELUDE + source)


@given(st.text(max_size=300))
def test_random_text_raises_only_gradtrace_errors(source: str) -> None:
    only_gradtrace_errors(source)


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_gradtrace_errors(raw: bytes) -> None:
    only_gradtrace_errors(raw.decode("utf-8", "surrogateescape"))


@given(
    st.lists(
        st.sampled_from(
            [
                "x",
                "=",
                "(",
                ")",
                "[",
                "]",
                "torch",
                ".",
                "ones",
                "1",
                "\n",
                "    ",
                ":",
                "for",
                "in",
                "range",
                "if",
                "def",
                "return",
                "*",
                "**",
                "lambda",
                "__class__",
                "'",
                "f'{",
                "}",
                ",",
                "backward",
                "grad",
                "while",
                "True",
            ]
        ),
        max_size=40,
    )
)
def test_token_soup_raises_only_gradtrace_errors(tokens: list[str]) -> None:
    only_gradtrace_errors(" ".join(tokens))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=15,
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"code": st.one_of(st.text(max_size=60), json_values)}, optional={"inputs": json_values, "options": json_values}
    ),
    st.fixed_dictionaries(
        {
            "code": st.just("y = (x * w).sum()"),
            "inputs": st.dictionaries(st.sampled_from(["x", "w", "q"]), json_values, max_size=3),
        }
    ),
)


@given(bodies)
def test_random_json_bodies_never_answer_5xx(app_client: TestClient, body: Any) -> None:
    response = app_client.post("/api/graph", content=json.dumps(body), headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text[:500]
    parsed = json.loads(response.text)
    assert response.status_code == 200 or parsed["error"]["type"] in (
        "syntax",
        "forbidden",
        "limit",
        "timeout",
        "runtime",
        "render",
        "request",
    )


@given(st.binary(max_size=200))
def test_random_body_bytes_never_answer_5xx(app_client: TestClient, raw: bytes) -> None:
    response = app_client.post("/api/graph", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text[:500]
