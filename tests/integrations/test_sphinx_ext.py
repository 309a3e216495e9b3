"""The Sphinx extension: the documented project built with -b html and -b latex, one source each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import run_build, write_examples

pytestmark = pytest.mark.slow

BROKEN = """Broken
======

.. gradtrace::

   x = torch.tensor(2.0, requires_grad=True)
   y = open("notes.txt")
"""


def test_html_shows_an_svg_for_each_block(sphinx_site: Path) -> None:
    pages = {name: (sphinx_site / "html" / f"{name}.html").read_text(encoding="utf-8") for name in ("index", "network")}
    alts = {"index": "Autograd graph of y", "network": "Autograd graph of loss"}
    for name, page in pages.items():
        images = re.findall(r'<img alt="([^"]+)" src="(_images/[0-9a-f]+\.svg)"', page)
        assert [alt for alt, _ in images] == [alts[name]], page  # the MyST page's fence too
        svg = (sphinx_site / "html" / images[0][1]).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and ("MulBackward0" if name == "index" else "TanhBackward0") in svg


def test_latex_includes_pdfs_that_exist(sphinx_site: Path) -> None:
    (tex,) = (sphinx_site / "latex").glob("*.tex")
    included = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([0-9a-f]+)\}\.pdf\}", tex.read_text())
    assert len(included) == 2
    for name in included:
        assert (sphinx_site / "latex" / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def test_a_broken_snippet_is_a_warning_at_its_line(tmp_path: Path) -> None:
    folder = write_examples("sphinx-site", tmp_path)
    (folder / "broken.rst").write_text(BROKEN)
    index = folder / "index.rst"
    index.write_text(index.read_text().replace("   network\n", "   network\n   broken\n"))
    done = run_build(["sphinx", "-b", "html", ".", "_build/html"], folder)
    assert done.returncode == 0, done.stderr  # a warning: the rest of the course still builds
    assert re.search(r"broken\.rst:4: WARNING: gradtrace forbidden error: snippet line 2: `open` is not", done.stderr)
    assert "gradtrace forbidden error" in (folder / "_build" / "html" / "broken.html").read_text()
    strict = run_build(["sphinx", "-W", "-b", "html", ".", "_build/strict"], folder)
    assert strict.returncode != 0  # -W: the build fails on it
