"""Error pictures wrap only the lines they draw: a message can quote 100,000 characters of a program's data."""

from __future__ import annotations

import pytest
from gradtrace.errors import GradtraceError
from gradtrace.web import errors as web_errors
from gradtrace.web.errors import error_svg, wrap_lines


def counted_width_lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the per-character width lookups the wrapping makes (its work, measured without a clock)."""
    calls = [0]
    real = web_errors.east_asian_width

    def counting(char: str) -> str:
        calls[0] += 1
        return real(char)

    monkeypatch.setattr(web_errors, "east_asian_width", counting)
    return calls


@pytest.mark.parametrize("unit", ["a", "a ", "梯度", "x.grad 梯度 "])
def test_wrapping_a_huge_message_looks_at_the_drawn_lines_only(monkeypatch: pytest.MonkeyPatch, unit: str) -> None:
    text = unit * (200_000 // len(unit))
    calls = counted_width_lookups(monkeypatch)
    lines = wrap_lines(text, 70, max_lines=8)
    assert len(lines) == 8 and all(web_errors.text_columns(line) <= 70 for line in lines)
    # Before, every line measured the whole rest of the text: millions of lookups, seconds on the event loop.
    assert calls[0] < 20_000, calls[0]


def test_short_messages_wrap_as_before() -> None:
    assert wrap_lines("one two three", 7, max_lines=8) == ["one two", "three"]
    assert wrap_lines("first\nsecond", 70, max_lines=1) == ["first"]
    assert wrap_lines("", 70, max_lines=8) == [""]


def test_the_error_picture_of_a_huge_message_draws_eight_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    error = GradtraceError("runtime", "ValueError: " + "a" * 100_000, code="runtime.value_error")
    calls = counted_width_lookups(monkeypatch)
    svg = error_svg(error, "zh-CN").body.decode()
    assert svg.count('font-family="monospace"') == 8 and calls[0] < 40_000
