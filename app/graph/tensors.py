"""Copying tensors out of torch into plain TensorData."""

from __future__ import annotations

import torch

from app.graph.model import TensorData

_DTYPE_NAMES: dict[torch.dtype, str] = {}  # str(dtype) costs more than the rest of a scalar's copy


def dtype_name(dtype: torch.dtype) -> str:
    """`torch.float32` -> `float32`."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype).removeprefix("torch.")
    return name


def summary_stats(tensor: torch.Tensor) -> dict[str, float]:
    """min, max and mean of a tensor's elements (complex ones by magnitude): what a tensor too
    large to list shows instead of its elements."""
    t = tensor.detach()
    as_float = (t.abs() if t.is_complex() else t).double()
    return {"min": float(as_float.min()), "max": float(as_float.max()), "mean": float(as_float.mean())}


def to_tensor_data(tensor: torch.Tensor, max_elements: int) -> TensorData:
    """Copy a tensor's shape, dtype and elements (a min/max/mean summary past `max_elements`)."""
    shape = tuple(tensor.shape)  # plain ints in eager mode
    dtype = dtype_name(tensor.dtype)
    if tensor.numel() > max_elements:
        return TensorData(shape, dtype, None, summary_stats(tensor))
    if tensor.is_complex():
        # JSON has no complex numbers: a complex element is listed as its [real, imag] pair.
        return TensorData(shape, dtype, torch.view_as_real(tensor.detach()).tolist())
    return TensorData(shape, dtype, tensor.tolist())  # tolist() reads no autograd state: no detach needed
