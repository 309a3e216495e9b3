"""color_by="grad": every node with a gradient is filled on a logarithmic viridis ramp of its mean
|grad|, the ramp drawn in the SVG as a legend with its two ends, text readable on every fill, and
the number in the box too. Off by default; the vanishing-gradient example turns it on."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient
from gradtrace import pipeline, trace
from gradtrace.cli import main
from gradtrace.examples import load_examples
from gradtrace.rendering.gradient_ramp import ramp_colour, text_colour_on
from gradtrace.rendering.options import RenderOptions

SVG_NS = "{http://www.w3.org/2000/svg}"
SIGMOID_STACK = (
    "x = torch.tensor(1.0, requires_grad=True)\nh = x\nfor layer in range(5):\n    h = torch.sigmoid(h)\nh.backward()\n"
)
GRAD = RenderOptions(color_by="grad")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def fills(dot: str) -> dict[str, str]:
    """Node id -> fill colour, for the nodes the ramp coloured."""
    return dict(re.findall(r'^\s+(\w+) \[id="\w+" class="[^"]*\bramp"[^\n]*?fillcolor="(#[0-9a-f]{6})"', dot, re.M))


def test_the_ramp_gets_lighter_as_the_gradient_grows_and_text_stays_readable() -> None:
    colours = [ramp_colour(i / 40) for i in range(41)]
    lights = [luminance(c) for c in colours]
    assert all(a < b for a, b in itertools.pairwise(lights))  # ordered even in greyscale
    assert all(contrast(c, text_colour_on(c)) >= 4.5 for c in colours)  # WCAG AA on every fill


def test_a_sigmoid_stack_is_coloured_by_its_vanishing_gradient() -> None:
    rendered = pipeline.run(SIGMOID_STACK, options=GRAD).graphs[0]
    coloured = fills(rendered.dot)
    with_grad = {n.id: n for n in rendered.graph.nodes if n.grad is not None}
    assert set(coloured) == set(with_grad)
    # Larger |grad|, lighter fill: the layer nearest x (gradient ~0.25^5) is the darkest.
    ordered = sorted(coloured, key=lambda i: abs(with_grad[i].grad.values))  # type: ignore[union-attr]
    lights = [luminance(coloured[i]) for i in ordered]
    assert lights == sorted(lights) and lights[0] < lights[-1]
    # The legend: its cells run from the darkest to the lightest, with both ends' numbers.
    legend = next(g for g in ET.fromstring(rendered.svg).iter(f"{SVG_NS}g") if g.get("id") == "gradient_ramp")
    text = " ".join(legend.itertext())
    sizes = sorted(abs(n.grad.values) for n in with_grad.values())  # type: ignore[union-attr]
    assert "mean |grad|, log scale" in text
    assert f"{sizes[0]:.4g}" in text and f"{sizes[-1]:.4g}" in text
    cells = [p.get("fill") for p in legend.iter(f"{SVG_NS}polygon") if p.get("fill", "") not in ("#ffffff", "none")]
    assert cells[0] == ramp_colour(0.0) and cells[-1] == ramp_colour(1.0) and len(cells) == 9


def test_off_by_default() -> None:
    rendered = pipeline.run(SIGMOID_STACK).graphs[0]
    assert "gradient_ramp" not in rendered.svg and not fills(rendered.dot)


def test_a_tensor_box_states_the_size_its_colour_stands_for() -> None:
    code = "w = torch.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)\n(w * w).sum().backward()\n"
    rendered = pipeline.run(code, options=GRAD).graphs[0]
    text = " ".join(ET.fromstring(rendered.svg).itertext()).replace("\xa0", " ")
    assert "|grad| 5" in text  # mean |2w| = (2 + 4 + 6 + 8) / 4


def test_every_text_of_a_coloured_box_is_readable_on_its_fill() -> None:
    """The gradient check's row too: its ✓ was drawn in the root's green, unreadable on mid-ramp fills."""
    code = "w = torch.tensor(0.5, requires_grad=True)\nb = torch.tensor(3.0, requires_grad=True)\n"
    code += "(w * w * b).backward()"
    rendered = pipeline.run(code, options=RenderOptions(color_by="grad", gradcheck=True)).graphs[0]
    checked = 0
    for group in ET.fromstring(rendered.svg).iter(f"{SVG_NS}g"):
        outline = group.find(f"{SVG_NS}path")
        if "ramp" not in (group.get("class") or "").split() or outline is None:
            continue
        for text in group.iter(f"{SVG_NS}text"):
            assert contrast(outline.get("fill") or "", text.get("fill") or "") >= 4.5, (text.text, text.get("fill"))
            checked += "✓" in (text.text or "")
    assert checked == 2  # both leaves' check rows


def test_auto_theme_keeps_ramp_fills_in_the_dark_scheme() -> None:
    svg = pipeline.run(SIGMOID_STACK, options=RenderOptions(color_by="grad", theme="auto")).graphs[0].svg
    assert ".node.op:not(.ramp) > path" in svg
    # The legend has no background of its own: it sits on the drawing's, which the dark scheme repaints.
    legend = next(g for g in ET.fromstring(svg).iter(f"{SVG_NS}g") if g.get("id") == "gradient_ramp")
    assert {p.get("fill") for p in legend.iter(f"{SVG_NS}polygon")} == {ramp_colour(i / 8) for i in range(9)}
    assert re.search(r'class="node op (?:named |root )?ramp"', svg)


def test_api_url_cli_and_notebook_take_the_option(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = client.post("/api/graph", json={"code": SIGMOID_STACK, "options": {"color_by": "grad"}})
    assert body.status_code == 200 and "gradient_ramp" in body.json()["graphs"][0]["svg"]
    refused = client.post("/api/graph", json={"code": SIGMOID_STACK, "options": {"color_by": "rainbow"}})
    assert refused.status_code == 400 and "color_by" in refused.text
    image = client.get("/graph.svg", params={"code": SIGMOID_STACK, "color_by": "grad"})
    assert image.status_code == 200 and "gradient_ramp" in image.text
    bad = client.get("/graph.svg", params={"code": SIGMOID_STACK, "color_by": "rainbow"})
    assert bad.status_code == 400 and "none, grad" in bad.text
    source = tmp_path / "stack.py"
    source.write_text(SIGMOID_STACK)
    assert main(["render", str(source), "--format", "json", "--color-by", "grad"]) == 0
    assert "gradient_ramp" in json.loads(capsys.readouterr().out)["graphs"][0]["svg"]
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.sigmoid(torch.sigmoid(x))
    assert "gradient_ramp" in trace(y, color_by="grad").svg() and "gradient_ramp" not in trace(y).svg()


def test_the_vanishing_gradient_example_colours_by_gradient(client: TestClient) -> None:
    examples = {example.slug: example for example in load_examples()}
    example = examples["vanishing-gradients"]
    assert example.options == {"color_by": "grad"}
    assert all(e.options == {"color_by": "none"} for slug, e in examples.items() if slug != "vanishing-gradients")
    # One graph with both stacks side by side, so one ramp compares them.
    (rendered,) = pipeline.run(example.code, options=RenderOptions(**example.options)).graphs
    ops = [n.op for n in rendered.graph.nodes]
    assert ops.count("SigmoidBackward0") == 5 and ops.count("ReluBackward0") == 5
    assert "gradient_ramp" in rendered.svg
    page = client.get("/").text
    assert '"color_by": "grad"' in page or '"color_by":"grad"' in page
