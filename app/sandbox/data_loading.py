"""`from torch.utils.data import TensorDataset, DataLoader` on tensors held in memory.

The real classes run, so batches and shuffled orders are PyTorch's own: shuffling draws from the
request's seeded generator (or a torch.Generator the program made). Only data goes in: no
sampler, collate or worker function of the program's, and loading stays in the worker process.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .objects import class_of
from .values import HostFunction, Namespace, check_argument, is_tensor

LOADER_OPTIONS = frozenset({"batch_size", "shuffle", "drop_last", "generator", "num_workers", "pin_memory"})
DATASET_VALUES = frozenset({"tensors"})
LOADER_VALUES = frozenset({"dataset", "batch_size", "drop_last"})


def make_dataset(*tensors: Any) -> TensorDataset:
    """TensorDataset(x, y): tensors with the same first dimension."""
    if not tensors or not all(is_tensor(t) for t in tensors):
        raise GradtraceError(
            "runtime",
            Message("TypeError: TensorDataset takes tensors, such as TensorDataset(x, y)"),
            code="runtime.type_error",
        )
    return TensorDataset(*tensors)


def is_user_dataset(value: object) -> bool:
    """An instance of the program's own `class D(Dataset)`: DataLoader reads it through its
    __len__/__getitem__, which run in the interpreter (objects.UserInstance)."""
    cls = class_of(value)
    return cls is not None and any(
        isinstance(base, HostFunction) and base.cls is Dataset for c in cls.mro for base in c.bases
    )


def make_loader(dataset: Any, batch_size: Any = 1, shuffle: Any = False, **options: Any) -> DataLoader[Any]:
    """DataLoader over a TensorDataset, a tensor or a list; in this process, with PyTorch's batching."""
    unknown = set(options) - LOADER_OPTIONS
    if unknown:
        raise GradtraceError(
            "forbidden",
            Message(
                "DataLoader(..., {option}=...) is not available here; use batch_size, shuffle, drop_last and generator",
                option=sorted(unknown)[0],
            ),
            code="forbidden.argument",
        )
    if not isinstance(dataset, TensorDataset) and not is_user_dataset(dataset):
        check_argument(dataset, "DataLoader", allow_modules=False)
    for value in (batch_size, shuffle, options.get("drop_last", False)):
        check_argument(value, "DataLoader", allow_modules=False)
    generator = options.get("generator")
    if generator is not None and type(generator) is not torch.Generator:
        raise GradtraceError(
            "runtime", Message("TypeError: DataLoader's generator must be a torch.Generator"), code="runtime.type_error"
        )
    # Workers would be processes of their own: batches are the same when loaded here.
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=bool(shuffle),
        drop_last=bool(options.get("drop_last", False)),
        generator=generator,
        num_workers=0,
    )


def _base_only(*args: Any, **kwargs: Any) -> None:
    raise GradtraceError(
        "forbidden",
        Message("`Dataset()` is used as a base class here: write `class MyData(Dataset):`"),
        code="forbidden.dataset",
    )


def _read_attribute(obj: Any, name: str, shown: str, limits: Limits) -> object:
    allowed = DATASET_VALUES if isinstance(obj, TensorDataset) else LOADER_VALUES
    if name not in allowed:
        raise GradtraceError(
            "forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute"
        )
    return getattr(obj, name)


def build_data_namespace() -> Namespace:
    """torch.utils.data with the two offered classes."""
    return Namespace(
        "torch.utils.data",
        {
            "TensorDataset": HostFunction("TensorDataset", make_dataset, cls=TensorDataset, policy="builtin"),
            "DataLoader": HostFunction("DataLoader", make_loader, cls=DataLoader, policy="builtin"),
            "Dataset": HostFunction("Dataset", _base_only, cls=Dataset, policy="builtin"),
        },
    )


extensions.register_kind("data", TensorDataset, DataLoader)
extensions.ATTRIBUTES["data"] = _read_attribute
extensions.ITERABLE_KINDS.add("data")
extensions.INDEXABLE_KINDS.add("data")
