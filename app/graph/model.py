"""Graph, Node, Edge and TensorData: plain values, no torch and no Graphviz inside."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..i18n import Text

NodeKind = Literal["op", "leaf", "tensor", "saved"]

# A tensor's elements as nested Python lists (or a bare number for a 0-d tensor).
Values = Any


def listed_elements(values: Values) -> Iterator[Any]:
    """The numbers of nested lists (a tensor's listed values), in order."""
    if isinstance(values, list):
        for value in values:
            yield from listed_elements(value)
    else:
        yield values


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
    note: Text | None = None  # shown in the request's language (result.gradcheck_to_json)


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
    forward_step: int | None = None  # 1-based order this graph's ops ran / leaves were made
    backward_step: int | None = None  # 1-based order autograd ran it in the drawn backward call
    span: tuple[int, int, int, int] | None = None  # line, col, end_line, end_col of its sub-expression
    gradcheck: LeafCheck | None = None  # a leaf's numeric gradient check (app/gradcheck.py)


@dataclass(frozen=True)
class LocalDerivative:
    """How `target` turns the gradient it receives into the one it passes to `source`: a factor
    (`×6`, with its elements in `value`) or a rule (`grad @ Bᵀ`, `sums over dim 0`, no value)."""

    text: Text  # words in it are shown in the request's language (drawings, result.edge_to_json)
    value: TensorData | None = None


@dataclass(frozen=True)
class Edge:
    """Data flows from `source` to `target` in the forward pass; in the drawn backward call `grad`
    flowed back along it (the target's contribution to the source's gradient, in the source's shape)."""

    source: str
    target: str
    grad: TensorData | None = None
    local: LocalDerivative | None = None
    output: int = 0  # which of the source's outputs the target read (autograd's input_nr)


@dataclass(frozen=True)
class Graph:
    """One captured autograd graph, nodes numbered in walk order from the root."""

    root: str | None  # the root tensor's variable name
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def steps(self) -> dict[str, int]:
        """How many forward and backward steps a stepper walks through this graph."""
        forward = max((n.forward_step or 0 for n in self.nodes), default=0)
        backward = max((n.backward_step or 0 for n in self.nodes), default=0)
        return {"forward": forward, "backward": backward}

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if absent)."""
        for candidate in self.nodes:
            if candidate.id == node_id:
                return candidate
        raise KeyError(node_id)
