"""The Python builtins user code may call, with sizes checked before anything big is built."""

from __future__ import annotations

import builtins as py
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import torch

from app.config import Limits
from app.errors import GradtraceError
from app.sandbox import guards
from app.sandbox.values import HostFunction, is_tensor, text_size


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
        raise GradtraceError("limit", f"the text of this value would be longer than {budget} characters")
    return py.str(value)


def _isinstance(value: object, kinds: object) -> bool:
    tokens = kinds if isinstance(kinds, tuple) else (kinds,)
    classes: list[type] = []
    for token in tokens:
        if not isinstance(token, HostFunction) or token.cls is None:
            raise GradtraceError("runtime", "TypeError: isinstance() arg 2 must be a type or tuple of types")
        classes.extend(token.cls if isinstance(token.cls, tuple) else (token.cls,))
    return py.isinstance(value, tuple(classes))


def _no_key(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("key") is not None:
            raise GradtraceError("forbidden", f"`{name}(..., key=...)` is not available here")
        kwargs.pop("key", None)
        return fn(*args, **kwargs)

    return call


def build_builtins(out: Output) -> dict[str, HostFunction]:
    """The builtins for one run; print writes to `out`."""
    limits = out.limits

    def print_(*args: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("sep and end must be None or a string")
        out.write(sep.join(to_text(a, limits) for a in args) + end)

    def list_(iterable: Iterable[Any] = ()) -> list[Any]:
        return materialise(iterable, limits)

    def tuple_(iterable: Iterable[Any] = ()) -> tuple[Any, ...]:
        return tuple(materialise(iterable, limits))

    def dict_(items: Any = (), **kwargs: Any) -> dict[Any, Any]:
        pairs = materialise(items.items() if isinstance(items, dict) else items, limits)
        return {**py.dict(pairs), **kwargs}

    def zip_(*iterables: Iterable[Any]) -> list[tuple[Any, ...]]:
        return list(py.zip(*(materialise(it, limits) for it in iterables), strict=False))

    def enumerate_(iterable: Iterable[Any], start: int = 0) -> list[tuple[int, Any]]:
        return list(py.enumerate(materialise(iterable, limits), start))

    def reversed_(seq: Any) -> list[Any]:
        return materialise(seq, limits)[::-1]

    def sorted_(iterable: Iterable[Any], reverse: bool = False) -> list[Any]:
        return py.sorted(materialise(iterable, limits), reverse=reverse)

    def int_(value: Any = 0, *base: int) -> int:
        result = py.int(value, *base)
        guards.check_int(result, limits)
        return result

    def str_(value: object = "") -> str:
        return to_text(value, limits)

    def repr_(value: object) -> str:
        to_text(value, limits)  # refuses values whose text would be huge
        return py.repr(value)

    def sum_(iterable: Iterable[Any], start: Any = 0) -> Any:
        items = materialise(iterable, limits)
        if type(start) in (list, tuple, str):  # sum(lists, []) concatenates: check the length first
            total = py.len(start) + py.sum(py.len(i) if hasattr(i, "__len__") else 0 for i in items)
            guards.check_length(total, limits)
        return py.sum(items, start)

    def seq_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not is_tensor(args[0]):
                args = (materialise(args[0], limits),)
            return fn(*args, **kwargs)

        return call

    fns: dict[str, tuple[Callable[..., Any], type | None]] = {
        "print": (print_, None),
        "range": (py.range, None),
        "len": (py.len, None),
        "abs": (py.abs, None),
        "min": (_no_key("min", seq_fn(py.min)), None),
        "max": (_no_key("max", seq_fn(py.max)), None),
        "sum": (sum_, None),
        "round": (py.round, None),
        "float": (py.float, float),
        "int": (int_, int),
        "bool": (py.bool, bool),
        "str": (str_, str),
        "repr": (repr_, None),
        "divmod": (py.divmod, None),
        "list": (list_, list),
        "tuple": (tuple_, tuple),
        "dict": (dict_, dict),
        "zip": (zip_, None),
        "enumerate": (enumerate_, None),
        "reversed": (reversed_, None),
        "sorted": (_no_key("sorted", sorted_), None),
        "isinstance": (_isinstance, None),
        "any": (seq_fn(py.any), None),
        "all": (seq_fn(py.all), None),
    }
    return {name: HostFunction(name, fn, cls=cls, policy="builtin") for name, (fn, cls) in fns.items()}


def is_number(value: object) -> bool:
    """True for int/float/bool/complex (what math functions accept)."""
    return type(value) in (int, float, bool, complex) and not isinstance(value, torch.Tensor)
