"""The `gradtrace` command line: render to SVG/DOT/JSON, errors to stderr with an exit code."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.cli import main

TUTORIAL = (Path(__file__).parent / "programs" / "tutorial.py").read_text()


@pytest.fixture
def tutorial_file(tmp_path: Path) -> Path:
    path = tmp_path / "tutorial.py"
    path.write_text(TUTORIAL)
    return path


def test_render_svg_to_file(tutorial_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.svg"
    assert main(["render", str(tutorial_file), "-o", str(out)]) == 0
    ET.fromstring(out.read_bytes())
    assert "MeanBackward0" in out.read_text()


def test_render_json_matches_api_shape(tutorial_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tutorial_file), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["variables"]["x"]["grad"] == [[4.5, 4.5], [4.5, 4.5]]
    assert body["graphs"][0]["root"] == "out"


def test_render_dot(tutorial_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tutorial_file), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph gradtrace {")


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [("import os\n", 3, "forbidden"), ("x = (\n", 2, "syntax"), ("a = torch.ones(2) + torch.ones(3)\n", 6, "runtime")],
)
def test_bad_input_exits_nonzero_with_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, status: int, kind: str
) -> None:
    path = tmp_path / "bad.py"
    path.write_text(code)
    assert main(["render", str(path)]) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{kind} error" in captured.err and "line 1" in captured.err


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "/nonexistent/prog.py"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_installed_command_reads_stdin() -> None:
    """The console script itself, as a user runs it: `gradtrace render - --format dot`."""
    script = Path(sys.executable).parent / "gradtrace"
    done = subprocess.run(
        [str(script), "render", "-", "--format", "dot"], input="out = (x * 3).sum()", capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "MulBackward0" in done.stdout
