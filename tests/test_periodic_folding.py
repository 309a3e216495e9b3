"""Repeated blocks fold: the same k ops, wired the same way, repeated n times (a `sigmoid(w * h + b)`
loop, an unrolled RNN cell, residual blocks) draw their first and last repetitions and one box for
the middle; shared inputs keep one edge into that box. collapse_runs=False draws every node."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from gradtrace import pipeline
from gradtrace.graph.model import Edge, Graph, Node
from gradtrace.rendering.folding import find_folds, repeats_to_fold, repetitions_kept
from gradtrace.rendering.options import RenderOptions
from gradtrace.result import RenderedGraph, result_to_json

SVG_NS = "{http://www.w3.org/2000/svg}"


def loop(body: str, steps: int, setup: str = "x = torch.tensor(0.5, requires_grad=True)\nh = x\n") -> str:
    return f"{setup}for i in range({steps}):\n    {body}\nh.sum().backward()\n"


SHARED = "w = torch.tensor(0.9, requires_grad=True)\nb = torch.tensor(0.1, requires_grad=True)\nh = torch.tensor(0.5)\n"
RNN = (
    "W = torch.randn(3, 3, requires_grad=True)\nU = torch.randn(3, 3, requires_grad=True)\n"
    "xs = torch.randn(30, 3, requires_grad=True)\nh = torch.zeros(3)\n"
)
RNN_CELL = "cell = nn.RNNCell(3, 4)\nxs = torch.randn(30, 1, 3)\nh = torch.zeros(1, 4)\n"
RESIDUAL = "W = torch.randn(4, 4, requires_grad=True) / 4\nh = torch.randn(4, requires_grad=True)\n"


def drawn_ids(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [g.get("id", "") for g in root.iter(f"{SVG_NS}g") if "node" in (g.get("class") or "").split()]


def only_fold(rendered: RenderedGraph) -> tuple[int, tuple[str, ...]]:
    (fold,) = rendered.folds
    return fold.period, fold.ops


@pytest.mark.parametrize(
    ("source", "period", "ops_end"),
    [
        # k = 1 with a shared leaf: each step reads h and w (a run of one op with two inputs).
        (loop("h = h * w", 30, "w = torch.tensor(0.99, requires_grad=True)\nh = torch.tensor(2.0)\n"), 1, "Mul"),
        # k = 2, nothing shared.
        (loop("h = torch.cos(torch.sin(h))", 30), 2, "Cos"),
        # k = 3, no leaf inside: the benchmark chain.
        (loop("h = torch.sigmoid(h * 1.01 + 0.1)", 20), 3, "Sigmoid"),
        # k = 3 with shared leaves w and b: the vanishing-gradient lesson's loop.
        (loop("h = torch.sigmoid(w * h + b)", 20, SHARED), 3, "Sigmoid"),
        # An unrolled RNN cell: a per-step input xs[t] belongs to its repetition, W and U are shared.
        (loop("h = torch.tanh(xs[i] @ W + h @ U)", 30, RNN), 9, "Tanh"),
        # The same with torch's own cell: each step's weight transposes belong to their repetition.
        (loop("h = cell(xs[i], h)", 30, RNN_CELL), 6, "Tanh"),
        # Residual blocks: h feeds both the skip and the branch inside each repetition.
        (loop("h = h + torch.relu(h @ W)", 12, RESIDUAL), 5, "Add"),
    ],
    ids=["k1-shared", "k2", "k3", "k3-shared", "rnn-cell", "nn-rnncell", "residual"],
)
def test_periodic_shapes_fold(source: str, period: int, ops_end: str) -> None:
    rendered = pipeline.run(source).graphs[0]
    found_period, ops = only_fold(rendered)
    assert found_period == period and len(ops) == period
    assert ops[-1] == f"{ops_end}Backward0"
    (fold,) = rendered.folds
    assert len(fold.nodes) == fold.period * fold.repeats and len(fold.outputs) == fold.repeats
    # Each folded repetition ends at a node of the block's last op, bound to the loop variable.
    outputs = [rendered.graph.node(i) for i in fold.outputs]
    assert {(n.op, n.name) for n in outputs} == {(ops[-1], "h")}
    # Every folded node is gone from the drawing; the kept repetitions around the box are drawn.
    drawn = set(drawn_ids(rendered.svg))
    assert fold.id in drawn and not drawn & set(fold.nodes)
    assert len(drawn) == len(rendered.graph.nodes) - len(fold.nodes) + 1


def test_the_fold_box_names_the_block_and_counts_its_repetitions() -> None:
    rendered = pipeline.run(loop("h = torch.sigmoid(w * h + b)", 40, SHARED)).graphs[0]
    (fold,) = rendered.folds
    kept = repetitions_kept(3)
    # 40 repetitions: the first is the chain's start (its input is no repetition), one more is kept
    # at each end, and the rest fold.
    assert fold.repeats == 40 - 1 - 2 * kept
    text = " ".join(" ".join(ET.fromstring(rendered.svg).itertext()).replace("\xa0", " ").split())
    assert f"h 3 ops ×{fold.repeats} scalar" in text
    assert "MulBackward0 → AddBackward0 → SigmoidBackward0" in text
    first, last = (rendered.graph.node(i) for i in (fold.outputs[0], fold.outputs[-1]))
    assert f"grad {first.grad.values:.4g} … {last.grad.values:.4g}" in text  # type: ignore[union-attr]
    # The gradient's size per repetition, as a sparkline of block characters (it changes here).
    assert re.search(r"\|grad\| [▁▂▃▄▅▆▇█]{20,}", text)
    # w and b are drawn once, with one edge each into the box and one into each drawn repetition.
    w_acc, b_acc = (n.id for n in rendered.graph.nodes if n.op == "AccumulateGrad")
    edges = [line.strip() for line in rendered.dot.splitlines() if "->" in line]
    for shared in (w_acc, b_acc):
        out = [e for e in edges if e.startswith(f"{shared} ->")]
        assert out.count(f"{shared} -> {fold.id};") == 1
        assert len(out) == 1 + (40 - fold.repeats)
    warnings = " ".join(map(str, pipeline.run(loop("h = torch.sigmoid(w * h + b)", 40, SHARED)).warnings))
    assert (
        f"{fold.repeats} repetitions of a block of 3 ops (MulBackward0 → AddBackward0 → SigmoidBackward0)" in warnings
    )


def test_folds_json_lists_ops_period_and_repeats() -> None:
    result = pipeline.run(loop("h = torch.cos(torch.sin(h))", 30))
    (body,) = result_to_json(result)["graphs"][0]["folds"]
    assert body["ops"] == ["SinBackward0", "CosBackward0"] and body["period"] == 2
    assert body["repeats"] == 30 - 1 - 2 * repetitions_kept(2) and len(body["nodes"]) == 2 * body["repeats"]
    nodes = {n["id"]: n for n in result_to_json(result)["graphs"][0]["nodes"]}
    # Repetition by repetition in data-flow order, each one's ops in order, its last node listed in outputs.
    assert [nodes[i]["op"] for i in body["nodes"][:4]] == ["SinBackward0", "CosBackward0"] * 2
    assert body["outputs"] == body["nodes"][1::2] and body["id"] == f"fold_{body['nodes'][0]}"


@pytest.mark.parametrize(("repeats", "folds"), [(repeats_to_fold(3), 0), (repeats_to_fold(3) + 1, 1)])
def test_too_few_repetitions_stay_drawn(repeats: int, folds: int) -> None:
    # The chain's first repetition has no repetition before it, so it is never one of the run.
    rendered = pipeline.run(loop("h = torch.sigmoid(h * 1.01 + 0.1)", repeats)).graphs[0]
    assert len(rendered.folds) == folds


def test_collapse_off_draws_every_repetition() -> None:
    source = loop("h = torch.sigmoid(w * h + b)", 30, SHARED)
    rendered = pipeline.run(source, options=RenderOptions(collapse_runs=False)).graphs[0]
    assert rendered.folds == () and len(drawn_ids(rendered.svg)) == len(rendered.graph.nodes)


def test_a_repetition_read_outside_the_run_is_not_hidden() -> None:
    # Every h is also stacked into the loss: no repetition is read by the next one alone.
    source = loop("h = torch.sigmoid(h * 1.01 + 0.1)\n    outs.append(h)", 30).replace("h = x\n", "h = x\nouts = []\n")
    rendered = pipeline.run(source.replace("h.sum().backward()", "torch.stack(outs).sum().backward()")).graphs[0]
    assert rendered.folds == ()


def test_non_periodic_blocks_do_not_fold() -> None:
    # Three-op blocks whose middle op follows the Thue-Morse sequence: no block repeats long enough.
    bits = [bin(i).count("1") % 2 for i in range(40)]
    source = loop("h = torch.sigmoid((torch.sin(h) if bits[i] else torch.cos(h)) * 1.01)", 40).replace(
        "h = x\n", f"h = x\nbits = {bits}\n"
    )
    assert pipeline.run(source).graphs[0].folds == ()


def chain_graph(blocks: list[list[str]], shared_into: int | None = None) -> Graph:
    """A chain of blocks (each a list of op names, fed in order, the last being the block's output)
    built directly, optionally with one leaf feeding op number `shared_into` of every block."""
    nodes = [Node("leaf", "leaf", name="x"), Node("acc", "op", op="AccumulateGrad")]
    edges = [Edge("leaf", "acc")]
    before = "acc"
    if shared_into is not None:
        nodes += [Node("wleaf", "leaf", name="w"), Node("wacc", "op", op="AccumulateGrad")]
        edges.append(Edge("wleaf", "wacc"))
    for b, block in enumerate(blocks):
        for o, op in enumerate(block):
            node_id = f"b{b}o{o}"
            nodes.append(Node(node_id, "op", op=op, name="h" if o == len(block) - 1 else None))
            edges.append(Edge(before, node_id))
            if o == shared_into:
                edges.append(Edge("wacc", node_id))
            before = node_id
    nodes[-1] = Node(nodes[-1].id, "op", op=nodes[-1].op, name="h", is_root=True)
    return Graph("h", tuple(reversed(nodes)), tuple(edges))


@pytest.mark.parametrize("period", [1, 2, 3, 4])
def test_detection_on_built_graphs(period: int) -> None:
    block = [f"Op{i}Backward0" for i in range(period)]
    repeats = repeats_to_fold(period) + 1
    (fold,) = find_folds(chain_graph([block] * repeats, shared_into=0))
    assert fold.ops == tuple(block) and fold.period == period
    assert fold.repeats == repeats - 1 - 2 * repetitions_kept(period)
    # One block differs in the middle: the run splits there, and no part is long enough to fold.
    odd = [block] * (repeats // 2) + [[*block[:-1], "OtherBackward0"]] + [block] * (repeats // 2)
    assert find_folds(chain_graph(odd, shared_into=0)) == ()
