"""`gradtrace.render` and `gradtrace.run`: the CLI's in-process path, called from Python."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import gradtrace
import pytest
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.result import Result, result_to_json

from .conftest import documented_examples

CODE = "a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()"


def test_import_gradtrace_does_not_load_torch() -> None:
    probe = "import sys, gradtrace; print('torch' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


@pytest.mark.slow  # a fresh interpreter imports torch
def test_render_draws_what_the_cli_draws() -> None:
    svg = gradtrace.render(CODE, theme="dark", direction="LR")
    cli = subprocess.run(
        [sys.executable, "-m", "gradtrace", "render", "-", "--theme", "dark", "--direction", "LR"],
        input=CODE.encode(), capture_output=True, check=True,
    )  # fmt: skip
    assert svg == cli.stdout and svg.startswith(b"<?xml")
    assert cli.stderr == b""  # no Graphviz or fontconfig chatter on the CLI's stderr


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("dot", b"digraph")])
def test_render_formats(fmt: str, magic: bytes) -> None:
    assert gradtrace.render(CODE, format=fmt).startswith(magic)


@pytest.mark.slow  # a fresh interpreter imports torch
def test_render_stays_the_function_once_the_drawing_modules_are_imported() -> None:
    """`gradtrace.render` is the function before and after the drawing modules (gradtrace.rendering)
    are imported, in every import form (a fresh interpreter: nothing imported before)."""
    probe = (
        "import gradtrace\n"
        "import gradtrace.rendering.svg as svg\n"
        "from gradtrace.rendering.options import RenderOptions\n"
        "from gradtrace import render\n"
        "import gradtrace.rendering.dot\n"
        "assert callable(svg.layout) and RenderOptions().theme == 'light' and render is gradtrace.render\n"
        f"print(gradtrace.render({CODE!r}, format='dot')[:7].decode())"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "digraph", done.stderr


def test_run_returns_the_result_the_json_api_serialises() -> None:
    result = gradtrace.run(CODE, precision=3)
    assert isinstance(result, Result)
    assert result.variables["a"].grad is not None and result.variables["a"].grad.values == 4.0
    answer = json.loads(gradtrace.render(CODE, format="json", precision=3))
    assert answer == json.loads(json.dumps(result_to_json(result)))


def test_inputs_and_limits_are_those_of_the_server() -> None:
    result = gradtrace.run("y = (x * x).sum()\ny.backward()", {"x": [1.0, 3.0]})
    assert result.variables["x"].grad is not None and result.variables["x"].grad.values == [2.0, 6.0]
    with pytest.raises(GradtraceError) as refused:
        gradtrace.run("y = torch.ones(1000, requires_grad=True).sum()", limits=Limits(max_tensor_elements=10))
    assert refused.value.kind == "limit"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gradtrace.render("y = open('notes.txt')"), "`open` is not available"),
        (lambda: gradtrace.render(CODE, format="gif"), "format='gif'"),
        (lambda: gradtrace.render(CODE, theme="blue"), "theme='blue'"),  # type: ignore[typeddict-item]
        (lambda: gradtrace.render(CODE, precision=40), "precision=40"),
        (lambda: gradtrace.run(CODE, {"1x": 2}), "plain Python names"),
    ],
)
def test_mistakes_are_gradtrace_errors(call: object, message: str) -> None:
    with pytest.raises(GradtraceError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.slow  # a fresh interpreter imports torch
def test_documented_example_runs_as_written(tmp_path: Path) -> None:
    """docs/embedding.md's gradtrace.render/run example, run as a reader would; it prints what it says."""
    (script,) = documented_examples("python-api.py").values()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6.0" and "# 6.0" in script


def test_graphviz_warnings_go_to_the_debug_log_not_descriptor_2(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from gradtrace.rendering.svg import layout

    with caplog.at_level(logging.DEBUG, logger="gradtrace.graphviz"):
        assert layout("digraph { a [shape=no_such_shape] }", "svg").startswith(b"<?xml")
    assert capfd.readouterr().err == ""  # Graphviz writes this warning from C, straight to descriptor 2
    assert "unknown shape no_such_shape" in caplog.text
