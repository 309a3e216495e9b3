"""Capture -> Graph: number the autograd nodes in walk order and attach what was observed."""

from __future__ import annotations

from typing import Any

import torch

from ..capture import AutogradNode, Capture, Observations, reachable_nodes
from .local_derivatives import broadcast_note, sums_broadcast, with_broadcast
from .model import Edge, Graph, Node, TensorData
from .tensors import Snapshot, snapshot_data, to_tensor_data


def _backward_steps(
    capture: Capture, order: list[AutogradNode]
) -> tuple[dict[AutogradNode, int], dict[AutogradNode, int]]:
    """1-based order autograd ran each node in this call, from the hooks; and for each leaf (keyed
    by its AccumulateGrad) the step its gradient was whole at: its AccumulateGrad's, or where that
    did not run (torch.autograd.grad stops before it), the step its last consumer ran at."""
    in_graph = set(order)
    ran = [node for node in capture.flow.order if node in in_graph]
    steps = {node: step for step, node in enumerate(dict.fromkeys(ran), start=1)}
    leaves: dict[AutogradNode, int] = {}
    for node in order:
        for child, _ in node.next_functions:
            if child is not None and hasattr(child, "variable") and node in steps:
                leaves[child] = steps[child] if child in steps else max(leaves.get(child, 0), steps[node])
    return steps, leaves


def _forward_steps(seen: Observations, order: list[AutogradNode]) -> dict[object, int]:
    """Forward steps of the graph's ops (keyed by node) and leaves (keyed by their AccumulateGrad),
    renumbered from 1. A leaf shows up when it was made, or, when that is unknown or later than its
    first use (a tensor made before requires_grad_(), a parameter), right before its first use."""
    raw: dict[object, float] = {}
    for node in order:
        step = None if hasattr(node, "variable") else seen.node_steps.get(node)
        if step is not None:
            raw[node] = step
    first_use: dict[AutogradNode, float] = {}
    for node in order:
        for child, _ in node.next_functions:
            if child is not None and hasattr(child, "variable") and node in raw:
                first_use[child] = min(first_use.get(child, raw[node]), raw[node])
    for node in order:
        if not hasattr(node, "variable"):
            continue
        made, used = seen.leaf_steps.get(id(node.variable)), first_use.get(node)
        if made is not None and (used is None or made < used):
            raw[node] = made
        elif used is not None:
            raw[node] = used - 0.5
    ranks = {step: rank for rank, step in enumerate(sorted(set(raw.values())), start=1)}
    return {key: ranks[step] for key, step in raw.items()}


def source_span(expression: Any) -> tuple[int, int, int, int] | None:
    """[line, col, end_line, end_col] of the ast node that made a tensor (cols 0-based, as ast's)."""
    end_line, end_col = getattr(expression, "end_lineno", None), getattr(expression, "end_col_offset", None)
    if expression is None or end_line is None or end_col is None:
        return None
    return (expression.lineno, expression.col_offset, end_line, end_col)


class _Walk:
    """One walk: the ids of the nodes and what was observed of them."""

    def __init__(self, capture: Capture, seen: Observations, max_elements: int) -> None:
        self.capture, self.seen, self.max_elements = capture, seen, max_elements
        self.order = reachable_nodes(capture.root_node, *capture.more_roots)
        self.ids: dict[AutogradNode, str] = {}
        next_id = 0
        for node in self.order:
            self.ids[node] = f"n{next_id}"
            next_id += 2 if hasattr(node, "variable") else 1  # an AccumulateGrad's leaf takes the next id
        self.backward, self.leaf_backward = _backward_steps(capture, self.order)
        self.forward = _forward_steps(seen, self.order)
        self.roots = (capture.root_node, *capture.more_roots)

    def data(self, value: torch.Tensor | Snapshot | None) -> TensorData | None:
        if value is None:
            return None
        if isinstance(value, torch.Tensor):
            return to_tensor_data(value, self.max_elements)
        return snapshot_data(value, self.max_elements)

    def op_node(self, node: AutogradNode, variable: torch.Tensor | None, grad: Snapshot | None) -> Node:
        value, line, name, span = self.seen.of_node(node)  # one read of the node's record
        if variable is not None:  # an AccumulateGrad stands for its leaf
            span = self.seen.leaf_spans.get(id(variable))
        return Node(
            id=self.ids[node],
            kind="op",
            op=type(node).__name__,
            name=name,
            value=self.data(value),
            grad=self.data(grad),
            line=line,
            is_root=node in self.roots,
            forward_step=self.forward.get(node),
            backward_step=self.backward.get(node),
            span=source_span(span),
        )

    def leaf_node(self, node: AutogradNode, variable: torch.Tensor) -> Node:
        key, capture = id(variable), self.capture
        return Node(
            id=f"n{int(self.ids[node][1:]) + 1}",
            kind="leaf",
            name=self.seen.leaf_names.get(key),
            value=self.data(capture.leaf_values.get(key)),
            grad=self.data(capture.leaf_grads.get(key)),
            line=self.seen.leaf_lines.get(key),
            forward_step=self.forward.get(node),
            backward_step=self.leaf_backward.get(node),
            span=source_span(self.seen.leaf_spans.get(key)),
            gradcheck=capture.gradcheck.get(key),
        )

    def received(self, node: AutogradNode, variable: torch.Tensor | None) -> Snapshot | torch.Tensor | None:
        """The gradient that flowed into `node` in this call (a leaf's, where autograd.grad stopped
        before its AccumulateGrad)."""
        grad = self.capture.grads.get(node)
        if grad is None and self.capture.automatic and variable is not None:
            return self.capture.leaf_grads.get(id(variable))
        return grad

    def input_edges(self, node: AutogradNode, drawn: Node) -> list[Edge]:
        """The edges into `node` from its inputs, each with what flowed back along it."""
        flow, ids = self.capture.flow, self.ids
        hooked = node in flow.hooked
        passed = flow.passed.get(node, ())
        locals_ = self.capture.locals.get(node, ())
        op = drawn.op or ""
        out_shape = drawn.grad.shape if drawn.grad is not None else None
        edges = []
        for index, (child, output) in enumerate(node.next_functions):
            if child is None:
                continue
            if hooked:
                grad = self.data(passed[index]) if index < len(passed) else None
            else:  # the input's only reader: the edge carries the input's whole gradient
                grad = self.data(self.received(child, getattr(child, "variable", None)))
            local = locals_[index] if index < len(locals_) else None
            if grad is not None and out_shape is not None and sums_broadcast(op, index):
                local = with_broadcast(local, broadcast_note(grad.shape, out_shape))
            edges.append(Edge(ids[child], drawn.id, grad=grad, local=local, output=output))
        return edges


def walk_graph(capture: Capture, seen: Observations, max_elements: int) -> Graph:
    """Build the Graph below a capture's root: one `op` node per autograd node, one `leaf` node
    per leaf tensor right after its AccumulateGrad; ids n0, n1, ... in depth-first order from the
    root (never id()), so the nodes array reads in id order."""
    walk = _Walk(capture, seen, max_elements)
    nodes: list[Node] = []
    edges: list[Edge] = []
    for node in walk.order:
        variable = getattr(node, "variable", None)
        drawn = walk.op_node(node, variable, walk.received(node, variable))
        nodes.append(drawn)
        edges.extend(walk.input_edges(node, drawn))
        if variable is not None:
            leaf = walk.leaf_node(node, variable)
            nodes.append(leaf)
            # What reached the leaf in this call: the AccumulateGrad's incoming gradient.
            edges.append(Edge(leaf.id, drawn.id, grad=drawn.grad))
    root_name = seen.node_names.get(capture.root_node)
    return Graph(root=root_name, nodes=tuple(nodes), edges=tuple(edges))
