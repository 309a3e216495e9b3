"""Long runs of one op, drawn as their first and last steps with one folded box between.

A loop such as `for i in range(1000): h = torch.sin(h)` makes a straight chain of 1,000
SinBackward0 nodes: drawn node by node it is a strip tens of thousands of pixels tall that no one
reads, and laying it out costs more than everything else in the request. TensorBoard groups such
series the same way. Only the drawing folds; the JSON still lists every node, and
`collapse_runs=False` draws each one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..graph.model import Edge, Graph, Node

MIN_RUN = 24  # a run of fewer steps is drawn whole: a 20-layer vanishing-gradient demo stays readable
KEEP = 3  # steps drawn at each end of a folded run


@dataclass(frozen=True)
class Fold:
    """Steps of one run drawn as a single box: the ids of its `nodes` in data-flow order (first
    step first). Ids only: a Result carries its folds to the web process, values stay in the graph."""

    id: str
    op: str
    nodes: tuple[str, ...]


def find_folds(graph: Graph) -> tuple[Fold, ...]:
    """The folds of a graph: for every straight run of at least MIN_RUN `op` nodes of one class
    and one variable name (each step's only input is the step before, which feeds nothing else and
    is no root), the steps between its first KEEP and its last KEEP. A differently named step
    (`mid = torch.sin(h)` inside a loop of `h = torch.sin(h)`) ends a run, so it stays drawn."""
    by_id = {node.id: node for node in graph.nodes}
    inputs: dict[str, list[str]] = defaultdict(list)
    consumers: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        inputs[edge.target].append(edge.source)
        consumers[edge.source].append(edge.target)

    def previous_step(node: Node) -> Node | None:
        """The step before `node` in a run of its op, or None where a run cannot continue."""
        if node.kind != "op" or len(inputs[node.id]) != 1:
            return None
        before = by_id[inputs[node.id][0]]
        if before.kind != "op" or before.op != node.op or before.name != node.name or before.is_root:
            return None
        return before if len(consumers[before.id]) == 1 else None

    folds = []
    continues_a_run = {before.id for node in graph.nodes if (before := previous_step(node)) is not None}
    for node in graph.nodes:
        if node.kind != "op" or node.id in continues_a_run:
            continue  # not the last step of a run: its run is found from that step
        run = [node]
        while (before := previous_step(run[-1])) is not None:
            run.append(before)
        if len(run) >= MIN_RUN:
            run.reverse()  # data-flow order
            middle = tuple(step.id for step in run[KEEP:-KEEP])
            folds.append(Fold(f"fold_{middle[0]}", node.op or "", middle))
    return tuple(folds)


def folded_view(graph: Graph, folds: Sequence[Fold]) -> tuple[list[Node | Fold], list[Edge]]:
    """What is drawn: the graph's nodes with every fold's steps replaced by the fold, in the
    graph's order, and the edges between them (edges inside a fold dropped, edges into or out of
    it attached to the fold)."""
    if not folds:
        return list(graph.nodes), list(graph.edges)
    fold_of = {node_id: fold for fold in folds for node_id in fold.nodes}
    drawn: list[Node | Fold] = []
    for node in graph.nodes:
        fold = fold_of.get(node.id)
        if fold is None:
            drawn.append(node)
        elif node.id == fold.nodes[-1]:  # the fold takes the place of its last step
            drawn.append(fold)
    edges = []
    for edge in graph.edges:
        source, target = fold_of.get(edge.source), fold_of.get(edge.target)
        if source is not None and source is target:
            continue
        edges.append(Edge(source.id if source else edge.source, target.id if target else edge.target))
    return drawn, edges
