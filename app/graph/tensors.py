"""Copying tensors out of torch into plain TensorData."""

from __future__ import annotations

import torch

from .model import TensorData

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


def listed_size(shape: tuple[int, ...]) -> int:
    """How many numbers or lists `tolist()` makes at the deepest level: the elements, or for an
    empty tensor the empty lists its leading dimensions hold (a 3,000,000×0 tensor lists 3,000,000)."""
    count = 1
    for size in shape:
        if size == 0:
            return count
        count *= size
    return count


def summarise(data: TensorData) -> TensorData:
    """`data` without its elements, with the min/max/mean summary large tensors get."""
    t = torch.tensor(data.values, dtype=torch.float64)
    if data.dtype.startswith("complex"):  # listed as (real, imag) pairs
        t = torch.view_as_complex(t)
    return TensorData(data.shape, data.dtype, None, summary_stats(t))


# Most tensors of a drawn graph hold a few numbers: copying those out as TensorData right away
# costs a fraction of a clone, and drawing them later costs nothing more. Few enough that the
# Python numbers take little more memory than the clone would.
SNAPSHOT_ELEMENTS = 16

# A tensor's value kept for drawing later: TensorData already, or a detached copy.
Snapshot = torch.Tensor | TensorData


def snapshot(tensor: torch.Tensor, max_elements: int) -> Snapshot:
    """`tensor`'s value as it is now, unaffected by later in-place changes: as TensorData when it is
    small and real, or when it is too large to list (past `max_elements`: only its summary is ever
    shown, so a copy would hold memory the program never asked for), else as a detached clone."""
    numel = tensor.numel()
    if 0 < numel <= SNAPSHOT_ELEMENTS:
        dtype = tensor.dtype
        if not dtype.is_complex:
            return TensorData(tuple(tensor.shape), dtype_name(dtype), tensor.tolist())
    if listed_size(tuple(tensor.shape)) > max_elements:
        return to_tensor_data(tensor, max_elements)
    # Without requires_grad clone() records nothing, and skipping detach() saves a third.
    return tensor.detach().clone() if tensor.requires_grad else tensor.clone()


def snapshot_data(value: Snapshot, max_elements: int) -> TensorData:
    """A snapshot as TensorData, listed up to `max_elements` elements as to_tensor_data does."""
    if isinstance(value, TensorData):
        return value if value.values is None or value.numel <= max_elements else summarise(value)
    return to_tensor_data(value, max_elements)


def to_tensor_data(tensor: torch.Tensor, max_elements: int) -> TensorData:
    """Copy a tensor's shape, dtype and elements (a min/max/mean summary past `max_elements`)."""
    shape = tuple(tensor.shape)  # plain ints in eager mode
    dtype = dtype_name(tensor.dtype)
    if listed_size(shape) > max_elements:
        # An empty tensor has no min/max/mean: its summary is empty, and its shape says it all.
        return TensorData(shape, dtype, None, summary_stats(tensor) if tensor.numel() else {})
    if tensor.is_complex():
        # JSON has no complex numbers: a complex element is listed as its [real, imag] pair.
        return TensorData(shape, dtype, torch.view_as_real(tensor.detach()).tolist())
    return TensorData(shape, dtype, tensor.tolist())  # tolist() reads no autograd state: no detach needed
