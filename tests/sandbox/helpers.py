"""Shared helpers for sandbox tests: a recording observer and a one-call runner."""

from __future__ import annotations

from collections.abc import Mapping

from gradtrace.config import Limits
from gradtrace.sandbox import Execution, parse_program, run_program


class RecordingObserver:
    """Records every at_line and bound call, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def at_line(self, line: int) -> None:
        self.events.append(("line", line))

    def at_expression(self, node: object) -> None:
        pass  # every operator and call: too many to keep as events

    def bound(self, name: str, value: object, *, top_level: bool = True, loop: bool = False) -> None:
        self.events.append(("bound", name))

    def bound_attribute(self, name: str, value: object, *, top_level: bool = True) -> None:
        self.events.append(("bound_attribute", name))


def run(source: str, inputs: Mapping[str, object] | None = None, limits: Limits | None = None) -> Execution:
    """Parse and run `source` with default limits."""
    limits = limits or Limits()
    return run_program(parse_program(source, limits), inputs or {}, limits, RecordingObserver())
