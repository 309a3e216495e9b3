"""Capture -> Graph: number the autograd nodes in walk order and attach what was observed."""

from __future__ import annotations

import torch

from app.capture import AutogradNode, Capture, Observations, reachable_nodes
from app.graph.model import Edge, Graph, Node, TensorData
from app.graph.tensors import to_tensor_data


def walk_graph(capture: Capture, seen: Observations, max_elements: int) -> Graph:
    """Build the Graph below a capture's root: one `op` node per autograd node, one `leaf` node
    per leaf tensor right after its AccumulateGrad; ids n0, n1, ... in depth-first order from the
    root (never id()), so the nodes array reads in id order."""
    order = list(reachable_nodes(capture.root_node, *capture.more_roots))
    roots = {capture.root_node, *capture.more_roots}
    ids: dict[AutogradNode, str] = {}
    next_id = 0
    for node in order:
        ids[node] = f"n{next_id}"
        next_id += 2 if hasattr(node, "variable") else 1  # an AccumulateGrad's leaf takes the next id
    nodes: list[Node] = []
    edges: list[Edge] = []

    def data(t: torch.Tensor | None) -> TensorData | None:
        return None if t is None else to_tensor_data(t, max_elements)

    for node in order:
        nid = ids[node]
        nodes.append(
            Node(
                id=nid,
                kind="op",
                op=type(node).__name__,
                name=seen.node_names.get(node),
                value=data(seen.node_values.get(node)),
                grad=data(_flowed_grad(node, capture)),
                line=seen.node_lines.get(node),
                is_root=node in roots,
            )
        )
        edges.extend(Edge(ids[child], nid) for child, _ in node.next_functions if child is not None)
        variable = getattr(node, "variable", None)
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
                )
            )
            edges.append(Edge(leaf_id, nid))
    root_name = seen.node_names.get(capture.root_node)
    return Graph(root=root_name, nodes=tuple(nodes), edges=tuple(edges))


def _flowed_grad(node: AutogradNode, capture: Capture) -> torch.Tensor | None:
    grad = capture.grads.get(node)
    if grad is None and capture.automatic:
        # torch.autograd.grad stops at the leaves without running AccumulateGrad.
        variable = getattr(node, "variable", None)
        if variable is not None:
            grad = capture.leaf_grads.get(id(variable))
    return grad
