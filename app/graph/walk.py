"""Capture -> Graph: number the autograd nodes in walk order and attach what was observed."""

from __future__ import annotations

import torch

from ..capture import AutogradNode, Capture, Observations, reachable_nodes
from .model import Edge, Graph, Node, TensorData
from .tensors import Snapshot, snapshot_data, to_tensor_data


def walk_graph(capture: Capture, seen: Observations, max_elements: int) -> Graph:
    """Build the Graph below a capture's root: one `op` node per autograd node, one `leaf` node
    per leaf tensor right after its AccumulateGrad; ids n0, n1, ... in depth-first order from the
    root (never id()), so the nodes array reads in id order."""
    order = reachable_nodes(capture.root_node, *capture.more_roots)
    roots = {capture.root_node, *capture.more_roots}
    ids: dict[AutogradNode, str] = {}
    variables: dict[AutogradNode, torch.Tensor] = {}  # AccumulateGrad -> its leaf
    next_id = 0
    for node in order:
        ids[node] = f"n{next_id}"
        if hasattr(node, "variable"):
            variables[node] = node.variable
            next_id += 2  # an AccumulateGrad's leaf takes the next id
        else:
            next_id += 1
    nodes: list[Node] = []
    edges: list[Edge] = []

    def data(t: torch.Tensor | None) -> TensorData | None:
        return None if t is None else to_tensor_data(t, max_elements)

    def observed(value: Snapshot | None) -> TensorData | None:
        return None if value is None else snapshot_data(value, max_elements)

    node_names, node_values, node_lines = seen.node_names.get, seen.node_values.get, seen.node_lines.get
    grads = capture.grads.get
    for node in order:
        nid = ids[node]
        variable = variables.get(node)
        grad = grads(node)
        if grad is None and capture.automatic and variable is not None:
            # torch.autograd.grad stops at the leaves without running AccumulateGrad.
            grad = capture.leaf_grads.get(id(variable))
        nodes.append(
            Node(
                id=nid,
                kind="op",
                op=type(node).__name__,
                name=node_names(node),
                value=observed(node_values(node)),
                grad=observed(grad),
                line=node_lines(node),
                is_root=node in roots,
            )
        )
        edges.extend(Edge(ids[child], nid) for child, _ in node.next_functions if child is not None)
        if variable is not None:
            leaf_id = f"n{int(nid[1:]) + 1}"
            key = id(variable)
            nodes.append(
                Node(
                    id=leaf_id,
                    kind="leaf",
                    name=seen.leaf_names.get(key),
                    value=data(capture.leaf_values.get(key)),
                    grad=data(capture.leaf_grads.get(key)),
                    line=seen.leaf_lines.get(key),
                    gradcheck=capture.gradcheck.get(key),
                )
            )
            edges.append(Edge(leaf_id, nid))
    root_name = seen.node_names.get(capture.root_node)
    return Graph(root=root_name, nodes=tuple(nodes), edges=tuple(edges))
