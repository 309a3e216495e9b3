"""A book in Chinese: MkDocs' `lang` and Sphinx's own `language` draw the blocks' words and write build errors
in Chinese; a block may still ask for English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import run_build, write_examples

pytestmark = pytest.mark.slow

BROKEN_BLOCK = "x = torch.tensor(2.0, requires_grad=True)\ny = open('notes.txt')\n"


def test_mkdocs_lang_draws_chinese_and_stops_on_errors_in_chinese(tmp_path: Path) -> None:
    folder = write_examples("mkdocs-site", tmp_path)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - gradtrace ", "  - gradtrace:\n      lang: zh-CN\n     "))
    done = run_build(["mkdocs", "build"], folder)
    assert done.returncode == 0, done.stderr
    page = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "y 的计算图" in page and "Autograd graph of y" not in page
    (folder / "docs" / "broken.md").write_text(f"# Broken\n\n```gradtrace\n{BROKEN_BLOCK}```\n")
    broken = run_build(["mkdocs", "build"], folder)
    assert broken.returncode != 0
    assert re.search(r"docs/broken\.md:5：gradtrace 不允许的代码：", broken.stderr), broken.stderr


def test_sphinx_language_draws_chinese_and_warns_in_chinese(tmp_path: Path) -> None:
    folder = write_examples("sphinx-site", tmp_path)
    conf = folder / "conf.py"
    conf.write_text(conf.read_text() + 'language = "zh_CN"\n')
    (folder / "broken.rst").write_text(
        "Broken\n======\n\n.. gradtrace::\n\n" + "".join(f"   {line}\n" for line in BROKEN_BLOCK.splitlines())
    )
    index = folder / "index.rst"
    index.write_text(index.read_text().replace("   network\n", "   network\n   broken\n"))
    done = run_build(["sphinx", "-b", "html", ".", "_build/html"], folder)
    assert done.returncode == 0, done.stderr
    assert re.search(r"broken\.rst:4: WARNING: gradtrace 不允许的代码：代码片段第 2 行：", done.stderr), done.stderr
    page = (folder / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert 'alt="y 的计算图"' in page
