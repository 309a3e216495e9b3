"""Run small programs through real Python + PyTorch (tests/oracle.py, in one subprocess) and compare
gradtrace's answer with it: printed text, every named tensor's value and gradient, grad_fn names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradtrace import pipeline
from gradtrace.result import result_to_json

from tests.test_oracle import same_numbers

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def run_in_pytorch(programs: Mapping[str, str], folder: Path) -> dict[str, Any]:
    """{case id: what real PyTorch printed, bound and drew} for each program source."""
    paths = {}
    for case, source in programs.items():
        path = folder / f"{case}.py"
        path.write_text(source, encoding="utf-8")
        paths[case] = path
    out = folder / "reference.json"
    subprocess.run(
        [sys.executable, "-m", "tests.oracle", str(out), *map(str, paths.values())],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    return {case: report[str(path)] for case, path in paths.items()}


def assert_same_as_pytorch(source: str, expected: dict[str, Any]) -> None:
    """gradtrace's run of `source` prints, binds and draws what real PyTorch did."""
    got = result_to_json(pipeline.run(source))
    assert ADDRESS.sub(" at 0x", got["stdout"]) == ADDRESS.sub(" at 0x", expected["stdout"])
    assert set(got["variables"]) == set(expected["variables"])
    for name, theirs in expected["variables"].items():
        ours = got["variables"][name]
        for key in ("shape", "dtype", "requires_grad", "is_leaf"):
            assert ours[key] == theirs[key], (name, key)
        assert same_numbers(ours["value"], theirs["value"]), name
        assert same_numbers(ours["grad"], theirs["grad"]), (name, "grad")
    ours_ops = [sorted(n["op"] for n in g["nodes"] if n["kind"] == "op") for g in got["graphs"]]
    # The oracle records a graph before each backward() call, including one that then fails.
    assert ours_ops == expected["graphs"][: len(ours_ops)]
    assert len(ours_ops) >= 1 or not expected["graphs"]
