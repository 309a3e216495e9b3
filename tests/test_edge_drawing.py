"""The chain rule and the stepper in the drawing: edge labels (automatic, switchable) and `step=` images."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.graph.steps import graph_at_step
from gradtrace.rendering.dot import graph_to_dot
from gradtrace.rendering.edge_labels import EDGE_LABEL_BOXES
from gradtrace.rendering.options import RenderOptions

TUTORIAL = (Path(__file__).resolve().parent / "programs" / "tutorial.py").read_text()
SVG_NS = "{http://www.w3.org/2000/svg}"
# A chain long enough to pass the label bound when drawn unfolded.
LONG = "h = torch.tensor(0.5, requires_grad=True)\nfor i in range(20):\n    h = torch.sin(h) * 1.1\nh.backward()\n"


def _labelled_edges(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG_NS}g") if "chain" in (g.get("class") or "").split()]


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG_NS}text")]


def test_tutorial_edges_carry_the_chain_rule_by_default() -> None:
    graph = pipeline.run(TUTORIAL).graphs[0]
    labelled = _labelled_edges(graph.svg)
    assert len(labelled) == len(graph.graph.edges)
    texts = [" ".join(_texts(edge)) for edge in labelled]
    assert any("÷4" in t for t in texts)  # out = z.mean() of 4 elements
    assert any("×3" in t for t in texts)  # z = y * y * 3
    # y (= 3) is used twice by y * y: d out/d(y*y) = 3/4, so each edge carries 3/4 · y = 2.25, and
    # y.grad is their sum, 4.5.
    y = next(n for n in graph.graph.nodes if n.name == "y")
    from_y = [e for e in graph.graph.edges if e.source == y.id]
    assert len(from_y) == 2
    assert all(e.grad is not None and e.grad.values == [[2.25, 2.25], [2.25, 2.25]] for e in from_y)
    assert y.grad is not None and y.grad.values == [[4.5, 4.5], [4.5, 4.5]]
    y_box = next(g for g in ET.fromstring(graph.svg).iter(f"{SVG_NS}g") if g.get("id") == y.id)
    assert "= 2.25 + 2.25 each" in " ".join(_texts(y_box)).replace("\xa0", " ")


def test_edge_labels_switch_off_and_on() -> None:
    off = pipeline.run(TUTORIAL, options=RenderOptions(edge_labels=False)).graphs[0]
    assert _labelled_edges(off.svg) == []
    unfolded = RenderOptions(collapse_runs=False)
    long = pipeline.run(LONG, options=unfolded).graphs[0]
    assert len(long.graph.nodes) > EDGE_LABEL_BOXES
    assert _labelled_edges(long.svg) == []  # past the bound: off by default
    forced = pipeline.run(LONG, options=RenderOptions(collapse_runs=False, edge_labels=True)).graphs[0]
    assert len(_labelled_edges(forced.svg)) == len(forced.graph.edges)


def test_steps_fill_values_forward_then_gradients_backward() -> None:
    graph = pipeline.run(TUTORIAL).graphs[0].graph
    forward, backward = graph.steps["forward"], graph.steps["backward"]
    assert (forward, backward) == (5, 5)  # made: x, y, y*y, *3, mean; ran: 4 ops and x's AccumulateGrad

    start = graph_at_step(graph, 0)
    assert all(n.grad is None for n in start.graph.nodes)
    assert {n.id for n in graph.nodes if n.forward_step} == set(start.pending)

    values_done = graph_at_step(graph, forward)
    assert not values_done.pending and all(n.grad is None for n in values_done.graph.nodes)

    first = graph_at_step(graph, forward + 1)
    with_grads = [n for n in first.graph.nodes if n.grad is not None]
    assert [n.name for n in with_grads] == ["out"] and with_grads[0].backward_step == 1

    end = graph_at_step(graph, 10**6)
    assert end.step == forward + backward
    assert end.graph.nodes == graph.nodes


def test_step_drawing_shows_pending_boxes_and_backward_badges() -> None:
    graph = pipeline.run(TUTORIAL).graphs[0].graph
    forward = graph.steps["forward"]
    early = graph_to_dot(graph, RenderOptions(step=2))
    assert early.count("pending") == sum(1 for n in graph.nodes if (n.forward_step or 0) > 2)
    assert "grad " not in early and ">#1<" not in early
    late = graph_to_dot(graph, RenderOptions(step=forward + 3))
    badges = sorted(int(b) for b in re.findall(r">#(\d+)<", late))
    assert badges == [1, 2, 3]
    assert "pending" not in late


def test_image_url_takes_step_and_edge_labels(client: TestClient) -> None:
    whole = client.get("/graph.svg", params={"code": TUTORIAL})
    stepped = client.get("/graph.svg", params={"code": TUTORIAL, "step": "6"})
    assert stepped.status_code == 200 and stepped.content != whole.content
    assert (
        b">#1<" in stepped.content
        and b"pending" in client.get("/graph.svg", params={"code": TUTORIAL, "step": "1"}).content
    )
    plain = client.get("/graph.svg", params={"code": TUTORIAL, "edge_labels": "false"})
    assert _labelled_edges(plain.text) == [] and _labelled_edges(whole.text)
    bad = client.get("/graph.svg", params={"code": TUTORIAL, "step": "-1"})
    assert bad.status_code == 400 and b"step" in bad.content
