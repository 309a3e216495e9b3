"""Bare expression lines show their value, as a notebook cell does (`x`, `z, out`, `x.grad`).

Only statements of the module body itself are shown, each in the order it ran; an expression
inside a loop or a function shows nothing, as in a Python script. A value of None shows
nothing (`out.backward()`, `print(...)`, `opt.step()`), as in Jupyter. A bare string is a
comment or a docstring to the learner, so it shows nothing either, and nor does a plotting call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from .builtins import to_text
from .plotting import PlotStandIn


@dataclass(frozen=True)
class Echo:
    """The repr of one bare expression's value, with its line."""

    line: int
    text: str
    at: int  # characters printed before it: where it stands among what print() wrote


def echoed_statements(tree: ast.Module) -> frozenset[ast.stmt]:
    """The module body's bare expression statements, bare strings left out."""
    return frozenset(
        stmt
        for stmt in tree.body
        if isinstance(stmt, ast.Expr)
        and not (isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str))
    )


class Echoes:
    """What the bare expressions of one run showed; their text counts against max_stdout_chars
    together with what print() wrote."""

    def __init__(self, limits: Limits, mask: Callable[[str], str] = str) -> None:
        self.limits = limits
        self.mask = mask  # the run's AddressMask: reprs show no real addresses
        self.shown: list[Echo] = []
        self.chars = 0

    def show(self, line: int, value: object, printed_chars: int) -> None:
        """Record repr(value) for `line`, unless the value is None or a plot's stand-in (plots are not
        drawn, and a warning says so already)."""
        if value is None or isinstance(value, PlotStandIn):
            return
        to_text(value, self.limits)  # refuses values whose text would be huge, before repr builds it
        text = self.mask(repr(value))
        self.chars += len(text)
        if self.chars + printed_chars > self.limits.max_stdout_chars:
            raise GradtraceError(
                "limit",
                Message("the program printed more than {limit} characters", limit=self.limits.max_stdout_chars),
                code="limit.printed_chars",
            )
        self.shown.append(Echo(line, text, printed_chars))
