"""Printed object reprs show stand-in addresses: the same request prints the same text, and a program
learns nothing of where the worker's heap lies."""

from __future__ import annotations

import re

from gradtrace import pipeline

PROGRAM = """
x = torch.ones(2, requires_grad=True)
y = (x * 2).sum()
print(y.grad_fn)
print(y.grad_fn.next_functions)
print(y.grad_fn.next_functions[0][0].next_functions)
print(y.grad_fn)
y.grad_fn
"""


def addresses(text: str) -> list[str]:
    return re.findall(r" at (0x[0-9a-f]+)>", text)


def test_reprs_print_the_same_stand_ins_every_run() -> None:
    first, second = pipeline.run(PROGRAM), pipeline.run(PROGRAM)
    assert first.stdout == second.stdout
    shown = addresses(first.stdout)
    assert len(shown) == 4
    assert shown[0] == shown[-1]  # one object, one stand-in
    assert len(set(shown)) == 3
    assert all(int(a, 16) >= 0x7F5A00001000 for a in shown)


def test_bare_expressions_show_the_same_stand_ins_as_print() -> None:
    result = pipeline.run(PROGRAM)
    [echo] = result.outputs
    assert addresses(echo.text) == addresses(result.stdout)[:1]
