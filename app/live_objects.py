"""What a program holds alive at once: tensor elements and autograd nodes, counted as they die.

Limits bound what is alive, not the total work: a training loop frees each step's tensors and
graph, so it may run as long as its time allows. Storages are tracked through weak references
(torch keeps one Python object per live storage, so the reference dies exactly when the memory
is freed); autograd nodes carry a record in their own metadata, freed with the node, so neither
the count nor what was observed of a node keeps it alive.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, MutableMapping
from contextvars import ContextVar
from functools import partial
from typing import Any

import torch

AutogradNode = Any
_KEY = "gradtrace"  # the key of our record in a node's metadata dict (user code cannot reach metadata)


class LiveElements:
    """Elements of the tensor storages a run allocated that are still alive."""

    def __init__(self) -> None:
        self.count = 0
        self.peak = 0
        self._refs: dict[int, tuple[weakref.ref[Any], int]] = {}

    def add(self, tensor: torch.Tensor) -> None:
        """Count `tensor`'s storage once, until torch frees it."""
        storage = tensor.untyped_storage()
        key = id(storage)
        if key in self._refs:
            return
        elements = tensor.numel()
        self._refs[key] = (weakref.ref(storage, partial(self._freed, key)), elements)
        self.count += elements
        self.peak = max(self.peak, self.count)

    def add_array(self, array: Any) -> None:
        """Count a numpy array's memory once (views count with the array owning it), until freed."""
        owner = array
        while getattr(owner, "base", None) is not None and hasattr(owner.base, "__array_interface__"):
            owner = owner.base
        key = id(owner)
        if key in self._refs:
            return
        elements = int(owner.size)
        self._refs[key] = (weakref.ref(owner, partial(self._freed, key)), elements)
        self.count += elements
        self.peak = max(self.peak, self.count)

    def _freed(self, key: int, ref: object = None) -> None:
        entry = self._refs.pop(key, None)
        if entry is not None:
            self.count -= entry[1]


# The live count of the run in progress, for memory torch does not allocate (numpy arrays): set
# while a Recorder is active, so arrays count against the same limit as tensors.
RUN_ELEMENTS: ContextVar[LiveElements | None] = ContextVar("gradtrace_run_elements", default=None)


class NodeRecord:
    """What was observed of one autograd node; lives in the node's metadata and dies with it."""

    __slots__ = ("line", "name", "owner", "span", "step", "value")

    def __init__(self, owner: LiveNodes) -> None:
        self.owner = owner
        self.value: Any = None
        self.line: int | None = None
        self.name: str | None = None
        self.step: int | None = None  # when the recorder saw it made (Recorder.made)
        self.span: Any = None  # the ast node of the sub-expression that made it
        owner.count += 1
        owner.peak = max(owner.peak, owner.count)

    def __del__(self) -> None:
        self.owner.count -= 1


class LiveNodes:
    """Records of the autograd nodes a run observed, and how many of them are alive."""

    def __init__(self) -> None:
        self.count = 0
        self.peak = 0

    def record(self, node: AutogradNode) -> NodeRecord:
        """The node's record, made on first sight."""
        metadata = node.metadata
        found = metadata.get(_KEY)
        if type(found) is NodeRecord and found.owner is self:
            return found
        made = NodeRecord(self)
        metadata[_KEY] = made
        return made

    @staticmethod
    def find(node: AutogradNode, owner: LiveNodes) -> NodeRecord | None:
        """The node's record of `owner`, if it has one."""
        found = node.metadata.get(_KEY)
        return found if type(found) is NodeRecord and found.owner is owner else None


class NodeField(MutableMapping[AutogradNode, Any]):
    """One field of the live records, read like the dict the graph walker expects (node -> value)."""

    def __init__(self, nodes: LiveNodes, field: str) -> None:
        self.nodes = nodes
        self.field = field

    def __getitem__(self, node: AutogradNode) -> Any:
        found = LiveNodes.find(node, self.nodes)
        value = None if found is None else getattr(found, self.field)
        if value is None:
            raise KeyError(node)
        return value

    def __contains__(self, node: object) -> bool:
        found = LiveNodes.find(node, self.nodes)
        return found is not None and getattr(found, self.field) is not None

    def get(self, node: AutogradNode, default: Any = None) -> Any:
        found = LiveNodes.find(node, self.nodes)
        value = None if found is None else getattr(found, self.field)
        return default if value is None else value

    def __setitem__(self, node: AutogradNode, value: Any) -> None:
        setattr(self.nodes.record(node), self.field, value)

    def setdefault(self, node: AutogradNode, default: Any = None) -> Any:
        record = self.nodes.record(node)
        if getattr(record, self.field) is None:
            setattr(record, self.field, default)
        return getattr(record, self.field)

    def __delitem__(self, node: AutogradNode) -> None:
        found = LiveNodes.find(node, self.nodes)
        if found is not None:
            setattr(found, self.field, None)

    def __iter__(self) -> Iterator[AutogradNode]:
        raise TypeError("the live records cannot be listed: walk the graph from a root instead")

    def __len__(self) -> int:
        return self.nodes.count


class LiveLeafTable(MutableMapping[int, Any]):
    """id(leaf tensor) -> value, forgotten when the tensor dies (so a reused id never inherits it)."""

    def __init__(self) -> None:
        self._values: dict[int, Any] = {}
        self._refs: dict[int, weakref.ref[torch.Tensor]] = {}

    def watch(self, tensor: torch.Tensor) -> None:
        """Forget what is known under id(tensor) when it dies."""
        key = id(tensor)
        if key not in self._refs:
            self._refs[key] = weakref.ref(tensor, partial(self._forget, key))

    def _forget(self, key: int, ref: object = None) -> None:
        self._values.pop(key, None)
        self._refs.pop(key, None)

    def __getitem__(self, key: int) -> Any:
        return self._values[key]

    # The recorder asks these for every tensor a program binds: answer from the dict directly
    # (MutableMapping's versions raise and catch a KeyError per miss).
    def get(self, key: int, default: Any = None) -> Any:
        return self._values.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def setdefault(self, key: int, default: Any = None) -> Any:
        return self._values.setdefault(key, default)

    def __setitem__(self, key: int, value: Any) -> None:
        self._values[key] = value

    def __delitem__(self, key: int) -> None:
        del self._values[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
