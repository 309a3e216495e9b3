"""Resource checks made before the work: tensor sizes, int bits, sequence lengths (principle 3)."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import torch

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from .sizes import ESTIMATORS, broadcast_dims
from .values import text_size


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
        # Elementwise ops broadcast: (n, 1) + (1, n) makes n * n elements. Reading shapes under
        # the recorder's mode would go through its __torch_function__ for nothing: skip it.
        with torch._C.DisableTorchFunction():
            shapes = [t.shape for t in tensors]
        estimates.append(math.prod(broadcast_dims(*shapes)))
    if not estimates:
        return
    if key == "self":  # tolist(): one Python number per element, so the list limit applies
        for count in estimates:
            if count > limits.max_sequence_length:
                message = Message(
                    "`{name}` would make a list of {count} elements; the limit is {limit}",
                    name=name,
                    count=count,
                    limit=limits.max_sequence_length,
                )
                raise GradtraceError("limit", message, code="limit.sequence_length")
        return
    for count in estimates:
        if count > limits.max_tensor_elements:
            message = Message(
                "`{name}` would make a tensor of {count} elements; the limit is {limit}",
                name=name,
                count=count,
                limit=limits.max_tensor_elements,
            )
            raise GradtraceError("limit", message, code="limit.tensor_elements")


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
_FORMAT_OPS = (operator.mod, operator.imod)


def check_binary(op: Callable[[Any, Any], Any], left: Any, right: Any, limits: Limits) -> None:
    """Refuse int results over max_int_bits and sequences over max_sequence_length, before computing."""
    ints = type(left) in (int, bool) and type(right) in (int, bool)
    if ints and op in _INT_GROWTH and _INT_GROWTH[op](left, right) > limits.max_int_bits:
        raise GradtraceError(
            "limit",
            Message("the result would have more than {limit} bits", limit=limits.max_int_bits),
            code="limit.int_bits",
        )
    if op in _FORMAT_OPS and type(left) is str:
        check_percent_format(left, right, limits)
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
            "limit",
            Message(
                "a sequence of {count} items is longer than the limit of {limit}",
                count=length,
                limit=limits.max_sequence_length,
            ),
            code="limit.sequence_length",
        )


def check_int(value: object, limits: Limits) -> None:
    """Refuse an int already computed (by +, -, int(), ...) that is too large to keep."""
    if type(value) is int and value.bit_length() > limits.max_int_bits:
        raise GradtraceError(
            "limit", Message("an integer has more than {limit} bits", limit=limits.max_int_bits), code="limit.int_bits"
        )


_WIDTH = re.compile(r"(\d+)")


def check_format_spec(spec: str, limits: Limits) -> None:
    """Refuse f-string specs like `:>1000000000` that would build huge strings."""
    for digits in _WIDTH.findall(spec):
        if len(digits) > 7 or int(digits) > limits.max_sequence_length:
            raise GradtraceError(
                "limit",
                Message("the format spec `{spec}` asks for a string that is too long", spec=spec),
                code="limit.text_length",
            )


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def check_percent_format(template: str, values: object, limits: Limits) -> None:
    """Refuse `'%1000000000d' % 1`, `'%*d' % (n, 1)` and `'%s' % huge` before building the text."""
    for width, precision in _PERCENT_SPEC.findall(template):
        if "*" in (width, precision):
            raise GradtraceError(
                "forbidden",
                Message("`*` widths in %-formatting are not available here; write the width in the text, as in '%5d'"),
                code="forbidden.percent_star",
            )
        for digits in (width, precision):
            if digits and (len(digits) > 7 or int(digits) > limits.max_sequence_length):
                raise GradtraceError(
                    "limit",
                    Message("the %-format `{spec}` asks for a string that is too long", spec=template[:40]),
                    code="limit.text_length",
                )
    budget = limits.max_sequence_length
    if text_size(values, budget) + len(template) > budget:
        raise GradtraceError(
            "limit",
            Message("the %-formatted text would be longer than {limit} characters", limit=budget),
            code="limit.text_length",
        )
