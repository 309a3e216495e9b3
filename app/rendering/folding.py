"""Long runs of one op or of one repeated block, drawn as their ends with one folded box between.

A loop such as `for i in range(1000): h = torch.sin(h)` makes a straight chain of 1,000
SinBackward0 nodes: drawn node by node it is a strip tens of thousands of pixels tall that no one
reads, and laying it out costs more than everything else in the request. TensorBoard groups such
series the same way. A loop whose body makes several ops (`h = torch.sigmoid(w * h + b)`, an RNN
cell, a residual block) repeats a block of k ops instead: periodic.py finds those, and they fold the
same way, their first and last repetitions drawn. Only the drawing folds; the JSON still lists every node, and
`collapse_runs=False` draws each one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..graph.model import Edge, Graph, Node
from .periodic import Wiring, anchor_chains, candidate_anchors, graph_wiring, repeated_runs

MIN_RUN = 24  # a run of fewer steps is drawn whole: a 20-layer vanishing-gradient demo stays readable
KEEP = 3  # steps drawn at each end of a folded run
MIN_REPEATS = 4  # however big a block, fewer repetitions than this are drawn whole


@dataclass(frozen=True)
class Fold:
    """Steps of one run drawn as a single box: the ids of its `nodes` in data-flow order (first
    step first). Ids only: a Result carries its folds to the web process, values stay in the graph."""

    id: str
    op: str  # the op of each repetition's last step (the only op when the period is 1)
    nodes: tuple[str, ...]
    ops: tuple[str, ...] = ()  # one repetition's ops in data-flow order
    period: int = 1  # ops per repetition
    repeats: int = 0  # repetitions the box stands for
    outputs: tuple[str, ...] = ()  # each folded repetition's last step, first repetition first

    @property
    def block_ops(self) -> tuple[str, ...]:
        """The ops of one repetition (the run's op alone when the period is 1)."""
        return self.ops or (self.op,)


def repeats_to_fold(period: int) -> int:
    """How many repetitions of a block of `period` ops a run needs before it folds: as many ops
    as a run of one op needs (MIN_RUN), and at least MIN_REPEATS."""
    return max(math.ceil(MIN_RUN / period), MIN_REPEATS, 2 * repetitions_kept(period) + 1)


def repetitions_kept(period: int) -> int:
    """Repetitions drawn at each end of a folded run: about KEEP ops' worth, at least one."""
    return math.ceil(KEEP / period)


def find_folds(graph: Graph) -> tuple[Fold, ...]:
    """The folds of a graph: runs of one op (see `single_op_folds`), then repeated blocks of
    several ops among the nodes left (see periodic.py)."""
    wiring = graph_wiring(graph)
    single = single_op_folds(graph, wiring)
    claimed = {node_id for fold in single for node_id in fold.nodes}
    return single + periodic_folds(graph, wiring, claimed)


def periodic_folds(graph: Graph, wiring: Wiring, claimed: set[str]) -> tuple[Fold, ...]:
    """Folds of repeated blocks: for each candidate anchor label, the runs of identical
    repetitions long enough to fold; nodes of a run found once are not looked at again."""
    taken = set(claimed)
    folds: list[Fold] = []
    for candidates in candidate_anchors(graph, MIN_REPEATS, claimed):
        anchors = set(candidates).difference(taken)
        if len(anchors) < MIN_REPEATS:
            continue
        for chain in anchor_chains(wiring, anchors):
            for run in repeated_runs(chain, MIN_REPEATS):
                period = len(run[0].nodes)
                run_nodes = [node_id for block in run for node_id in block.nodes]
                if len(run) < repeats_to_fold(period) or taken.intersection(run_nodes):
                    continue
                taken.update(run_nodes)
                kept = repetitions_kept(period)
                middle = run[kept:-kept]
                nodes = tuple(node_id for block in middle for node_id in block.nodes)
                ops = tuple(wiring.by_id[node_id].op or "" for node_id in middle[0].nodes)
                outputs = tuple(block.anchor for block in middle)
                folds.append(Fold(f"fold_{nodes[0]}", ops[-1], nodes, ops, period, len(middle), outputs))
    return tuple(folds)


def single_op_folds(graph: Graph, wiring: Wiring) -> tuple[Fold, ...]:
    """The folds of runs of one op: for every straight run of at least MIN_RUN `op` nodes of one class
    and one variable name (each step's only input is the step before, which feeds nothing else and
    is no root), the steps between its first KEEP and its last KEEP. A differently named step
    (`mid = torch.sin(h)` inside a loop of `h = torch.sin(h)`) ends a run, so it stays drawn."""
    by_id, inputs, consumers = wiring.by_id, wiring.inputs, wiring.consumers

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
            op = node.op or ""
            folds.append(Fold(f"fold_{middle[0]}", op, middle, (op,), 1, len(middle), middle))
    return tuple(folds)


def folded_view(graph: Graph, folds: Sequence[Fold]) -> tuple[list[Node | Fold], list[Edge]]:
    """What is drawn: the graph's nodes with every fold's steps replaced by the fold, in the
    graph's order, and the edges between them (edges inside a fold dropped, edges into or out of
    it attached to the fold, once: a leaf shared by every folded repetition gets one edge to it)."""
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
    edges: list[Edge] = []
    attached: set[tuple[str, str]] = set()
    for edge in graph.edges:
        source, target = fold_of.get(edge.source), fold_of.get(edge.target)
        if source is None and target is None:
            edges.append(edge)
            continue
        if source is not None and source is target:
            continue
        ends = (source.id if source else edge.source, target.id if target else edge.target)
        if ends not in attached:
            attached.add(ends)
            edges.append(replace(edge, source=ends[0], target=ends[1]))
    return drawn, edges
