"""A bound on the tensor elements one answer lists: past it, tensors are summarised (min/max/mean).

`json_value_elements` bounds one tensor; without a bound per answer, a short program with many
mid-sized tensors (300 layers of 99x99) answered hundreds of megabytes, each tensor listed in
`variables` and again in every node that shows it."""

from __future__ import annotations

from dataclasses import replace

from .graph.model import Edge, Graph, Node, TensorData
from .graph.tensors import summarise
from .i18n import Message, Text
from .result import RenderedGraph, Variable


class ListingBudget:
    """Lists a tensor while its elements fit in what is left, else keeps only its summary."""

    def __init__(self, elements: int) -> None:
        self.left = elements
        self.summarised = 0

    def take(self, data: TensorData) -> TensorData:
        if data.values is None:
            return data
        numel = data.numel
        if numel <= self.left:
            self.left -= numel
            return data
        self.summarised += 1
        return summarise(data)

    def take_optional(self, data: TensorData | None) -> TensorData | None:
        return None if data is None else self.take(data)


def within_listing_budget(
    graphs: tuple[RenderedGraph, ...], variables: dict[str, Variable], elements: int, warnings: list[Text]
) -> tuple[tuple[RenderedGraph, ...], dict[str, Variable]]:
    """The graphs and variables with at most `elements` numbers listed: named variables first,
    then the nodes in graph order. Only the JSON form changes: DOT and SVG are already drawn."""
    budget = ListingBudget(elements)
    listed = {
        name: replace(var, value=budget.take(var.value), grad=budget.take_optional(var.grad))
        for name, var in variables.items()
    }
    drawn = tuple(replace(g, graph=_graph_within(g.graph, budget)) for g in graphs)
    if budget.summarised:
        warnings.append(
            Message(
                "this answer lists at most {elements} numbers: {count} more tensor values "
                "and gradients show only their min, max and mean (value_stats, grad_stats)",
                elements=elements,
                count=budget.summarised,
            )
        )
    return drawn, listed


def _graph_within(graph: Graph, budget: ListingBudget) -> Graph:
    nodes = tuple(_node_within(node, budget) for node in graph.nodes)
    edges = tuple(_edge_within(edge, budget) for edge in graph.edges)  # after every node: nodes list first
    return replace(graph, nodes=nodes, edges=edges)


def _edge_within(edge: Edge, budget: ListingBudget) -> Edge:
    grad = budget.take_optional(edge.grad)
    local = edge.local
    if local is not None and local.value is not None:
        value = budget.take(local.value)
        local = local if value is local.value else replace(local, value=None if value.values is None else value)
    if grad is edge.grad and local is edge.local:
        return edge
    return replace(edge, grad=grad, local=local)


def _node_within(node: Node, budget: ListingBudget) -> Node:
    # Most nodes fit the budget as they are: keep them rather than copy (dataclass replace is slow).
    value, grad = budget.take_optional(node.value), budget.take_optional(node.grad)
    if value is node.value and grad is node.grad:
        return node
    return replace(node, value=value, grad=grad)
