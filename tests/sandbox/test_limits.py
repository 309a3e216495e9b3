"""Hostile programs cost the attacker: every limit stops them quickly with kind `limit`."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import torch
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError

from tests.sandbox.helpers import run

SMALL = replace(Limits(), max_steps=20_000)

# (source, text the message must contain)
CASES: list[tuple[str, str]] = [
    ("while True:\n    pass", "more than 20000 steps"),
    ("def f(n):\n    return f(n + 1)\nf(0)", "call each other more than"),
    ("x = torch.ones(10**10)", "10000000000 elements"),
    ("x = torch.zeros((100000, 100000))", "elements"),
    ("x = torch.full([10**6, 10**6], 1.0)", "elements"),
    ("x = torch.randn(size=(10**5, 10**5))", "elements"),
    ("x = torch.randint(0, 5, (10**5, 10**5))", "elements"),
    ("x = torch.arange(0, 10**12)", "elements"),
    ("x = torch.linspace(0, 1, 10**12)", "elements"),
    ("x = torch.randperm(10**10)", "elements"),
    ("x = torch.eye(10**6)", "elements"),
    ("x = torch.ones(3).expand(10**6, 10**6)", "elements"),
    ("x = torch.ones(3).repeat(10**6, 10**6)", "elements"),
    ("x = F.one_hot(torch.zeros(10**3, dtype=torch.long), 10**6)", "elements"),
    ("x = F.one_hot(torch.tensor([0, 5000000]))", "elements"),
    ("x = torch.ones(20000, 2) @ torch.ones(2, 20000)", "elements"),
    ("x = torch.mm(torch.ones(20000, 2), torch.ones(2, 20000))", "elements"),
    ("x = torch.ones(20000, 2).matmul(torch.ones(2, 20000))", "elements"),
    ("x = torch.bmm(torch.ones(10, 20000, 2), torch.ones(10, 2, 2000))", "elements"),
    ("x = torch.outer(torch.ones(10**4), torch.ones(10**4))", "elements"),
    ("a = torch.ones(10**4, 1)\nb = a + a.t()", "elements"),
    ("s = 'a' * 10**9", "sequence"),
    ("s = [0] * 10**9", "sequence"),
    ("s = list(range(10**9))", "sequence"),
    ("s = [i for i in range(10**9)]", "sequence"),
    ("s = []\nfor i in range(10**9):\n    s.append(i)", "steps"),
    ("s = 'ab'.ljust(10**9)", "sequence"),
    ("a = ['x' * 1000] * 1000\nb = [a] * 1000\ns = repr(b)", "longer than"),
    ("s = f'{1:>1000000000}'", "too long"),
    ("n = 2 ** 10 ** 10", "bits"),
    ("n = 1 << 10**6", "bits"),
    ("n = 10**70 * 10**70", "bits"),
    ("a = ['x' * 1000] * 1000\nb = [a] * 1000\nprint(b)", "longer than"),
    ("for i in range(10**4):\n    print('x' * 1000)", "printed more than"),
]


@pytest.mark.parametrize(("source", "text"), CASES, ids=[c[0][:40] for c in CASES])
def test_limit_stops_program_fast(source: str, text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(GradtraceError) as info:
        run(source, limits=SMALL)
    assert time.perf_counter() - start < 1.0
    assert info.value.kind == "limit"
    assert text in info.value.message
    assert info.value.line is not None


def test_limit_leaves_grad_mode_restored() -> None:
    with pytest.raises(GradtraceError):
        run("with torch.no_grad():\n    while True:\n        pass", limits=SMALL)
    assert torch.is_grad_enabled()


@pytest.mark.parametrize(
    "source",
    [
        "(" * 5000 + ")" * 5000,
        "[" * 200 + "]" * 200,
        "x = " + "-" * 5000 + "1",
        "x = " + "+".join(["1"] * 6000),
        "x = " + "a." * 3000 + "b",
    ],
    ids=["parens", "brackets", "unary", "long-sum", "attribute-chain"],
)
def test_deep_nesting_is_a_limit_not_a_crash(source: str) -> None:
    with pytest.raises(GradtraceError) as info:
        run(source)
    assert info.value.kind == "limit"


def test_source_over_max_chars_is_refused_before_parsing() -> None:
    limits = Limits()
    with pytest.raises(GradtraceError) as info:
        run("x = 1\n" * (limits.max_source_chars // 6 + 1))
    assert info.value.kind == "limit"
    assert str(limits.max_source_chars) in info.value.message


def test_too_many_nodes_is_a_limit() -> None:
    with pytest.raises(GradtraceError) as info:
        run("x = [" + "1, " * 25_000 + "]", limits=replace(Limits(), max_source_chars=100_000))
    assert info.value.kind == "limit"


def test_recursion_within_the_limit_works() -> None:
    assert run("def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nr = f(30)").names == {"r": 30}
