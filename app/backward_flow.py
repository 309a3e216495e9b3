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
    passed: EdgeGradients = field(default_factory=dict)  # each node's grad_inputs, by next_functions index
    order: list[AutogradNode] = field(default_factory=list)  # the nodes in the order autograd ran them


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
    handles += [n.register_hook(partial(after, n)) for n in nodes if n.next_functions]
    try:
        returned = run()
    finally:
        for handle in handles:
            handle.remove()
    return flow, returned
