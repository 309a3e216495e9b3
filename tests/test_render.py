"""Graph -> DOT is pure and stable; DOT -> SVG is well-formed, self-contained and deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gradtrace import pipeline
from gradtrace.graph.model import TensorData
from gradtrace.rendering.dot import graph_to_dot
from gradtrace.rendering.numbers import format_number, format_tensor_lines
from gradtrace.rendering.options import RenderOptions

SNAPSHOTS = Path(__file__).parent / "snapshots"
TUTORIAL = (Path(__file__).parent / "programs" / "tutorial.py").read_text()


@pytest.mark.parametrize(
    ("value", "text"),
    [(4.5, "4.5"), (27.0, "27"), (1 / 3, "0.3333"), (1e-7, "1e-7"), (123456789.0, "1.235e8"), (float("-inf"), "-inf"),
     (3, "3"), (True, "True")],
)  # fmt: skip
def test_format_number(value: float, text: str) -> None:
    assert format_number(value, 4) == text


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (TensorData((), "float32", 2.5), ["2.5"]),
        (TensorData((3,), "float32", [1.0, 2.0, 3.0]), ["[1, 2, 3]"]),
        (TensorData((6,), "float32", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), ["[1, 2, 3, …, 6]"]),
        (TensorData((5, 1), "float32", [[1.0], [2.0], [3.0], [4.0], [5.0]]), ["[1]", "[2]", "⋮", "[5]"]),
        (TensorData((1000, 1000), "float32", None, {"min": -1.0, "max": 2.0, "mean": 0.5}),
         ["min -1  max 2", "mean 0.5"]),
    ],
)  # fmt: skip
def test_values_are_abbreviated(data: TensorData, lines: list[str]) -> None:
    assert format_tensor_lines(data, 4) == lines


def test_tutorial_dot_matches_snapshot() -> None:
    """Stable ids and fixed precision make the DOT text a snapshot (update it deliberately)."""
    dot = pipeline.run(TUTORIAL).graphs[0].dot
    assert dot == (SNAPSHOTS / "tutorial.dot").read_text()


def test_dot_is_pure_and_options_change_it() -> None:
    graph = pipeline.run(TUTORIAL).graphs[0].graph
    assert graph_to_dot(graph, RenderOptions()) == graph_to_dot(graph, RenderOptions())
    bare = graph_to_dot(graph, RenderOptions(show_values=False, show_grads=False))
    assert "value" not in bare and "grad " not in bare
    assert "rankdir=LR" in graph_to_dot(graph, RenderOptions(direction="LR"))


def test_svg_is_self_contained_and_accessible() -> None:
    svg = pipeline.run(TUTORIAL).graphs[0].svg
    root = ET.fromstring(svg.encode())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    assert root.get("viewBox") and root.get("width") and root.get("height")
    assert (
        "<script" not in svg
        and "@import" not in svg
        and "http://" not in svg.split("<svg", 1)[1].replace("http://www.w3.org/", "")
    )
    node_ids = {g.get("id") for g in root.iter(f"{ns}g") if "node" in (g.get("class") or "")}
    assert node_ids == {f"n{i}" for i in range(6)}


def test_svg_bytes_identical_across_runs() -> None:
    assert pipeline.run(TUTORIAL).graphs[0].svg == pipeline.run(TUTORIAL).graphs[0].svg
