"""The stepper: a graph as it stood at step k of its forward pass, then of its backward pass.

Step 0 shows no computed values; steps 1..F fill in the values of nodes in the order they were
made (forward_step); steps F+1..F+B fill in gradients in the order autograd ran the nodes
(backward_step). A step past the end shows the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Edge, Graph, Node


@dataclass(frozen=True)
class StepView:
    """`graph` with only what was known at `step`; `pending` nodes have not run yet."""

    graph: Graph
    step: int
    pending: frozenset[str]  # ids of nodes whose value is not computed yet at this step


def _made(node: Node, step: int) -> bool:
    # A node whose forward step is unknown (the notebook API records none) is shown from the start.
    return node.forward_step is None or node.forward_step <= step


def _ran_backward(node: Node, backward_done: int) -> bool:
    return node.backward_step is not None and node.backward_step <= backward_done


def graph_at_step(graph: Graph, step: int) -> StepView:
    """What the stepper shows at `step` (clamped to the last step)."""
    steps = graph.steps
    step = min(step, steps["forward"] + steps["backward"])
    backward_done = step - steps["forward"]
    nodes: list[Node] = []
    pending: set[str] = set()
    for node in graph.nodes:
        made = _made(node, step)
        if not made:
            pending.add(node.id)
        nodes.append(
            replace(
                node,
                value=node.value if made else None,
                grad=node.grad if _ran_backward(node, backward_done) else None,
                backward_step=node.backward_step if _ran_backward(node, backward_done) else None,
            )
        )
    by_id = {node.id: node for node in graph.nodes}
    edges: list[Edge] = []
    for edge in graph.edges:
        target = by_id[edge.target]
        # The target passes a gradient back along the edge when it runs in the backward pass.
        edges.append(
            replace(
                edge,
                grad=edge.grad if _ran_backward(target, backward_done) else None,
                local=edge.local if _made(target, step) else None,
            )
        )
    return StepView(replace(graph, nodes=tuple(nodes), edges=tuple(edges)), step, frozenset(pending))
