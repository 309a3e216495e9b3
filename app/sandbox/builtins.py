"""The Python builtins user code may call, with sizes checked before anything big is built."""

from __future__ import annotations

import builtins as py
import numbers
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import torch

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import guards
from .python_errors import type_error
from .values import HostFunction, is_tensor, text_size


class Output(Protocol):
    """Where print writes; the interpreter counts characters against max_stdout_chars."""

    limits: Limits

    def write(self, text: str) -> None:
        """Append printed text."""


def materialise(iterable: Iterable[Any], limits: Limits) -> list[Any]:
    """list(iterable), refusing more than max_sequence_length items before or while building."""
    if hasattr(iterable, "__len__"):
        guards.check_length(py.len(iterable), limits)  # type: ignore[arg-type]
    items: list[Any] = []
    for item in iterable:
        items.append(item)
        if py.len(items) > limits.max_sequence_length:
            guards.check_length(py.len(items), limits)
    return items


def to_text(value: object, limits: Limits) -> str:
    """str(value), refusing values whose text would pass the size limits."""
    budget = max(limits.max_stdout_chars, limits.max_sequence_length)
    if text_size(value, budget) > budget:
        raise GradtraceError(
            "limit",
            Message("the text of this value would be longer than {limit} characters", limit=budget),
            code="limit.text_length",
        )
    return py.str(value)


def _isinstance(value: object, kinds: object) -> bool:
    tokens = kinds if isinstance(kinds, tuple) else (kinds,)
    classes: list[type] = []
    for token in tokens:
        if not isinstance(token, HostFunction) or token.cls is None:
            raise type_error("isinstance() arg 2 must be a type or tuple of types")
        classes.extend(token.cls if isinstance(token.cls, tuple) else (token.cls,))
    return py.isinstance(value, tuple(classes))


def _no_key(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("key") is not None:
            refusal = Message(
                "`{call}` is not available here; put the value to compare first in each item, as in `{example}`",
                call=f"{name}(..., key=...)",
                example=f"{name}((loss, name) for name, loss in pairs)",
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.key_function")
        kwargs.pop("key", None)
        return fn(*args, **kwargs)

    return call


class _RunBuiltins:
    """The builtins of one run: each checks sizes against the run's limits; print writes to `out`."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.limits = out.limits

    def print_(self, *args: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("sep and end must be None or a string")
        self.out.write(sep.join(to_text(a, self.limits) for a in args) + end)

    def list_(self, iterable: Iterable[Any] = ()) -> list[Any]:
        return materialise(iterable, self.limits)

    def tuple_(self, iterable: Iterable[Any] = ()) -> tuple[Any, ...]:
        return tuple(materialise(iterable, self.limits))

    def dict_(self, items: Any = (), **kwargs: Any) -> dict[Any, Any]:
        pairs = materialise(items.items() if isinstance(items, dict) else items, self.limits)
        return {**py.dict(pairs), **kwargs}

    def zip_(self, *iterables: Iterable[Any]) -> list[tuple[Any, ...]]:
        return list(py.zip(*(materialise(it, self.limits) for it in iterables), strict=False))

    def enumerate_(self, iterable: Iterable[Any], start: int = 0) -> list[tuple[int, Any]]:
        return list(py.enumerate(materialise(iterable, self.limits), start))

    def reversed_(self, seq: Any) -> list[Any]:
        return materialise(seq, self.limits)[::-1]

    def sorted_(self, iterable: Iterable[Any], reverse: bool = False) -> list[Any]:
        return py.sorted(materialise(iterable, self.limits), reverse=reverse)

    def int_(self, value: Any = 0, *base: int) -> int:
        result = py.int(value, *base)
        guards.check_int(result, self.limits)
        return result

    def str_(self, value: object = "") -> str:
        return to_text(value, self.limits)

    def repr_(self, value: object) -> str:
        to_text(value, self.limits)  # refuses values whose text would be huge
        return py.repr(value)

    def sum_(self, iterable: Iterable[Any], start: Any = 0) -> Any:
        items = materialise(iterable, self.limits)
        if type(start) in (list, tuple, str):  # sum(lists, []) concatenates: check the length first
            total = py.len(start) + py.sum(py.len(i) if hasattr(i, "__len__") else 0 for i in items)
            guards.check_length(total, self.limits)
        return py.sum(items, start)

    def over_sequence(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn(iterable)` over a materialised (size-checked) list; `fn(a, b, ...)` unchanged."""

        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not is_tensor(args[0]):
                args = (materialise(args[0], self.limits),)
            return fn(*args, **kwargs)

        return call


def build_builtins(out: Output) -> dict[str, HostFunction]:
    """The builtins for one run; print writes to `out`."""
    run = _RunBuiltins(out)
    fns: dict[str, tuple[Callable[..., Any], type | None]] = {
        "print": (run.print_, None),
        "range": (py.range, None),
        "len": (py.len, None),
        "abs": (py.abs, None),
        "min": (_no_key("min", run.over_sequence(py.min)), None),
        "max": (_no_key("max", run.over_sequence(py.max)), None),
        "sum": (run.sum_, None),
        "round": (py.round, None),
        "float": (py.float, float),
        "int": (run.int_, int),
        "bool": (py.bool, bool),
        "str": (run.str_, str),
        "repr": (run.repr_, None),
        "divmod": (py.divmod, None),
        "list": (run.list_, list),
        "tuple": (run.tuple_, tuple),
        "dict": (run.dict_, dict),
        "zip": (run.zip_, None),
        "enumerate": (run.enumerate_, None),
        "reversed": (run.reversed_, None),
        "sorted": (_no_key("sorted", run.sorted_), None),
        "isinstance": (_isinstance, None),
        "any": (run.over_sequence(py.any), None),
        "all": (run.over_sequence(py.all), None),
    }
    return {name: HostFunction(name, fn, cls=cls, policy="builtin") for name, (fn, cls) in fns.items()}


def is_number(value: object) -> bool:
    """True for int/float/bool/complex and numpy's number scalars (what math functions accept)."""
    if type(value) in (int, float, bool, complex):
        return True
    # np.float32(1.5) & co. register as numbers; user code can make no other Number subclass.
    return isinstance(value, numbers.Number) and not isinstance(value, torch.Tensor)
