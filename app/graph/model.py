"""Graph, Node, Edge and TensorData: plain values, no torch and no Graphviz inside."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

NodeKind = Literal["op", "leaf", "tensor", "saved"]

# A tensor's elements as nested Python lists (or a bare number for a 0-d tensor).
Values = Any


@dataclass(frozen=True)
class TensorData:
    """A tensor copied out of torch: shape, dtype and its elements, or a summary when it is large."""

    shape: tuple[int, ...]
    dtype: str
    values: Values | None  # None when the tensor has more elements than the limit
    stats: dict[str, float] | None = None  # min/max/mean of large tensors

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class LeafCheck:
    """A leaf's gradient from autograd against central finite differences (app/gradcheck.py):
    errors over the elements checked, relative to the leaf's largest gradient element; `ok` None
    when it was not checked, `note` saying why (or what was sampled)."""

    max_abs_error: float | None
    max_rel_error: float | None
    checked_elements: int
    elements: int
    ok: bool | None
    note: str | None = None


@dataclass(frozen=True)
class Node:
    """One drawn node: an autograd node (`op`), a leaf tensor, or a saved/intermediate tensor."""

    id: str
    kind: NodeKind
    op: str | None = None  # grad_fn class name, kind "op" only
    name: str | None = None  # the variable the tensor was bound to, if any
    value: TensorData | None = None
    grad: TensorData | None = None
    line: int | None = None
    is_root: bool = False
    gradcheck: LeafCheck | None = None  # a leaf's numeric gradient check (app/gradcheck.py)


@dataclass(frozen=True)
class Edge:
    """Data flows from `source` to `target` in the forward pass."""

    source: str
    target: str


@dataclass(frozen=True)
class Graph:
    """One captured autograd graph, nodes numbered in walk order from the root."""

    root: str | None  # the root tensor's variable name
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = field(default=())

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if absent)."""
        for candidate in self.nodes:
            if candidate.id == node_id:
                return candidate
        raise KeyError(node_id)
