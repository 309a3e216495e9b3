"""Copying tensors out of torch into plain TensorData."""

from __future__ import annotations

import torch

from app.graph.model import TensorData


def dtype_name(dtype: torch.dtype) -> str:
    """`torch.float32` -> `float32`."""
    return str(dtype).removeprefix("torch.")


def summary_stats(tensor: torch.Tensor) -> dict[str, float]:
    """min, max and mean of a tensor's elements (complex ones by magnitude): what a tensor too
    large to list shows instead of its elements."""
    t = tensor.detach()
    as_float = (t.abs() if t.is_complex() else t).double()
    return {"min": float(as_float.min()), "max": float(as_float.max()), "mean": float(as_float.mean())}


def to_tensor_data(tensor: torch.Tensor, max_elements: int) -> TensorData:
    """Copy a tensor's shape, dtype and elements (a min/max/mean summary past `max_elements`)."""
    t = tensor.detach()
    shape = tuple(int(s) for s in t.shape)
    dtype = dtype_name(t.dtype)
    if t.numel() > max_elements:
        return TensorData(shape, dtype, None, summary_stats(t))
    # JSON has no complex numbers: a complex element is listed as its [real, imag] pair.
    return TensorData(shape, dtype, (torch.view_as_real(t) if t.is_complex() else t).tolist())
