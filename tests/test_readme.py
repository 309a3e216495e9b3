"""The README's example is run and its stated output checked, so the two cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.rendering.options import RenderOptions
from gradtrace.result import result_to_json
from gradtrace.web.source_encoding import decode_source

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
README_ZH = (Path(__file__).resolve().parents[1] / "README.zh-CN.md").read_text()


def block_after(marker: str, readme: str = README) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```", readme, re.S)
    assert match, f"README lost its {marker} block"
    return match.group(1)


def test_readme_example_output_is_what_gradtrace_gives() -> None:
    code = block_after("example:code")
    expected = json.loads(block_after("example:output"))
    got = result_to_json(pipeline.run(code))
    assert got["stdout"] == expected["stdout"]
    assert got["variables"]["x"] == expected["variables"]["x"]
    nodes = [" ".join(str(n[k]) for k in ("id", "kind", "op", "name") if n[k]) for n in got["graphs"][0]["nodes"]]
    assert nodes == expected["nodes"]


def test_readme_curl_sends_the_same_code() -> None:
    code = block_after("example:code")
    payload = re.search(r"-d '(\{.*?\})'", README, re.S)
    assert payload is not None
    assert json.loads(payload.group(1))["code"] == code.rstrip("\n")


def test_readme_limits_table_matches_the_settings() -> None:
    from dataclasses import fields

    from gradtrace.config import Limits

    documented = dict(re.findall(r"^\| `([a-z_]+)` \| ([\d.]+) \|", README, re.M))
    defaults = {f.name: getattr(Limits(), f.name) for f in fields(Limits)}
    assert set(documented) == set(defaults)
    for name, value in defaults.items():
        assert float(documented[name]) == float(value), name


def test_readme_settings_tables_match_the_settings() -> None:
    """The fairness, quota and server tables give each GRADTRACE_ setting's real default."""
    from gradtrace.config import Settings

    rows = re.findall(r"^\| `GRADTRACE_(\w+)` \| ([^|]+) \|", README, re.M)
    assert len(rows) >= 14
    settings = Settings()
    for name, documented in rows:
        value = getattr(settings, name.lower())
        text = documented.strip()
        if isinstance(value, tuple):
            assert (value, text) == ((), "empty"), name
        elif isinstance(value, str):
            assert text == (f"`{value}`" if value else "empty"), name
        elif text.startswith("0 = "):  # 0 means "computed from other settings"
            assert value == 0, name
        else:
            assert float(text) == float(value), name


# The Chinese README (README.zh-CN.md): its commands and examples are checked like the English ones.


def test_the_readme_links_its_chinese_version_and_back() -> None:
    assert "[简体中文](README.zh-CN.md)" in README.split("\n## ", 1)[0]
    assert "[English](README.md)" in README_ZH.split("\n## ", 1)[0]


def test_readme_zh_setup_commands_are_the_english_ones() -> None:
    english = re.search(r"## Set up\n.*?```sh\n(.*?)```", README, re.S)
    assert english is not None
    commands = [line.split("#")[0].strip() for line in block_after("zh:setup", README_ZH).splitlines()]
    assert commands == [line.split("#")[0].strip() for line in english.group(1).splitlines()]


def test_readme_zh_example_output_is_what_gradtrace_gives() -> None:
    code = block_after("zh:example:code", README_ZH)
    expected = json.loads(block_after("zh:example:output", README_ZH))
    got = result_to_json(pipeline.run(code))
    assert got["stdout"] == expected["stdout"]
    assert got["variables"]["x"] == expected["variables"]["x"]
    nodes = [" ".join(str(n[k]) for k in ("id", "kind", "op", "name") if n[k]) for n in got["graphs"][0]["nodes"]]
    assert nodes == expected["nodes"]


def test_readme_zh_curl_sends_the_same_code_in_chinese() -> None:
    code = block_after("zh:example:code", README_ZH)
    payload = re.search(r"-d '(\{.*?\})'", README_ZH, re.S)
    assert payload is not None
    body = json.loads(payload.group(1))
    assert body["code"] == code.rstrip("\n") and body["options"] == {"lang": "zh-CN"}


def test_readme_zh_error_example_answers_what_it_shows() -> None:
    """The refusal the Chinese README quotes: its code, line and the start of its Chinese message."""
    from gradtrace.errors import GradtraceError

    block = block_after("zh:example:error", README_ZH)
    body = json.loads(re.search(r"-d '(\{.*?\})'", block, re.S).group(1))  # type: ignore[union-attr]
    shown = json.loads(re.search(r"^# (\{.*\})$", block, re.M).group(1).replace(", ...", ""))["error"]  # type: ignore[union-attr]
    with pytest.raises(GradtraceError) as raised:
        pipeline.run(body["code"], options=RenderOptions(lang=body["options"]["lang"]))
    answer = raised.value.to_dict("zh-CN")
    assert (answer["type"], answer["code"], answer["line"]) == (shown["type"], shown["code"], shown["line"])
    assert str(answer["message"]).startswith(shown["message"].removesuffix("..."))


def test_readme_zh_embed_url_draws_the_example_in_chinese(client: TestClient) -> None:
    url = re.search(r"\]\((http://127\.0\.0\.1:8000)(/svg/[^)]+)\)", block_after("zh:example:embed", README_ZH))
    assert url is not None
    path = url.group(2)
    assert "lang=zh-CN" in path
    encoded = path.removeprefix("/svg/").split("?", 1)[0]
    assert decode_source(encoded, 10_000) == block_after("zh:example:code", README_ZH)
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert "梯度" in response.text
