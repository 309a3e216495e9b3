"""Element counts of the tensors a call would make, read from its arguments before torch runs it.

Each estimator takes (args, kwargs, target) -- target is the tensor a method is bound to --
and returns an upper estimate of the largest tensor the call makes, or None when it cannot
tell (torch then refuses odd arguments itself). Shape arithmetic only: nothing is allocated.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import torch

from .allowlist import SIZED_NN

Estimator = Callable[[Sequence[Any], dict[str, Any], Any], int | None]


def as_dim(value: Any) -> int | None:
    """One size as torch may read it, or None: an int, a bool (torch.Size and the legacy constructor
    read True as 1), a numpy-style integer (anything with __index__), or an integer or bool tensor of one
    element (torch reads `torch.rand(torch.tensor(3))` and `torch.rand(torch.tensor([3]))` alike).
    Reading more than torch accepts is safe: the estimate only ever refuses."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_floating_point() or value.is_complex():
            return None
        with torch._C.DisableTorchFunction():  # a read of ours, not an op of the program's
            return int(value.item())
    if isinstance(value, (int, bool)):
        return int(value)
    if isinstance(value, (float, complex, str, bytes)) or not hasattr(type(value), "__index__"):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def as_dims(value: Any) -> list[int] | None:
    """A whole size as torch may read it: one dim, or a list/tuple/torch.Size of dims; None otherwise."""
    if isinstance(value, (list, tuple)):
        dims = [as_dim(item) for item in value]
        return None if any(d is None for d in dims) else [d for d in dims if d is not None]
    dim = as_dim(value)
    return None if dim is None else [dim]


def _sizes(args: Sequence[Any], kwargs: dict[str, Any]) -> list[int] | None:
    """Read a size given as `f(2, 3)`, `f((2, 3))`, `f(torch.Size([2, 3]))` or `f(size=(2, 3))`."""
    if "size" in kwargs:
        return as_dims(kwargs["size"])
    if len(args) == 1:
        return as_dims(args[0])
    return as_dims(list(args))


def broadcast_dims(*shapes: Sequence[int]) -> list[int]:
    """The shape broadcasting gives `shapes` (an upper bound where they do not broadcast, which torch
    refuses anyway). Plain int arithmetic: torch.broadcast_shapes costs ~100 us a call in Python, and
    this runs before every op with two tensors."""
    width = max((len(shape) for shape in shapes), default=0)
    dims = [1] * width
    for shape in shapes:
        offset = width - len(shape)
        for i, size in enumerate(shape):
            have = dims[offset + i]
            dims[offset + i] = 0 if size == 0 or have == 0 else max(have, size)
    return dims


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
    return as_dim(kwargs.get("steps", args[2] if len(args) > 2 else None))


def _elements_eye(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    n = as_dim(args[0] if args else kwargs.get("n", 0))
    m = as_dim(args[1]) if len(args) > 1 and as_dim(args[1]) is not None else as_dim(kwargs.get("m", n))
    return _product([n, m]) if n is not None and m is not None else None


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
    classes = as_dim(kwargs.get("num_classes", args[1] if len(args) > 1 else -1))
    if not args or not isinstance(args[0], torch.Tensor) or classes is None:
        return None
    if classes < 0 and args[0].numel() and not args[0].is_floating_point():
        classes = int(args[0].max()) + 1  # num_classes=-1: one more than the largest label
    return int(args[0].numel()) * max(classes, 0)


def _elements_matmul(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # (b..., n, k) @ (b..., k, m) makes (b..., n, m): (20000, 2) @ (2, 20000) is 4e8 elements.
    operands = [t for t in (target, *args) if isinstance(t, torch.Tensor)][:2]
    if len(operands) != 2 or operands[0].dim() == 0 or operands[1].dim() == 0:
        return None
    a, b = operands[0].shape, operands[1].shape
    batch = broadcast_dims(a[:-2], b[:-2])
    rows = [a[-2]] if len(a) >= 2 else []
    cols = [b[-1]] if len(b) >= 2 else []
    return _product([*batch, *rows, *cols])


def _elements_self(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    return int(target.numel())


def _elements_joined(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # cat/stack: the result holds every input's elements (a list of one big tensor repeated counts each time).
    tensors = args[0] if args else kwargs.get("tensors")
    if not isinstance(tensors, (list, tuple)):
        return None
    return sum(t.numel() for t in tensors if isinstance(t, torch.Tensor))


def _elements_diag(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    source = target if isinstance(target, torch.Tensor) else (args[0] if args else kwargs.get("input"))
    if not isinstance(source, torch.Tensor) or source.dim() != 1:
        return None  # a matrix's diagonal is smaller than the matrix
    offsets = [as_dim(a) for a in (args[1:] if target is None else args)]
    offset = as_dim(kwargs.get("diagonal", next((o for o in offsets if o is not None), 0)))
    n = source.numel() + abs(offset or 0)
    return n * n


def _elements_einsum(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # torch contracts operands pairwise, so an intermediate can hold every label at once: bound by that.
    if not args or not isinstance(args[0], str):
        return None
    operands = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
    inputs = args[0].replace(" ", "").split("->")[0].split(",")
    sizes: dict[str, int] = {}
    for labels, operand in zip(inputs, operands, strict=False):
        if not isinstance(operand, torch.Tensor) or "." in labels or len(labels) != operand.dim():
            return None  # ellipses and mismatches: torch explains its own errors
        for label, size in zip(labels, operand.shape, strict=True):
            sizes[label] = max(sizes.get(label, 1), int(size))
    return _product(list(sizes.values()))


def _elements_linear(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    x = args[0] if args else kwargs.get("input")
    w = args[1] if len(args) > 1 else kwargs.get("weight")
    if not isinstance(x, torch.Tensor) or not isinstance(w, torch.Tensor) or x.dim() == 0 or w.dim() == 0:
        return None
    rows = x.numel() // max(int(x.shape[-1]), 1)
    return rows * int(w.shape[0]) if w.dim() == 2 else rows


def _elements_pad(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    x = args[0] if args else kwargs.get("input")
    pad = args[1] if len(args) > 1 else kwargs.get("pad")
    widths = as_dims(pad) if isinstance(pad, (list, tuple)) else None
    if not isinstance(x, torch.Tensor) or widths is None or len(widths) > 2 * x.dim():
        return None
    pad = widths
    dims = list(x.shape)
    for i in range(0, len(pad) - 1, 2):  # pad pairs start at the last dimension
        dims[-1 - i // 2] += pad[i] + pad[i + 1]
    return _product(dims)


def nested_length(value: Any, depth: int = 0) -> int | None:
    """Elements of a nested list/tuple/range (the first item's shape at each level, as torch reads it)."""
    if isinstance(value, range):
        return len(value)
    if isinstance(value, torch.Tensor):
        return int(value.numel())
    if not isinstance(value, (list, tuple)):
        return 1
    if not value or depth > 64:
        return len(value)
    inner = nested_length(value[0], depth + 1)
    return None if inner is None else len(value) * inner


def _elements_data(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # torch.tensor(range(10**9)) would read a billion Python ints before failing to allocate.
    data = args[0] if args else kwargs.get("data")
    return nested_length(data)


def _elements_normal(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # normal(mean, std, size) with numbers; with tensors the result is their broadcast (checked apart).
    size = kwargs.get("size", args[2] if len(args) > 2 else None)
    return None if size is None else _elements_sizes([size], {}, target)


def _elements_multinomial(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    probabilities = target if isinstance(target, torch.Tensor) else (args[0] if args else kwargs.get("input"))
    rest = args if isinstance(target, torch.Tensor) else args[1:]
    samples = as_dim(kwargs.get("num_samples", rest[0] if rest else None))
    if not isinstance(probabilities, torch.Tensor) or samples is None or probabilities.dim() == 0:
        return None
    return probabilities.numel() // max(int(probabilities.shape[-1]), 1) * samples


def module_estimator(cls: type[torch.nn.Module]) -> Estimator:
    """The largest parameter or buffer a layer would make, read by building it on the meta device, where
    tensors have shapes but no storage (and draw no random numbers): nn.Embedding(10**8, 1000) is sized
    without allocating it. Layers without parameters take no `device` and allocate nothing."""

    def estimate(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
        try:
            with torch._C.DisableTorchFunction():  # our own construction, not an op of the program's
                shadow = cls(*args, **{**kwargs, "device": "meta"})
        except TypeError:
            return None
        tensors = [*shadow.parameters(), *shadow.buffers()]
        return max((int(t.numel()) for t in tensors), default=0)

    return estimate


def _elements_legacy(args: Sequence[Any], kwargs: dict[str, Any], target: Any) -> int | None:
    # torch.Tensor(2, 3) and torch.Tensor(torch.Size([2, 3])) make a size; torch.Tensor([2, 3]) copies data.
    if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(args[0], torch.Size):
        return _elements_data(args, kwargs, target)
    return _elements_sizes(args, kwargs, target)


ESTIMATORS: dict[str, Estimator] = {
    "legacy": _elements_legacy,
    "normal": _elements_normal,
    "multinomial": _elements_multinomial,
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
    "matmul": _elements_matmul,
    "self": _elements_self,
    "joined": _elements_joined,
    "diag": _elements_diag,
    "einsum": _elements_einsum,
    "linear": _elements_linear,
    "pad": _elements_pad,
    "data": _elements_data,
}
# One estimator per torch.nn layer class with parameters (allowlist.SIZED_NN): "nn.Embedding" and so on.
ESTIMATORS.update(
    {
        key: module_estimator(getattr(torch.nn, key.removeprefix("nn.")))
        for key in SIZED_NN.values()
        if key.startswith("nn.")
    }
)
