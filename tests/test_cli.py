"""The `gradtrace` command line: render to SVG/DOT/JSON, errors to stderr with an exit code."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gradtrace.cli import main

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
    [
        ("f = open('x')\n", 3, "forbidden"),
        ("x = (\n", 2, "syntax"),
        ("a = torch.ones(2) + torch.ones(3)\n", 6, "runtime"),
    ],
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
        [str(script), "render", "-", "--format", "dot"],
        input="out = (x * 3).sum()",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "MulBackward0" in done.stdout


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF")])
def test_render_png_and_pdf(tutorial_file: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"graph.{fmt}"
    assert main(["render", str(tutorial_file), "-o", str(out), "--format", fmt]) == 0
    assert out.read_bytes().startswith(magic)


def test_render_options(tutorial_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["render", str(tutorial_file), "--theme", "auto", "--no-values", "--precision", "2", "--direction", "LR"]
    assert main(args) == 0
    svg = capsys.readouterr().out
    assert "prefers-color-scheme: dark" in svg and ">value " not in svg and ">grad " in svg


def make_course(folder: Path) -> None:
    (folder / "week1").mkdir(parents=True)
    (folder / "intro.py").write_text(TUTORIAL)
    (folder / "week1" / "chain.py").write_text("out = (x.exp() * 2).sum()\n")
    (folder / "notes.txt").write_text("not a snippet")


def test_render_folder_writes_one_image_per_snippet_and_skips_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course, site = tmp_path / "course", tmp_path / "site"
    make_course(course)
    assert main(["render", str(course), "-o", str(site), "--theme", "dark"]) == 0
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.svg")) == ["intro.svg", "week1/chain.svg"]
    assert "2 written, 0 unchanged" in capsys.readouterr().err
    chain = site / "week1" / "chain.svg"
    stamp = chain.stat().st_mtime_ns
    assert main(["render", str(course), "-o", str(site), "--theme", "dark"]) == 0
    assert "0 written, 2 unchanged" in capsys.readouterr().err and chain.stat().st_mtime_ns == stamp
    (course / "week1" / "chain.py").write_text("out = (x.exp() * 3).sum()\n")
    assert main(["render", str(course), "-o", str(site), "--theme", "dark"]) == 0
    assert "1 written, 1 unchanged" in capsys.readouterr().err
    assert main(["render", str(course), "-o", str(site), "--theme", "light"]) == 0  # options count too
    assert "2 written, 0 unchanged" in capsys.readouterr().err
    chain.unlink()  # a deleted output is drawn again
    assert main(["render", str(course), "-o", str(site), "--theme", "light"]) == 0
    assert "1 written, 1 unchanged" in capsys.readouterr().err and chain.exists()


def test_render_several_files_as_png(tmp_path: Path, tutorial_file: Path) -> None:
    other = tmp_path / "other.py"
    other.write_text("out = (x * 3).sum()\n")
    site = tmp_path / "site"
    assert main(["render", str(tutorial_file), str(other), "-o", str(site), "--format", "png"]) == 0
    assert (site / "tutorial.png").read_bytes().startswith(b"\x89PNG") and (site / "other.png").exists()


def test_render_folder_reports_broken_snippets_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course, site = tmp_path / "course", tmp_path / "site"
    make_course(course)
    (course / "broken.py").write_text("f = open('x')\n")  # an unused import would run
    assert main(["render", str(course), "-o", str(site)]) == 3
    err = capsys.readouterr().err
    assert "broken.py: forbidden error: line 1" in err and "2 written, 0 unchanged, 1 failed" in err
    assert not (site / "broken.svg").exists() and (site / "intro.svg").exists()


def test_several_sources_need_an_output_folder(tutorial_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tutorial_file), str(tutorial_file)]) == 2
    assert "need -o FOLDER" in capsys.readouterr().err


def test_output_in_a_missing_folder_is_a_clear_error(
    tutorial_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(tutorial_file), "-o", str(tmp_path / "nonexistent" / "out.svg")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "out.svg" in err and "Traceback" not in err


def test_batch_output_that_is_a_file_is_a_clear_error(
    tutorial_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "one.py").write_text(TUTORIAL)
    assert main(["render", str(tmp_path / "snippets"), "-o", str(taken)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_two_snippets_with_one_output_name_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "g.py").write_text(TUTORIAL)
    out = tmp_path / "out"
    assert main(["render", str(tmp_path / "a" / "g.py"), str(tmp_path / "b" / "g.py"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "would both be written to g.svg" in err and str(tmp_path / "b" / "g.py") in err
    assert not (out / "g.svg").exists()
    # the folders that hold them keep their structure, so that way both are drawn
    assert main(["render", str(tmp_path), "-o", str(out)]) == 0
    assert (out / "a" / "g.svg").exists() and (out / "b" / "g.svg").exists()


@pytest.mark.parametrize("error", [RecursionError, MemoryError])
@pytest.mark.parametrize("batch", [False, True])
def test_recursion_and_memory_errors_in_process_are_limit_errors(
    tutorial_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: type[BaseException],
    batch: bool,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error()

    monkeypatch.setattr("gradtrace.pipeline.run", fail)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "one.py").write_text(TUTORIAL)
    sources = [str(tmp_path / "snippets")] if batch else [str(tutorial_file)]
    assert main(["render", *sources, "-o", str(tmp_path / ("out" if batch else "out.svg"))]) == 4
    err = capsys.readouterr().err
    assert "limit error" in err and "Traceback" not in err


def test_readme_command_line_synopsis_names_every_render_option() -> None:
    from gradtrace.cli import build_parser

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for action in commands.choices["render"]._actions:
        flags = [flag for flag in action.option_strings if flag not in ("-h", "--help")]
        assert not flags or any(re.search(re.escape(flag) + r"(?![\w-])", section) for flag in flags), flags
    assert "--format svg|png|pdf|dot|json" in section
