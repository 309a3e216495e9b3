"""`import gradtrace`: trace real tensors, show inline in Jupyter, save as SVG/PNG/PDF/DOT."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import gradtrace
import pytest
import torch
import torchviz

SVG_NS = "{http://www.w3.org/2000/svg}"


def tutorial() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return x, out


def test_names_come_from_the_callers_variables() -> None:
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    h = torch.tanh(w * 3)
    loss = h.pow(2).sum()
    picture = gradtrace.trace(loss)
    named = {n.name: n for n in picture.graph.nodes if n.name}
    assert set(named) == {"w", "h", "loss"}
    assert named["loss"].is_root and named["w"].kind == "leaf" and named["h"].op == "TanhBackward0"


def test_values_and_gradients_match_pytorch() -> None:
    x, out = tutorial()
    picture = gradtrace.trace(out)
    assert x.grad is None  # tracing did not call backward() or touch .grad
    leaf = next(n for n in picture.graph.nodes if n.kind == "leaf")
    assert leaf.name == "x" and leaf.grad is not None and leaf.grad.values == [[4.5, 4.5], [4.5, 4.5]]
    out.backward()
    assert x.grad is not None and x.grad.tolist() == leaf.grad.values  # what PyTorch gives
    root = next(n for n in picture.graph.nodes if n.is_root)
    assert root.name == "out" and root.value is not None and root.value.values == 27.0
    assert root.grad is not None and root.grad.values == 1.0


def test_after_backward_the_leaves_show_their_grad() -> None:
    a = torch.tensor(3.0, requires_grad=True)
    b = (a * a).exp()
    b.backward()
    picture = gradtrace.trace(b)
    leaf = next(n for n in picture.graph.nodes if n.kind == "leaf")
    assert leaf.grad is not None and leaf.grad.values == pytest.approx(float(a.grad))  # type: ignore[arg-type]
    assert picture.notes and "already freed" in picture.notes[0]


def test_explicit_names_and_modules() -> None:
    model = torch.nn.Linear(3, 1)
    prediction = model(torch.ones(1, 3))
    picture = gradtrace.trace(prediction.sum(), names={"score": prediction})
    names = {n.name for n in picture.graph.nodes}
    assert {"model.weight", "model.bias", "score"} <= names


def test_several_tensors_in_one_graph() -> None:
    a = torch.tensor(2.0, requires_grad=True)
    double = a * 2
    square = a * a
    picture = gradtrace.trace(double, square)
    roots = {n.name for n in picture.graph.nodes if n.is_root}
    assert roots == {"double", "square"}
    assert sum(1 for n in picture.graph.nodes if n.kind == "leaf") == 1  # `a` once, shared


def test_mimebundle_is_inline_svg_with_ids_from_its_content() -> None:
    _, out = tutorial()
    picture = gradtrace.trace(out)
    first = picture._repr_mimebundle_()
    again = gradtrace.trace(out)._repr_mimebundle_()
    assert set(first) == {"image/svg+xml", "text/plain"} and "out" in first["text/plain"]
    svg = first["image/svg+xml"]
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg
    assert again["image/svg+xml"] == svg  # re-running a cell writes the same notebook file
    ids = re.findall(r' id="([^"]+)"', svg)
    prefix = ids[0].split("-")[0] + "-"
    assert all(i.startswith(prefix) for i in ids)
    assert f'aria-labelledby="{prefix}gt-title {prefix}gt-desc"' in svg
    other = gradtrace.trace(out, direction="LR")._repr_mimebundle_()["image/svg+xml"]
    assert ids and not set(ids) & set(re.findall(r' id="([^"]+)"', other))  # two drawings never share an id
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"),
                                               (".dot", b"digraph"), (".gv", b"digraph")])  # fmt: skip
def test_save_in_every_format(tmp_path: Path, suffix: str, magic: bytes) -> None:
    _, out = tutorial()
    target = gradtrace.trace(out, theme="dark", direction="LR").save(tmp_path / f"graph{suffix}")
    assert target.read_bytes().startswith(magic)


def test_save_refuses_unknown_formats(tmp_path: Path) -> None:
    _, out = tutorial()
    with pytest.raises(ValueError, match="cannot save as 'gif'"):
        gradtrace.trace(out).save(tmp_path / "graph.gif")


def test_bad_arguments_say_what_to_do() -> None:
    leaf = torch.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="has no grad_fn"):
        gradtrace.trace(leaf)
    with pytest.raises(TypeError, match="at least one tensor"):
        gradtrace.trace()


def test_same_graph_as_the_sandboxed_pipeline() -> None:
    """The notebook draws what the service draws for the same code (same names, values, grads)."""
    from gradtrace import pipeline

    _, out = tutorial()
    ours = gradtrace.trace(out).graph
    code = "x = torch.ones(2, 2, requires_grad=True)\ny = x + 2\nz = y * y * 3\nout = z.mean()"
    served = pipeline.run(code).graphs[0]
    assert [n.op for n in ours.nodes] == [n.op for n in served.graph.nodes]
    assert [n.grad for n in ours.nodes] == [n.grad for n in served.graph.nodes]
    assert ours.edges == served.graph.edges


def torchviz_node_count(dot_source: str) -> int:
    return sum(1 for line in dot_source.splitlines() if re.match(r"\s*\d+ \[", line))


@pytest.mark.filterwarnings("ignore:distutils Version classes are deprecated:DeprecationWarning")  # torchviz's
@pytest.mark.parametrize("example", ["tutorial", "mlp"])
def test_compared_with_torchviz_make_dot(example: str) -> None:
    """torchviz draws one node per autograd node and leaf, plus one for the output tensor."""
    if example == "tutorial":
        _, out = tutorial()
    else:
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        out = torch.nn.functional.cross_entropy(model(torch.ones(3, 4)), torch.tensor([0, 1, 1]))
    theirs = torchviz.make_dot(out).source
    ours = gradtrace.trace(out).graph
    assert torchviz_node_count(theirs) == len(ours.nodes) + 1
    assert theirs.count("->") == len(ours.edges) + 1


def test_importable_from_a_fresh_interpreter() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import gradtrace, torch; a = torch.ones(1, requires_grad=True); "
         "b = a * 2; print(gradtrace.trace(b))"],
        cwd="/", capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<gradtrace graph of b: 2 autograd nodes, 1 leaves>" in done.stdout


def test_long_runs_fold_unless_asked_not_to() -> None:
    h = torch.tensor(0.5, requires_grad=True)
    for _ in range(40):
        h = torch.sin(h)
    folded, whole = gradtrace.trace(h), gradtrace.trace(h, collapse=False)
    assert len(folded.graph.nodes) == len(whole.graph.nodes) == 42  # the graph itself is whole either way
    # Only the root is named (h, the caller's variable), so the run is the 39 unnamed steps below it.
    assert folded.svg().count('class="node ') == 10 and 'class="node fold' in folded.svg()
    assert whole.svg().count('class="node ') == 42 and "fold" not in whole.dot
