"""Translatable text and language choice (app/i18n)."""

from __future__ import annotations

import pickle

import pytest
from gradtrace.errors import GradtraceError, RetryLater
from gradtrace.i18n import Joined, Message, Plural, Series, from_accept_language, parse_language, render
from gradtrace.pipeline import run
from gradtrace.rendering.options import RenderOptions


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.5", "zh-CN"),  # the first supported one by quality
        ("zh-TW", "zh-CN"),  # the only Chinese there is
        ("zh-Hans-SG", "zh-CN"),
        ("de, fr", "en"),  # nothing supported: English
        ("zh-CN;q=0, en", "en"),  # q=0 means "not this"
        ("en;q=0.1, zh;q=0.2", "zh-CN"),
        ("*", "en"),
        ("zh;q=abc, en", "en"),  # a malformed entry is skipped
        ("zh;q=2", "en"),  # out of range: skipped
    ],
)
def test_accept_language(header: str | None, language: str) -> None:
    assert from_accept_language(header) == language


@pytest.mark.parametrize(("tag", "language"), [("zh-CN", "zh-CN"), ("zh_cn", "zh-CN"), ("EN", "en"), ("fr", None)])
def test_parse_language(tag: str, language: str | None) -> None:
    assert parse_language(tag) == language


def test_a_message_renders_in_each_language_and_survives_pickling() -> None:
    inner = Message("line {line}: {message}", line=3, message="x")
    outer = Joined(Message("line {line}: {message}", line=1, message=inner), "PyTorch: bad")
    assert str(outer) == "line 1: line 3: x PyTorch: bad"
    assert render(outer, "zh-CN") == "第 1 行：第 3 行：xPyTorch: bad"
    assert pickle.loads(pickle.dumps(outer)) == outer


def test_errors_keep_code_and_text_across_the_worker_pipe() -> None:
    error = GradtraceError("forbidden", Message("line {line}: {message}", line=2, message="m"), code="forbidden.demo")
    copy = pickle.loads(pickle.dumps(error.at(7)))
    assert copy.to_dict("zh-CN") == {
        "type": "forbidden",
        "code": "forbidden.demo",
        "message": "第 7 行：第 2 行：m",
        "line": 7,
        "col": None,
    }
    assert copy.message == "line 2: m" and copy.to_dict()["message"] == "line 7: line 2: m"
    busy = pickle.loads(pickle.dumps(RetryLater(Message("line {line}: {message}", line=1, message="m"), 3)))
    assert (busy.code, busy.retry_after, busy.status) == ("limit.busy", 3, 429)


def test_a_series_lists_with_each_languages_comma() -> None:
    assert render(Series(0, 1, 2), "en") == "0, 1, 2"
    summed = Plural("sums over dim {dims}", "sums over dims {dims}", n=2, dims=Series(0, 1))
    assert (render(summed, "en"), render(summed, "zh-CN")) == ("sums over dims 0, 1", "沿第 0、1 维求和")
    assert pickle.loads(pickle.dumps(Series(0, 1))) == Series(0, 1)


def test_the_edge_rules_of_a_drawing_speak_its_language() -> None:
    """A transpose's and a broadcast's words on the edges (they were English in Chinese drawings)."""
    code = (
        "import torch\nx = torch.ones(2, 3, requires_grad=True)\ny = (x.t() * 2).sum()\n"
        "b = torch.ones(3, requires_grad=True)\nz = (torch.ones(2, 2, 3) + b).sum()\n(y + z).backward()\n"
    )
    english = run(code, options=RenderOptions(lang="en")).graphs[-1].svg
    chinese = run(code, options=RenderOptions(lang="zh-CN")).graphs[-1].svg
    assert ">transposes<" in english and "sums over dims 0, 1" in english
    assert ">转置<" in chinese and "沿第 0、1 维求和" in chinese and "transposes" not in chinese
