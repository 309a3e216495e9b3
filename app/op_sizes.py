"""Output sizes of ops that layers run inside their forward (Conv2d, Embedding, pooling, RNNs):
read from the arguments before torch allocates, since a layer call is one step for the interpreter.

The recorder asks `op_output_elements(func, args, kwargs)` for every op; most ops are elementwise
or reductions already bounded by their inputs and answer None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as functional


def _pair(value: Any, dims: int) -> list[int]:
    if isinstance(value, int):
        return [value] * dims
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return [int(v) for v in value]
    return [0] * dims


def _conv(dims: int) -> Callable[[Sequence[Any], dict[str, Any]], int | None]:
    def estimate(args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
        x = args[0] if args else kwargs.get("input")
        w = args[1] if len(args) > 1 else kwargs.get("weight")
        if not isinstance(x, torch.Tensor) or not isinstance(w, torch.Tensor) or x.dim() < dims + 1:
            return None
        padding = args[4] if len(args) > 4 else kwargs.get("padding", 0)
        pads = _pair(padding, dims) if not isinstance(padding, str) else [int(s) for s in w.shape[2:]]
        spatial = [int(x.shape[-dims + i]) + 2 * pads[i] for i in range(dims)]
        batch = math.prod(int(d) for d in x.shape[: -dims - 1])
        return batch * int(w.shape[0]) * math.prod(max(s, 1) for s in spatial)

    return estimate


def _embedding(args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
    indices = args[0] if args else kwargs.get("input")
    weight = args[1] if len(args) > 1 else kwargs.get("weight")
    if not isinstance(indices, torch.Tensor) or not isinstance(weight, torch.Tensor) or weight.dim() != 2:
        return None
    return int(indices.numel()) * int(weight.shape[1])


def _linear(args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
    x = args[0] if args else kwargs.get("input")
    w = args[1] if len(args) > 1 else kwargs.get("weight")
    if not isinstance(x, torch.Tensor) or not isinstance(w, torch.Tensor) or x.dim() == 0 or w.dim() == 0:
        return None
    rows = x.numel() // max(int(x.shape[-1]), 1)
    return rows * (int(w.shape[0]) if w.dim() == 2 else 1)


def _adaptive_pool(args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
    x = args[0] if args else kwargs.get("input")
    size = args[1] if len(args) > 1 else kwargs.get("output_size")
    if not isinstance(x, torch.Tensor) or x.dim() < 2:
        return None
    dims = [size] * 2 if isinstance(size, int) else list(size) if isinstance(size, (list, tuple)) else []
    spatial = [int(x.shape[-len(dims) + i]) if d is None else int(d) for i, d in enumerate(dims)]
    batch = math.prod(int(d) for d in x.shape[: x.dim() - len(dims)])
    return batch * math.prod(max(s, 0) for s in spatial)


_ESTIMATORS: dict[Any, Callable[[Sequence[Any], dict[str, Any]], int | None]] = {
    functional.adaptive_avg_pool2d: _adaptive_pool,
    functional.adaptive_max_pool2d: _adaptive_pool,
    torch.conv1d: _conv(1),
    torch.conv2d: _conv(2),
    functional.conv1d: _conv(1),
    functional.conv2d: _conv(2),
    torch.embedding: _embedding,
    functional.embedding: _embedding,
    functional.linear: _linear,
}


def op_output_elements(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> int | None:
    """An upper estimate of the elements `func(*args, **kwargs)` makes, or None when not sized here."""
    estimate = _ESTIMATORS.get(func)
    if estimate is None:
        return None
    try:
        return estimate(args, kwargs)
    except (TypeError, ValueError, IndexError, RuntimeError):
        return None  # odd arguments: torch refuses them itself
