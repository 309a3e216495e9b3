"""Repeated blocks of ops: the same k ops, wired the same way, repeated n times in a row.

`h = torch.sigmoid(w * h + b)` in a loop, an unrolled RNN cell and a stack of residual blocks
are all chains of blocks. Each block ends at an *anchor* (its output, e.g. the SigmoidBackward0
bound to `h`), takes the previous block's anchor as its one recurrent input, and may read tensors
shared by every repetition (the AccumulateGrad of `w` and `b`), which stay outside the blocks.

How blocks are found, for one candidate anchor label (op class and variable name):
- every node learns its nearest anchor upstream (`ua`) and downstream (`da`) by one pass each
  way in topological order; a node that reaches two different anchors in a direction has none;
- the block of anchor `a` is `a` and the nodes whose nearest anchor downstream is `a` and
  upstream is `a`'s predecessor (the recurrent body) or none (per-step inputs such as `xs[t]`);
- a block's signature is its nodes in data-flow order, each with its label and where its inputs
  come from (inside the block, the previous anchor, or a named outside node): consecutive blocks
  with one signature are repetitions, and an outside node in the signature is shared by all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..graph.model import Graph, Node

Label = tuple[str, str | None, str | None]  # kind, op, name
_MIXED = "\0mixed"  # reached two different anchors: belongs to no single block
Nearest = dict[str, str | None]  # node id -> its nearest anchor (None: none; _MIXED: several)
CANDIDATE_LABELS = 8  # anchor labels tried per graph, most frequent first: bounds the time on big graphs


@dataclass(frozen=True)
class Block:
    """One repetition: its nodes in data-flow order (its anchor last)."""

    anchor: str
    nodes: tuple[str, ...]
    signature: tuple[object, ...]
    sealed: bool  # nothing but the next repetition reads it, and it holds no root


@dataclass(frozen=True)
class Wiring:
    """A graph's edges as lookups, and a topological (data-flow) order of its node ids."""

    by_id: dict[str, Node]
    labels: dict[str, Label]
    inputs: dict[str, list[str]]
    consumers: dict[str, list[str]]
    order: tuple[str, ...]


def graph_wiring(graph: Graph) -> Wiring:
    """The inputs and consumers of every node, and a data-flow order (inputs before consumers)."""
    inputs: dict[str, list[str]] = defaultdict(list)
    consumers: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        inputs[edge.target].append(edge.source)
        consumers[edge.source].append(edge.target)
    waiting = {node.id: len(inputs[node.id]) for node in graph.nodes}
    ready = [node.id for node in reversed(graph.nodes) if not waiting[node.id]]
    order: list[str] = []
    while ready:
        current = ready.pop()
        order.append(current)
        for consumer in consumers[current]:
            waiting[consumer] -= 1
            if not waiting[consumer]:
                ready.append(consumer)
    by_id = {node.id: node for node in graph.nodes}
    labels: dict[str, Label] = {node.id: (node.kind, node.op, node.name) for node in graph.nodes}
    return Wiring(by_id, labels, inputs, consumers, tuple(order))


def candidate_anchors(graph: Graph, min_count: int, claimed: set[str]) -> list[list[str]]:
    """The ids of each op label seen at least `min_count` times outside earlier folds, label by
    label: named ones first (a loop variable such as `h` ends each repetition), then the most frequent."""
    by_label: dict[Label, list[str]] = defaultdict(list)
    for node in graph.nodes:
        if node.kind == "op" and node.id not in claimed:
            by_label[(node.kind, node.op, node.name)].append(node.id)
    frequent = [(label, ids) for label, ids in by_label.items() if len(ids) >= min_count]
    frequent.sort(key=lambda pair: (pair[0][2] is None, -len(pair[1])))
    return [ids for _, ids in frequent[:CANDIDATE_LABELS]]


def _nearest_anchors(order: Sequence[str], neighbours: dict[str, list[str]], anchors: set[str]) -> Nearest:
    """For each node, the one anchor that every path through `neighbours` reaches first (None
    when none does, _MIXED when paths reach different ones); `order` visits neighbours first."""
    nearest: dict[str, str | None] = {}
    for node_id in order:
        found: str | None = None
        for other in neighbours[node_id]:
            anchor = other if other in anchors else nearest[other]
            if anchor is None or anchor == found:
                continue
            if found is not None:
                found = _MIXED
                break
            found = anchor
        nearest[node_id] = found
    return nearest


def anchor_chains(wiring: Wiring, anchors: set[str]) -> list[list[Block]]:
    """Chains of consecutive blocks ending at `anchors`, each in data-flow order."""
    upstream = _nearest_anchors(wiring.order, wiring.inputs, anchors)
    downstream = _nearest_anchors(wiring.order[::-1], wiring.consumers, anchors)
    previous = {a: p for a in anchors if (p := upstream[a]) in anchors}
    successors: dict[str, list[str]] = defaultdict(list)
    for anchor, before in previous.items():
        successors[before].append(anchor)
    members: dict[str, list[str]] = defaultdict(list)
    for node_id in wiring.order:
        below = downstream[node_id]
        if node_id not in anchors and below in previous and upstream[node_id] in (previous[below], None):
            members[below].append(node_id)
    following = {a: after[0] for a, after in successors.items() if len(after) == 1}
    owner = {node_id: anchor for anchor in previous for node_id in (*members[anchor], anchor)}
    blocks = {a: _block(wiring, a, before, members[a], owner, following.get(a)) for a, before in previous.items()}
    chains: list[list[Block]] = []
    for anchor in wiring.order:
        if anchor not in blocks or (following.get(previous[anchor]) == anchor and previous[anchor] in blocks):
            continue  # not a block, or one that continues a chain started before it
        chain = [blocks[anchor]]
        while (after := following.get(chain[-1].anchor)) is not None:
            chain.append(blocks[after])
        chains.append(chain)
    return chains


def _block(
    wiring: Wiring, anchor: str, before: str, members: list[str], owner: dict[str, str], after: str | None
) -> Block:
    """The repetition ending at `anchor` (its `members` in data-flow order, then itself), with its
    signature, and sealed when nothing but its own nodes and the next repetition (ending at
    `after`) reads it and it holds no root: such a repetition folds without hiding an edge that
    leaves the run. Blocks are compared by signature only, so one whose nodes were ordered
    differently merely fails to match; it is never matched wrongly."""
    nodes = (*members, anchor)
    index = {node_id: i for i, node_id in enumerate(nodes)}
    signature: list[object] = []
    sealed = after is not None
    for node_id in nodes:
        refs = []
        for u in wiring.inputs[node_id]:
            position = index.get(u)
            refs.append(("in", position) if position is not None else ("prev",) if u == before else ("ext", u))
        signature.append((wiring.labels[node_id], tuple(refs)))
        if sealed:
            readers = after if node_id == anchor else anchor
            sealed = not wiring.by_id[node_id].is_root and all(
                owner.get(c) == readers for c in wiring.consumers[node_id]
            )
    return Block(anchor, nodes, tuple(signature), sealed)


def repeated_runs(chain: Sequence[Block], min_repeats: int) -> list[list[Block]]:
    """Runs of at least `min_repeats` consecutive blocks with one signature; every block but a
    run's last is sealed (read by nothing but the next repetition)."""
    runs: list[list[Block]] = []
    current: list[Block] = []
    for block in chain:
        if current and (block.signature != current[0].signature or not current[-1].sealed):
            if len(current) >= min_repeats:
                runs.append(current)
            current = []
        current.append(block)
    if len(current) >= min_repeats:
        runs.append(current)
    return runs
