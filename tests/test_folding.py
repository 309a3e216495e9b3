"""Long runs of one op are drawn folded: their ends node by node, the steps between as one box.
The JSON always lists every node; collapse_runs=False (collapse=0, --no-collapse) draws each."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.cli import main
from gradtrace.graph.model import Edge, Graph, Node
from gradtrace.rendering.folding import KEEP, MIN_RUN, find_folds
from gradtrace.rendering.options import RenderOptions
from gradtrace.result import result_to_json

SVG_NS = "{http://www.w3.org/2000/svg}"


def chain(steps: int, op: str = "torch.sin(h)", leaf: str = "torch.tensor(0.5, requires_grad=True)") -> str:
    return f"x = {leaf}\nh = x\nfor i in range({steps}):\n    h = {op}\nh.sum().backward()\n"


def drawn_ids(svg: str) -> list[str]:
    """Ids of the drawn node groups, in document order."""
    root = ET.fromstring(svg)
    return [g.get("id", "") for g in root.iter(f"{SVG_NS}g") if "node" in (g.get("class") or "").split()]


def test_a_long_run_is_drawn_as_its_ends_and_one_fold() -> None:
    result = pipeline.run(chain(1000).replace("h.sum()", "h"))
    rendered = result.graphs[0]
    assert len(rendered.graph.nodes) == 1002  # every autograd node and the leaf, as always
    (fold,) = rendered.folds
    assert fold.op == "SinBackward0" and len(fold.nodes) == 1000 - 2 * KEEP
    ids = drawn_ids(rendered.svg)
    assert len(ids) == 2 * KEEP + 1 + 2  # the ends, the fold, AccumulateGrad and the leaf x
    assert fold.id in ids and {"n0", "n1", "n2", "n997", "n998", "n999", "n1000", "n1001"} <= set(ids)
    assert "n500" not in ids
    # The fold says which op, how many steps, and value and gradient at its first and last step.
    first, last = (rendered.graph.node(i) for i in (fold.nodes[0], fold.nodes[-1]))
    assert (first.id, last.id) == ("n996", "n3")  # data-flow order: the input end first
    text = " ".join(ET.fromstring(rendered.svg).itertext())
    assert "SinBackward0 ×994" in text
    assert "1001 autograd nodes (994 of them drawn as 1 folded box)" in text  # the SVG's <desc>
    assert f"value {first.value.values:.4g} … {last.value.values:.4g}" in text  # type: ignore[union-attr]
    assert f"grad {first.grad.values:.4g} … {last.grad.values:.4g}" in text  # type: ignore[union-attr]
    assert any("994 SinBackward0 steps" in w and "collapse_runs=false" in w for w in map(str, result.warnings))
    # The JSON keeps every node and says which ones each fold stands for.
    body = result_to_json(result)["graphs"][0]
    assert len(body["nodes"]) == 1002
    steps = [f"n{i}" for i in range(996, 2, -1)]
    assert body["folds"] == [
        {
            "id": fold.id,
            "op": "SinBackward0",
            "nodes": steps,
            "ops": ["SinBackward0"],
            "period": 1,
            "repeats": 994,
            "outputs": steps,
        }
    ]
    # The edges around the fold keep the chain connected: step n997 feeds the fold, which feeds n2.
    dot = rendered.dot
    assert f"n997 -> {fold.id};" in dot and f"{fold.id} -> n2;" in dot
    assert not re.search(r"\bn(?:[3-9]|[1-9]\d|[1-8]\d\d|9[0-8]\d|99[0-6]) ->", dot)


def test_collapse_off_draws_every_step() -> None:
    result = pipeline.run(chain(100), options=RenderOptions(collapse_runs=False))
    assert result.graphs[0].folds == ()
    assert len(drawn_ids(result.graphs[0].svg)) == 103  # 100 steps, SumBackward0, AccumulateGrad, x
    assert not any("folds" in w for w in map(str, result.warnings))
    assert result_to_json(result)["graphs"][0]["folds"] == []


@pytest.mark.parametrize(("steps", "folded"), [(MIN_RUN - 1, 0), (MIN_RUN, MIN_RUN - 2 * KEEP)])
def test_only_runs_of_min_run_steps_fold(steps: int, folded: int) -> None:
    folds = pipeline.run(chain(steps)).graphs[0].folds
    assert sum(len(f.nodes) for f in folds) == folded


def test_mixed_ops_and_branches_do_not_fold_across() -> None:
    # sin and cos in no repeating order (the Thue-Morse sequence): neither a run of one op nor a block.
    bits = [bin(i).count("1") % 2 for i in range(60)]
    thue_morse = chain(60, "torch.sin(h) if bits[i] else torch.cos(h)").replace("h = x\n", f"h = x\nbits = {bits}\n")
    assert pipeline.run(thue_morse).graphs[0].folds == ()
    # A step that feeds two consumers ends a run: two runs of 40, each folded on its own.
    code = (
        "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(40):\n    h = torch.sin(h)\n"
        "g = h\nfor i in range(40):\n    g = torch.sin(g)\nh = h + g\nh.backward()\n"
    )
    folds = pipeline.run(code).graphs[0].folds
    assert sorted(len(f.nodes) for f in folds) == [40 - 2 * KEEP, 40 - 2 * KEEP]


def test_fold_of_matrices_shows_shape_and_means() -> None:
    result = pipeline.run(chain(30, "torch.tanh(h)", "torch.ones(2, 2, requires_grad=True)"))
    (fold,) = result.graphs[0].folds
    text = " ".join(ET.fromstring(result.graphs[0].svg).itertext())
    assert re.search(r"TanhBackward0 ×24\s+2×2", text)
    assert re.search(r"value mean [\d.]+ … mean [\d.]+", text)
    assert result.graphs[0].graph.node(fold.nodes[0]).name == "h"


def test_dark_and_auto_themes_paint_folds() -> None:
    auto = pipeline.run(chain(30), options=RenderOptions(theme="auto")).graphs[0].svg
    group = re.search(r'<g id="fold_n\d+" class="node fold named">', auto)
    assert group, "the fold carries the role class the dark-scheme CSS matches"
    assert ".node.named:not(.ramp) > path" in auto


def test_api_and_image_urls_take_the_option(client: TestClient) -> None:
    code = chain(40)
    folded = client.post("/api/graph", json={"code": code}).json()["graphs"][0]
    whole = client.post("/api/graph", json={"code": code, "options": {"collapse_runs": False}}).json()["graphs"][0]
    assert len(folded["folds"]) == 1 and whole["folds"] == []
    assert len(folded["nodes"]) == len(whole["nodes"]) == 43
    assert len(drawn_ids(folded["svg"])) == 2 * KEEP + 1 + 3 and len(drawn_ids(whole["svg"])) == 43
    image = client.get("/graph.svg", params={"code": code, "collapse": "0"})
    assert image.status_code == 200 and len(drawn_ids(image.text)) == 43
    assert client.get("/graph.svg", params={"code": code}).headers["ETag"] != image.headers["ETag"]
    bad = client.get("/graph.svg", params={"code": code, "collapse": "maybe"})
    assert bad.status_code == 400


def test_cli_no_collapse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "chain.py"
    source.write_text(chain(40))
    assert main(["render", str(source), "--format", "json", "--no-collapse"]) == 0
    assert json.loads(capsys.readouterr().out)["graphs"][0]["folds"] == []
    assert main(["render", str(source), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["graphs"][0]["folds"]) == 1


def test_a_root_inside_a_run_is_never_folded_away() -> None:
    # trace(h, g) where g is a step of h's chain: both roots stay drawn, the run breaks at g.
    steps = [Node(f"n{i}", "op", op="SinBackward0", is_root=i in (0, 30)) for i in range(60)]
    graph = Graph(None, tuple(steps), tuple(Edge(f"n{i + 1}", f"n{i}") for i in range(59)))
    folded = {node_id for fold in find_folds(graph) for node_id in fold.nodes}
    assert "n30" not in folded and "n0" not in folded
    assert len(folded) == (30 - 2 * KEEP) + (30 - 2 * KEEP)


def test_a_step_with_its_own_name_ends_a_run_and_stays_drawn() -> None:
    code = (
        "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(40):\n    if i == 15:\n"
        "        mid = torch.sin(h)\n        h = mid\n    else:\n        h = torch.sin(h)\nh.backward()\n"
    )
    rendered = pipeline.run(code).graphs[0]
    mid = next(n for n in rendered.graph.nodes if n.name == "mid")
    (fold,) = rendered.folds  # the 15 steps before `mid` are too few to fold; the 24 after it fold
    assert len(fold.nodes) == 24 - 2 * KEEP and mid.id not in fold.nodes
    assert mid.id in drawn_ids(rendered.svg)


def test_complex_folds_show_the_mean_magnitude() -> None:
    code = chain(30, "h * (1 + 0.1j)", "torch.tensor([[1 + 1j, 2.0], [3j, 1]], requires_grad=True)")
    rendered = pipeline.run(code.replace("h.sum()", "h.abs().sum()")).graphs[0]
    (fold,) = rendered.folds
    first = rendered.graph.node(fold.nodes[0])
    assert first.value is not None and first.value.values is not None
    magnitudes = [abs(complex(re, im)) for row in first.value.values for re, im in row]
    text = " ".join(ET.fromstring(rendered.svg).itertext())
    assert f"value mean |x| {sum(magnitudes) / 4:.4g} …" in text


def test_one_warning_however_many_folds() -> None:
    code = (
        "x = torch.tensor(0.5, requires_grad=True)\nfor k in range(3):\n    h = x\n    for i in range(30):\n"
        "        h = torch.sin(h)\n    h.backward()\n"
    )
    result = pipeline.run(code)
    assert [len(g.folds) for g in result.graphs] == [1, 1, 1]
    (warning,) = [w for w in map(str, result.warnings) if "drawn as one box" in w]
    assert "and 2 more such boxes" in warning
