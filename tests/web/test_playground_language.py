"""The playground page in the learner's language: `?lang=` wins, else Accept-Language, else English; the page's
words, its script's catalogue and its examples all follow."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace.examples import load_examples

from tests.conftest import load_messages_script

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
PAGE_DATA = re.compile(r'<script type="application/json" id="page-data">(.*?)</script>', re.S)


def page(client: TestClient, query: str = "", accept: str | None = None) -> tuple[str, dict[str, Any]]:
    headers = {} if accept is None else {"Accept-Language": accept}
    response = client.get(f"/{query}", headers=headers)
    assert response.status_code == 200, response.text
    assert "Accept-Language" in response.headers["vary"]
    found = PAGE_DATA.search(response.text)
    assert found is not None
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return response.text, data


def title(text: str) -> str:
    found = re.search(r"<title>(.*?)</title>", text)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("", None, "en"),
        ("", "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("", "fr-FR, en;q=0.5", "en"),
        ("?lang=zh-CN", None, "zh-CN"),
        ("?lang=en", "zh-CN", "en"),  # the address wins over the browser
        ("?lang=klingon", "zh", "zh-CN"),  # an unknown lang on a page: the browser decides
    ],
)
def test_the_page_language_comes_from_the_address_then_the_browser(
    client: TestClient, query: str, accept: str | None, expected: str
) -> None:
    text, data = page(client, query, accept)
    assert f'<html lang="{expected}">' in text
    assert data["lang"] == expected
    assert bool(CJK.search(title(text))) == (expected == "zh-CN")


def test_a_chinese_page_is_chinese_and_an_english_one_english(client: TestClient) -> None:
    chinese, data = page(client, "?lang=zh-CN")
    english, english_data = page(client, "?lang=en")
    assert title(chinese) == "gradtrace 演练场 —— 你的 PyTorch 代码的计算图"
    assert "<code>.backward()</code>" in chinese and "就能在这里看到它的计算图" in chinese  # {% trans %} with markup
    assert 'aria-label="缩小"' in chinese and 'aria-label="Zoom out"' in english
    # The script's words: a catalogue in Chinese (plural entries as their forms), none needed in English.
    assert data["catalogue"]["Chain rule"] == "链式法则"
    assert data["catalogue"]["{n} node"] == ["{n} 个节点"]
    assert english_data["catalogue"] == {}
    # The switch shows both languages, each named in itself, the current one marked.
    assert re.search(r'<a href="\?lang=zh-CN"[^>]*aria-current="true">中文</a>', chinese)
    assert re.search(r'<a href="\?lang=en"[^>]*aria-current="true">English</a>', english)


def test_chinese_pages_list_the_course_examples_in_chinese(client: TestClient) -> None:
    _, chinese = page(client, accept="zh-CN")
    _, english = page(client, accept="en")
    chinese_titles = [example["title"] for example in chinese["examples"]]
    assert all(CJK.search(title) for title in chinese_titles), chinese_titles
    assert [example["slug"] for example in chinese["examples"]] == [example["slug"] for example in english["examples"]]
    first = chinese["examples"][0]["code"]
    # The course's own cell, with its Chinese comments.
    assert "x = torch.ones(2, 2, requires_grad=True)" in first and "out.backward()" in first and CJK.search(first)
    codes = "\n".join(example["code"] for example in chinese["examples"])
    assert "requires_grad_(True)" in codes and "with torch.no_grad():" in codes and "torch.sigmoid" in codes
    assert not any(CJK.search(example["title"]) for example in english["examples"])


def test_each_chinese_example_has_the_options_of_its_english_one() -> None:
    english = {example.slug: example.options for example in load_examples("en")}
    assert {example.slug: example.options for example in load_examples("zh-CN")} == english


def test_the_api_docs_page_speaks_the_language_too(client: TestClient) -> None:
    response = client.get("/api/docs", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="zh-CN">' in response.text and "<title>gradtrace API 参考</title>" in response.text


def test_every_script_message_is_extracted() -> None:
    """Babel's JavaScript extractor skips a t("...") nested in another call's arguments or inside a template
    literal's ${...}: such a message would never reach the catalogue and stay English in a Chinese page."""
    messages = load_messages_script()
    extracted = {
        message.id if isinstance(message.id, str) else message.id[0] for message in messages.extract("playground")
    }
    called = set()
    for path in sorted((ROOT / "static" / "src").rglob("*.js")):
        source = re.sub(r"^\s*(//|\*|/\*).*$", "", path.read_text(encoding="utf-8"), flags=re.M)  # not comments
        called |= {(path.name, msgid) for msgid in re.findall(r'\btn?\(\s*"((?:[^"\\]|\\.)*)"', source)}
    assert called, "no t() calls found: the pattern is broken"
    missed = sorted(f"{name}: {msgid!r}" for name, msgid in called if msgid not in extracted)
    assert not missed, "write these t() calls on their own, not inside another call or a template literal:\n" + (
        "\n".join(missed)
    )
