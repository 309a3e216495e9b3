"""The README's example is run and its stated output checked, so the two cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gradtrace import pipeline
from gradtrace.result import result_to_json

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def block_after(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```", README, re.S)
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
