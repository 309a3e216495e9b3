"""Every example program through gradtrace and through real Python + PyTorch: same answers."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from gradtrace import pipeline
from gradtrace.result import result_to_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "app" / "examples"
# The English examples and their Chinese versions (zh_NN_slug.py), which Chinese pages list.
PROGRAMS = [
    *sorted((ROOT / "tests" / "programs").glob("*.py")),
    *sorted(EXAMPLES.glob("[0-9]*.py")),
    *sorted(EXAMPLES.glob("zh_[0-9]*.py")),
]
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One subprocess runs every program with real Python (imports torch once)."""
    out = tmp_path_factory.mktemp("oracle") / "reference.json"
    subprocess.run(
        [sys.executable, "-m", "tests.oracle", str(out), *map(str, PROGRAMS)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def same_numbers(ours: Any, theirs: Any) -> bool:
    """Exact equality of nested lists, NaN equal to NaN (JSON strings for non-finite on our side)."""
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(same_numbers, ours, theirs))
    if isinstance(theirs, float) and not math.isfinite(theirs):
        expected = "NaN" if math.isnan(theirs) else ("Infinity" if theirs > 0 else "-Infinity")
        return bool(ours == expected)
    return bool(ours == theirs)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_matches_real_pytorch(path: Path, reference: dict[str, Any]) -> None:
    expected = reference[str(path)]
    got = result_to_json(pipeline.run(path.read_text()))

    assert ADDRESS.sub(" at 0x", got["stdout"]) == ADDRESS.sub(" at 0x", expected["stdout"])
    assert set(got["variables"]) == set(expected["variables"])
    for name, theirs in expected["variables"].items():
        ours = got["variables"][name]
        for key in ("shape", "dtype", "requires_grad", "is_leaf"):
            assert ours[key] == theirs[key], (name, key)
        assert same_numbers(ours["value"], theirs["value"]), name
        assert same_numbers(ours["grad"], theirs["grad"]), (name, "grad")
    if expected["graphs"]:
        ours_ops = [sorted(n["op"] for n in g["nodes"] if n["kind"] == "op") for g in got["graphs"]]
        assert ours_ops == expected["graphs"][: len(ours_ops)]
        undrawn = len(expected["graphs"]) - len(ours_ops)
        if undrawn:  # a training loop past max_graphs: the later calls ran undrawn, and we said so
            assert f"{undrawn} later ones ran but are not drawn" in " ".join(got["warnings"])


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_every_graph_is_complete(path: Path) -> None:
    """Each op node once; every leaf named or unnamed shows a gradient; edges join known nodes."""
    got = result_to_json(pipeline.run(path.read_text()))
    for graph in got["graphs"]:
        ids = [n["id"] for n in graph["nodes"]]
        assert ids == [f"n{i}" for i in range(len(ids))]  # walk order, each id once
        assert {e["source"] for e in graph["edges"]} | {e["target"] for e in graph["edges"]} <= set(ids)
        assert Counter(n["kind"] for n in graph["nodes"])["op"] >= 1
        for node in graph["nodes"]:
            if node["kind"] == "leaf":  # listed, or summarised once the answer's listing budget is spent
                assert node["grad"] is not None or "grad_stats" in node


def test_a_view_pytorch_cannot_describe_is_left_out_with_a_warning() -> None:
    """`first` below is fine to use, but PyTorch raises on reading its grad_fn or is_leaf."""
    result = pipeline.run((ROOT / "tests" / "programs" / "61_view_changed_under_no_grad.py").read_text())
    assert "first" not in result.variables
    assert any("`first` is not listed" in w for w in map(str, result.warnings))
