"""The MkDocs plugin: the documented Material site built for real, fences, errors, the cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gradtrace.errors import GradtraceError
from gradtrace.integrations.drawing import code_block
from gradtrace.integrations.mkdocs_plugin import find_fences

from .conftest import mkdocs_build, run_build, write_examples

BROKEN_PAGE = """---
title: Broken
---
# Broken

```gradtrace
x = torch.tensor(2.0, requires_grad=True)
y = open("notes.txt")
```
"""


@pytest.mark.slow
def test_documented_site_shows_both_graphs_in_both_schemes(mkdocs_site: Path) -> None:
    page = (mkdocs_site / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<div class="gradtrace">(.*?)</div></div>', page, re.DOTALL)
    assert len(figures) == 2
    for figure in figures:
        assert (
            figure.count('<div class="gradtrace-light"><svg') == 1 and figure.count('class="gradtrace-dark"><svg') == 1
        )
    assert "MulBackward0" in figures[0] and "TanhBackward0" in figures[1]
    assert '<link rel="stylesheet" href="assets/gradtrace/gradtrace.css">' in page
    css = (mkdocs_site / "assets" / "gradtrace" / "gradtrace.css").read_text()
    assert '[data-md-color-scheme="slate"] .gradtrace .gradtrace-dark{display:block}' in css  # the toggle decides
    ids = re.findall(r'<(?:g|title|desc|linearGradient)[^>]* id="([^"]+)"', "".join(figures))
    assert ids and len(ids) == len(set(ids))  # four SVGs inline on one page, no id twice
    assert "```gradtrace" not in page and "GRADTRACEFIGURE" not in page


@pytest.mark.slow
def test_unchanged_snippets_are_not_drawn_again(tmp_path: Path) -> None:
    folder = write_examples("mkdocs-site", tmp_path)
    assert "gradtrace: 4 drawn, 0 from the cache" in mkdocs_build(folder)
    assert "gradtrace: 0 drawn, 4 from the cache" in mkdocs_build(folder)
    page = folder / "docs" / "index.md"
    page.write_text(page.read_text().replace("y = x * x", "y = x * x * x"))
    assert "gradtrace: 2 drawn, 2 from the cache" in mkdocs_build(folder)  # only the changed block, both schemes


@pytest.mark.slow
def test_a_broken_snippet_stops_the_build_at_its_file_and_line(tmp_path: Path) -> None:
    folder = write_examples("mkdocs-site", tmp_path)
    (folder / "docs" / "broken.md").write_text(BROKEN_PAGE)
    done = run_build(["mkdocs", "build"], folder)
    assert done.returncode != 0
    assert "docs/broken.md:8: gradtrace forbidden error: `open` is not available here" in done.stderr


@pytest.mark.slow
def test_file_output_writes_svgs_the_pages_link(tmp_path: Path) -> None:
    folder = write_examples("mkdocs-site", tmp_path)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - gradtrace ", "  - gradtrace:\n      output: file\n     "))
    mkdocs_build(folder)
    page = (folder / "site" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(
        r'<img class="gradtrace-(?:light|dark)" src="([^"]+)" alt="Autograd graph of (?:y|loss)"', page
    )
    assert len(sources) == 4 and len(set(sources)) == 4
    for source in sources:
        assert (folder / "site" / source).read_bytes().startswith(b"<?xml")


def test_fences_inside_longer_fences_are_examples() -> None:
    lines = [
        "````markdown",
        "```gradtrace",
        "x = 1",
        "```",
        "````",
        "",
        "  ```gradtrace theme=dark",
        "  y = 2",
        "  ```",
    ]
    fences = [(f.info, f.code, f.indent) for f in find_fences(lines)]
    assert fences == [("markdown", "```gradtrace\nx = 1\n```", ""), ("gradtrace theme=dark", "y = 2", "  ")]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("colour=red", "unknown option 'colour'"),
        ("theme=blue", "theme='blue'"),
        ("values=maybe", "values='maybe' must be true or false"),
        ("precision=x", "precision='x' must be a whole number"),
        ("direction", "must be written name=value"),
        ('inputs=\'{"x": "a"}\'', "input `x` must be a number"),
    ],
)
def test_bad_fence_options_say_what_to_write(header: str, message: str) -> None:
    with pytest.raises(GradtraceError, match=re.escape(message)):
        code_block("y = x * 2", header)


def test_fence_options_reach_the_drawing() -> None:
    block = code_block("y = x * 2", '{direction="LR" values=false grads=no collapse=0 precision=3 graph=0}')
    options = block.options
    assert (options.direction, options.show_values, options.show_grads, options.collapse_runs) == (
        "LR",
        False,
        False,
        False,
    )
    assert (options.precision, options.graph, block.schemes()) == (3, 0, ("light", "dark"))
    assert code_block("y = x", "theme=dark inputs='{\"x\": [1, 2]}'").inputs == {"x": [1, 2]}
