"""What flowed in one backward call, seen by hooks on the autograd nodes: the gradient into each
node, the gradient each node passed to each of its inputs (the edges' contributions), and the
order autograd ran the nodes. Hooks are removed before returning: the program is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import torch

from .graph.tensors import Snapshot, snapshot

# An autograd node (`t.grad_fn`); torch exposes no public class for it.
AutogradNode = Any
Gradients = dict[AutogradNode, Snapshot]
EdgeGradients = dict[AutogradNode, tuple[Snapshot | None, ...]]


@dataclass
class BackwardFlow:
    """The gradients of one backward call, node by node and edge by edge."""

    grads: Gradients = field(default_factory=dict)  # into each node: its first output that received one
    # grad_inputs, by next_functions index, of the nodes that feed an input several nodes read (the
    # other edges carry their input's whole gradient, see feeding_shared_inputs)
    passed: EdgeGradients = field(default_factory=dict)
    order: list[AutogradNode] = field(default_factory=list)  # the nodes in the order autograd ran them
    hooked: set[AutogradNode] = field(default_factory=set)  # the nodes whose grad_inputs were watched


def feeding_shared_inputs(nodes: list[AutogradNode]) -> list[AutogradNode]:
    """The nodes that pass a gradient to an input read by several nodes (`y` in `y * y`). Only their
    edges need a hook: an input read once receives exactly its node's gradient along its one edge,
    which the pre-hook on that input records already (a 1,000-step chain needs no extra hooks)."""
    readers: dict[AutogradNode, int] = {}
    for node in nodes:
        for child, _ in node.next_functions:
            if child is not None:
                readers[child] = readers.get(child, 0) + 1
    return [node for node in nodes if any(child is not None and readers[child] > 1 for child, _ in node.next_functions)]


def gradients_flowing(nodes: list[AutogradNode], run: Callable[[], Any], max_elements: int) -> tuple[BackwardFlow, Any]:
    """Call `run` (a backward pass) with a pre-hook and a hook on every node; return what flowed
    (BackwardFlow) and what `run` returned. Gradients past `max_elements` are kept as their summary,
    the only thing shown of them."""
    flow = BackwardFlow()

    def before(node: AutogradNode, grad_outputs: tuple[torch.Tensor | None, ...]) -> None:
        flow.order.append(node)
        for flowed in grad_outputs:
            if flowed is not None:
                flow.grads[node] = snapshot(flowed, max_elements)
                return

    def after(node: AutogradNode, grad_inputs: tuple[torch.Tensor | None, ...], _: object) -> None:
        if grad_inputs:
            flow.passed[node] = tuple(None if g is None else snapshot(g, max_elements) for g in grad_inputs)

    handles = [n.register_prehook(partial(before, n)) for n in nodes]
    flow.hooked = set(feeding_shared_inputs(nodes))
    handles += [n.register_hook(partial(after, n)) for n in flow.hooked]
    try:
        returned = run()
    finally:
        for handle in handles:
            handle.remove()
    return flow, returned
