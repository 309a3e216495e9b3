"""Copying tensors out of torch into plain TensorData."""

from __future__ import annotations

import torch

from app.graph.model import TensorData


def dtype_name(dtype: torch.dtype) -> str:
    """`torch.float32` -> `float32`."""
    return str(dtype).removeprefix("torch.")


def to_tensor_data(tensor: torch.Tensor, max_elements: int) -> TensorData:
    """Copy a tensor's shape, dtype and elements (a min/max/mean summary past `max_elements`)."""
    t = tensor.detach()
    shape = tuple(int(s) for s in t.shape)
    dtype = dtype_name(t.dtype)
    if t.is_complex():
        t = torch.view_as_real(t) if t.numel() <= max_elements else t.abs()
    if t.numel() <= max_elements:
        return TensorData(shape, dtype, t.tolist())
    as_float = t.double()
    stats = {
        "min": float(as_float.min()),
        "max": float(as_float.max()),
        "mean": float(as_float.mean()),
    }
    return TensorData(shape, dtype, None, stats)
