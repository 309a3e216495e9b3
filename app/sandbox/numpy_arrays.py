"""numpy arrays as sandbox values: which inputs numpy may see, result checks, sizes, array attributes.

Only numeric arrays (bool, int, float, complex) ever reach user code: an array of Python objects
would let numpy call methods of whatever it holds. Every array numpy makes for a program is
bounded by max_tensor_elements, estimated from the arguments before numpy allocates.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from ..live_objects import RUN_ELEMENTS
from . import extensions
from .sizes import nested_length
from .values import HostFunction, check_argument, kind_of

NUMERIC_KINDS = frozenset("biufc")
SCALAR_TYPES: tuple[type, ...] = (
    np.float64,
    np.float32,
    np.float16,
    np.int64,
    np.int32,
    np.int16,
    np.int8,
    np.uint8,
    np.bool_,
    np.complex128,
    np.complex64,
)
DTYPE_CLASSES: dict[str, type] = {
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "int64": np.int64,
    "int32": np.int32,
    "int16": np.int16,
    "int8": np.int8,
    "uint8": np.uint8,
    "bool_": np.bool_,
    "complex128": np.complex128,
    "complex64": np.complex64,
}
_DTYPE_TYPES: tuple[type, ...] = tuple(type(np.dtype(t)) for t in DTYPE_CLASSES.values())
_PYTHON_DTYPES = (float, int, bool, complex)

extensions.register_kind("ndarray", np.ndarray, *SCALAR_TYPES)
extensions.register_kind("npdtype", *_DTYPE_TYPES)
extensions.ITERABLE_KINDS.add("ndarray")
extensions.INDEXABLE_KINDS.add("ndarray")
extensions.ITEM_ASSIGNABLE_KINDS.add("ndarray")


def refuse_size(name: str, count: int, limits: Limits) -> None:
    """Refuse an array past max_tensor_elements before numpy allocates it."""
    if count > limits.max_tensor_elements:
        raise GradtraceError(
            "limit",
            Message(
                "`{name}` would make an array of {count} elements; the limit is {limit}",
                name=name,
                count=count,
                limit=limits.max_tensor_elements,
            ),
            code="limit.tensor_elements",
        )


def shape_elements(shape: Any) -> int | None:
    """Elements of a numpy shape argument (an int or a sequence of ints); None if it is not one."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return max(int(shape), 0)
    if isinstance(shape, (list, tuple)) and all(isinstance(d, (int, np.integer)) for d in shape):
        return math.prod(max(int(d), 0) for d in shape)
    return None


def as_dtype(value: Any) -> Any:
    """A dtype argument as numpy takes it: np.float32 & co., float/int/bool, a dtype, or a name."""
    if value is None or isinstance(value, _DTYPE_TYPES):
        return value
    if isinstance(value, HostFunction) and value.cls in (*DTYPE_CLASSES.values(), *_PYTHON_DTYPES):
        return value.cls
    if isinstance(value, str) and value in (*DTYPE_CLASSES, "float", "int", "bool", "complex"):
        return value
    raise GradtraceError(
        "forbidden",
        Message("dtype must be a numpy number type such as np.float32, or float/int/bool"),
        code="forbidden.numpy_dtype",
    )


def clean_arguments(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Arguments numpy may see: numbers, arrays, tensors, lists of them; dtypes made plain numpy dtypes."""
    if "where" in kwargs and kwargs.get("out") is None:
        # numpy leaves the unselected elements of a fresh output unset: bytes of earlier requests.
        raise GradtraceError(
            "forbidden",
            Message(
                "`{name}(..., where=...)` needs `out=` here (numpy leaves the other elements unset); "
                "write out=np.zeros_like(x), or np.where(mask, result, 0)",
                name=name,
            ),
            code="forbidden.numpy_where",
        )
    clean_args = [_clean(name, a) for a in args]
    clean_kwargs = {k: (as_dtype(v) if k == "dtype" else _clean(name, v)) for k, v in kwargs.items()}
    return clean_args, clean_kwargs


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, HostFunction) and value.cls is not None:
        return as_dtype(value)
    if isinstance(value, _DTYPE_TYPES):
        return value
    check_argument(value, name, allow_modules=False)
    if isinstance(value, str) and value in (*DTYPE_CLASSES, "float", "int", "bool", "complex"):
        return value  # a.astype('float32')
    if isinstance(value, str):
        raise GradtraceError(
            "forbidden",
            Message("`{name}` works on numbers here; gradtrace's numpy holds no text", name=name),
            code="forbidden.numpy_text",
        )
    return value


def check_data(name: str, data: Any, limits: Limits) -> None:
    """Refuse nested data that would make an array past the limit (read before numpy walks it)."""
    count = nested_length(data)
    if isinstance(data, np.ndarray):
        count = int(data.size)
    if count is not None:
        refuse_size(name, count, limits)


def checked_result(name: str, value: Any, limits: Limits) -> Any:
    """Refuse arrays of objects or text from a numpy call; hand out the rest."""
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        if isinstance(item, np.ndarray) and item.dtype.kind not in NUMERIC_KINDS:
            raise GradtraceError(
                "forbidden",
                Message(
                    "`{name}` made an array of {dtype}; gradtrace holds numbers only", name=name, dtype=str(item.dtype)
                ),
                code="forbidden.numpy_text",
            )
        if isinstance(item, np.ndarray):
            refuse_size(name, int(item.size), limits)
    return value


def numpy_call(
    name: str, fn: Callable[..., Any], limits: Limits, estimate: Callable[..., int | None] | None = None
) -> HostFunction:
    """A numpy function as user code calls it: arguments cleaned, size estimated, result checked."""

    def call(*args: Any, **kwargs: Any) -> Any:
        clean_args, clean_kwargs = clean_arguments(name, args, kwargs)
        for value in (*clean_args, *clean_kwargs.values()):
            if isinstance(value, (list, tuple)):
                check_data(name, value, limits)
        if estimate is not None:
            try:
                count = estimate(*clean_args, **clean_kwargs)
            except (TypeError, ValueError, IndexError):
                count = None  # odd arguments: numpy refuses them itself
            if count is not None:
                refuse_size(name, count, limits)
        return checked_result(name, fn(*clean_args, **clean_kwargs), limits)

    return HostFunction(name, call, policy="builtin")


def shape_of(value: Any) -> tuple[int, ...]:
    """The shape numpy would give `value` (tensors and lists included), without copying arrays."""
    if isinstance(value, (np.ndarray, np.generic)):
        return tuple(value.shape)
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    return tuple(np.shape(value))


def broadcast_elements(*values: Any) -> int:
    """Elements of the broadcast of `values` (raises ValueError where numpy would)."""
    return math.prod(np.broadcast_shapes(*(shape_of(v) for v in values)))


def dot_elements(a: Any, b: Any) -> int:
    """Elements of np.dot(a, b): a.shape[:-1] + b.shape[:-2] + b.shape[-1:] for N-d operands."""
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb:
        return math.prod(sa or sb)
    tail = sb[:-2] + sb[-1:] if len(sb) >= 2 else ()
    return math.prod(sa[:-1] + tail)


def matmul_elements(a: Any, b: Any) -> int:
    """Elements of a @ b, with batch dimensions broadcast."""
    sa, sb = shape_of(a), shape_of(b)
    if len(sa) < 2 or len(sb) < 2:
        return dot_elements(a, b)
    batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    return math.prod((*batch, sa[-2], sb[-1]))


def check_operation(op: Callable[[Any, Any], Any], left: Any, right: Any, limits: Limits) -> None:
    """Before `left op right` with an array: plain data only, and the result's size within the limit."""
    if op in (operator.mod, operator.imod) and isinstance(left, str):
        return  # 'loss=%.4f' % array: text formatting, checked as for any value
    for value in (left, right):
        if kind_of(value) not in ("plain", "ndarray", "tensor", "container", "size"):
            raise GradtraceError(
                "runtime",
                Message("TypeError: unsupported operand type for numpy: '{type}'", type=type(value).__name__),
                code="runtime.type_error",
            )
        if isinstance(value, str):
            raise GradtraceError(
                "forbidden", Message("gradtrace's numpy arrays hold numbers only"), code="forbidden.numpy_text"
            )
        if isinstance(value, (list, tuple)):
            check_data("this operation", value, limits)
    try:
        if op in (operator.matmul, operator.imatmul):
            count = matmul_elements(left, right)
        else:
            count = broadcast_elements(left, right)
    except (ValueError, TypeError):
        return  # numpy explains mismatched shapes itself
    refuse_size("this operation", count, limits)


extensions.OPERATION_CHECKS["ndarray"] = check_operation


def watch_array(value: Any, limits: Limits) -> None:
    """Count an array the program holds against max_live_elements, with the run's tensors."""
    live = RUN_ELEMENTS.get()
    if live is None or not isinstance(value, np.ndarray):
        return
    live.add_array(value)
    if live.count > limits.max_live_elements:
        raise GradtraceError(
            "limit",
            Message(
                "the program holds more than {limit} tensor and array elements alive at once",
                limit=limits.max_live_elements,
            ),
            code="limit.live_elements",
        )


extensions.RESULT_WATCHERS["ndarray"] = watch_array
