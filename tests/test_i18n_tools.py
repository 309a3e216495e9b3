"""The command line, the book integrations and the notebook speak the language asked for: `--lang`, the locale
environment, a book's `lang` (or its own language setting), `trace(lang=...)`; English otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import gradtrace
import pytest
import torch
from gradtrace.cli import environment_language, main
from gradtrace.errors import GradtraceError
from gradtrace.integrations.drawing import book_language, code_block, located_message

CJK = re.compile(r"[\u4e00-\u9fff]")
FORBIDDEN = "x = 1\nf = open('x')\n"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:zh_CN:en"}, "zh-CN"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, "en"),  # gettext ignores LANGUAGE under the C locale
        ({"LANG": "zh_TW.UTF-8"}, "zh-CN"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_the_locale_environment_chooses_the_command_line_language(environ: dict[str, str], expected: str) -> None:
    assert environment_language(environ) == expected


def test_render_errors_follow_lang_and_the_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.py"
    path.write_text(FORBIDDEN)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["render", str(path)]) == 3
    chinese = capsys.readouterr().err
    assert chinese.startswith("gradtrace：不允许的代码：第 2 行：") and CJK.search(chinese)
    assert main(["render", str(path), "--lang", "en"]) == 3  # --lang wins over the locale
    english = capsys.readouterr().err
    assert english.startswith("gradtrace: forbidden error: line 2: ") and not CJK.search(english)


def test_render_draws_chinese_words_and_batch_hashes_differ_per_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "square.py").write_text("a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()\n")
    out = tmp_path / "out"
    assert main(["render", str(snippets), "-o", str(out), "--lang", "en"]) == 0
    english = (out / "square.svg").read_text()
    assert main(["render", str(snippets), "-o", str(out), "--lang", "zh-CN"]) == 0
    summary = capsys.readouterr().err
    assert "写入 1 个" in summary  # redrawn: the language is part of what a drawing depends on
    chinese = (out / "square.svg").read_text()
    assert chinese != english and "b 的计算图" in chinese and "Autograd graph of b" in english
    assert main(["render", str(snippets), "-o", str(out), "--lang", "zh-CN"]) == 0
    assert "未变 1 个" in capsys.readouterr().err


def test_an_unknown_lang_is_refused_by_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "-", "--lang", "fr"])
    assert exit_info.value.code == 2 and "'fr' is not one of en, zh-CN" in capsys.readouterr().err


def test_book_language_and_fence_lang() -> None:
    assert book_language("", None) == "en"
    assert book_language("", "zh_CN") == "zh-CN"  # Sphinx's language, MkDocs' theme locale
    assert book_language("en", "zh_CN") == "en"  # the integration's own setting wins
    with pytest.raises(GradtraceError) as refused:
        book_language("klingon", None)
    assert refused.value.code == "request.lang" and "lang=zh-CN" in refused.value.message
    assert code_block("y = 1", "lang=zh", {"lang": "en"}).options.lang == "zh-CN"
    assert code_block("y = 1", "", {"lang": "zh-CN"}).options.lang == "zh-CN"
    with pytest.raises(GradtraceError) as bad_fence:
        code_block("y = 1", "lang=fr")
    assert bad_fence.value.code == "request.lang"


def test_build_errors_are_located_in_the_book_language() -> None:
    error = GradtraceError("forbidden", "`open` is not available here", line=2, code="forbidden.builtin")
    english = located_message(error, "docs/index.md", 10)
    chinese = located_message(error, "docs/index.md", 10, "zh-CN")
    assert english == "docs/index.md:11: gradtrace forbidden error: `open` is not available here"
    assert chinese == "docs/index.md:11：gradtrace 不允许的代码：`open` is not available here"


def test_trace_notes_in_the_language_asked_for() -> None:
    a = torch.tensor(3.0, requires_grad=True)
    b = (a * a).exp()
    b.backward()
    english = gradtrace.trace(b)
    chinese = gradtrace.trace(b, lang="zh-CN")
    assert "already freed" in english.notes[0]
    assert "backward() 已经释放了这张计算图" in chinese.notes[0]
    assert "b 的计算图" in chinese.svg() and "Autograd graph of b" in english.svg()
    with pytest.raises(ValueError, match="lang='fr'"):
        gradtrace.trace(b, lang="fr")


def test_the_python_api_takes_lang() -> None:
    code = "a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()"
    assert "b 的计算图" in gradtrace.render(code, lang="zh").decode()
    with pytest.raises(GradtraceError) as refused:
        gradtrace.render(code, lang="fr")
    assert refused.value.code == "request.lang"
