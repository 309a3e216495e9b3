"""Resource checks made before the work: tensor sizes, int bits, sequence lengths (principle 3)."""

from __future__ import annotations

import contextlib
import math
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import torch

from app.config import Limits
from app.errors import GradtraceError


def _sizes(args: Sequence[Any], kwargs: dict[str, Any]) -> list[int] | None:
    """Read a size given as `f(2, 3)`, `f((2, 3))` or `f(size=(2, 3))`."""
    if "size" in kwargs:
        raw = kwargs["size"]
    elif args and isinstance(args[0], (list, tuple)):
        raw = args[0]
    else:
        raw = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
        if len(raw) != len(args):
            raw = []
    if isinstance(raw, int):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(n, int) for n in raw):
        return None
    return [int(n) for n in raw]


def _product(dims: Sequence[int]) -> int:
    return math.prod(max(int(d), 0) for d in dims)


def _elements_sizes(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    dims = _sizes(args, kwargs)
    return None if dims is None else _product(dims)


def _elements_first(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    return _elements_sizes(args[:1], {k: v for k, v in kwargs.items() if k == "size"}, target)


def _elements_randint(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    shaped = [a for a in args if isinstance(a, (list, tuple))]
    if "size" in kwargs or shaped:
        return _elements_sizes(shaped[:1], {k: v for k, v in kwargs.items() if k == "size"}, target)
    return None


def _number(value: Any) -> float:
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def _elements_arange(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    nums = [_number(a) for a in args[:3]]
    start, end, step = 0.0, 0.0, _number(kwargs.get("step", 1))
    if len(nums) == 1:
        end = nums[0]
    elif len(nums) >= 2:
        start, end = nums[0], nums[1]
        step = nums[2] if len(nums) == 3 else step
    start, end = _number(kwargs.get("start", start)), _number(kwargs.get("end", end))
    if step == 0 or not all(map(math.isfinite, (start, end, step))):
        return None  # torch refuses these itself
    return max(math.ceil((end - start) / step), 0)


def _elements_steps(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    steps = kwargs.get("steps", args[2] if len(args) > 2 else None)
    return int(steps) if isinstance(steps, int) else None


def _elements_eye(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    n = args[0] if args else kwargs.get("n", 0)
    m = args[1] if len(args) > 1 and isinstance(args[1], int) else kwargs.get("m", n)
    return _product([n, m]) if isinstance(n, int) and isinstance(m, int) else None


def _elements_outer(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    tensors = [a for a in (target, *args) if isinstance(a, torch.Tensor)]
    return math.prod(t.numel() for t in tensors) if tensors else None


def _elements_expand(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    dims = _sizes(args, kwargs)
    if dims is None:
        return None
    own = list(target.shape)
    offset = len(dims) - len(own)
    real = [own[i - offset] if d == -1 and i >= offset else d for i, d in enumerate(dims)]
    return _product(real)


def _elements_repeat(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    dims = _sizes(args, kwargs)
    return None if dims is None else _product(dims) * int(target.numel())


def _elements_one_hot(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    classes = kwargs.get("num_classes", args[1] if len(args) > 1 else -1)
    if not args or not isinstance(args[0], torch.Tensor) or not isinstance(classes, int) or classes < 0:
        return None
    return int(args[0].numel()) * classes


def _elements_self(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    return int(target.numel())


ESTIMATORS: dict[str, Callable[[Sequence[Any], dict[str, Any], Any], int | None]] = {
    "sizes": _elements_sizes,
    "first": _elements_first,
    "randint": _elements_randint,
    "arange": _elements_arange,
    "steps": _elements_steps,
    "eye": _elements_eye,
    "outer": _elements_outer,
    "expand": _elements_expand,
    "repeat": _elements_repeat,
    "one_hot": _elements_one_hot,
    "self": _elements_self,
}


def check_tensor_size(
    name: str, key: str | None, args: Sequence[Any], kwargs: dict[str, Any], target: Any, limits: Limits
) -> None:
    """Refuse a call that would make a tensor past max_tensor_elements, before torch allocates."""
    estimates: list[int] = []
    if key is not None:
        try:
            found = ESTIMATORS[key](args, kwargs, target)
        except (TypeError, ValueError, OverflowError, RuntimeError, IndexError):
            found = None  # odd arguments: torch itself will refuse them
        if found is not None:
            estimates.append(found)
    tensors = [a for a in (target, *args) if isinstance(a, torch.Tensor)]
    if len(tensors) > 1:
        # Elementwise ops broadcast: (n, 1) + (1, n) makes n * n elements.
        with contextlib.suppress(RuntimeError):
            shape = torch.broadcast_shapes(*(t.shape for t in tensors))  # type: ignore[no-untyped-call]
            estimates.append(math.prod(shape))
    limit = limits.max_tensor_elements
    for count in estimates:
        if count > limit:
            raise GradtraceError(
                "limit", f"`{name}` would make a tensor of {count} elements; the limit is {limit}"
            )


_INT_GROWTH: dict[Callable[[Any, Any], Any], Callable[[int, int], int]] = {
    operator.pow: lambda a, b: abs(a).bit_length() * b if abs(a) > 1 and b > 0 else 1,
    operator.ipow: lambda a, b: abs(a).bit_length() * b if abs(a) > 1 and b > 0 else 1,
    operator.lshift: lambda a, b: a.bit_length() + b,
    operator.ilshift: lambda a, b: a.bit_length() + b,
    operator.mul: lambda a, b: a.bit_length() + b.bit_length(),
    operator.imul: lambda a, b: a.bit_length() + b.bit_length(),
}
_REPEAT_OPS = (operator.mul, operator.imul)
_CONCAT_OPS = (operator.add, operator.iadd)


def check_binary(op: Callable[[Any, Any], Any], left: Any, right: Any, limits: Limits) -> None:
    """Refuse int results over max_int_bits and sequences over max_sequence_length, before computing."""
    ints = type(left) in (int, bool) and type(right) in (int, bool)
    if ints and op in _INT_GROWTH and _INT_GROWTH[op](left, right) > limits.max_int_bits:
        raise GradtraceError("limit", f"the result would have more than {limits.max_int_bits} bits")
    length: int | None = None
    if op in _REPEAT_OPS:
        if type(left) in (str, list, tuple) and type(right) in (int, bool):
            length = len(left) * right
        elif type(right) in (str, list, tuple) and type(left) in (int, bool):
            length = len(right) * left
    elif (op in _CONCAT_OPS and type(left) in (str, list, tuple) and type(right) in (str, list, tuple)) or (
        op in _CONCAT_OPS and type(left) is list and hasattr(right, "__len__")
    ):
        length = len(left) + len(right)
    if length is not None:
        check_length(length, limits)


def check_length(length: int, limits: Limits) -> None:
    """Refuse a Python sequence or string longer than max_sequence_length."""
    if length > limits.max_sequence_length:
        raise GradtraceError(
            "limit", f"a sequence of {length} items is longer than the limit of {limits.max_sequence_length}"
        )


def check_int(value: object, limits: Limits) -> None:
    """Refuse an int already computed (by +, -, int(), ...) that is too large to keep."""
    if type(value) is int and value.bit_length() > limits.max_int_bits:
        raise GradtraceError("limit", f"an integer has more than {limits.max_int_bits} bits")


_WIDTH = re.compile(r"(\d+)")


def check_format_spec(spec: str, limits: Limits) -> None:
    """Refuse f-string specs like `:>1000000000` that would build huge strings."""
    for digits in _WIDTH.findall(spec):
        if len(digits) > 7 or int(digits) > limits.max_sequence_length:
            raise GradtraceError("limit", f"the format spec `{spec}` asks for a string that is too long")
