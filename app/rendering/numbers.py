"""Short, fixed-precision text for tensor values inside node labels."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..graph.model import TensorData
from ..i18n import DEFAULT_LANGUAGE, Language, Message, render

ROW_ITEMS = 4  # numbers shown per row before eliding
ROWS = 3  # rows shown before eliding


def format_number(value: Any, precision: int) -> str:
    """One number, `precision` significant digits, no trailing noise (`4.5`, `27`, `-inf`, `True`)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(value, f".{precision}g")
        return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
    return str(value)


def _row(values: Sequence[Any], precision: int) -> str:
    # Format only what is shown: a row of 2,000 numbers shows four of them.
    shown = values if len(values) <= ROW_ITEMS else [*values[: ROW_ITEMS - 1], values[-1]]
    items = [format_number(v, precision) for v in shown]
    if len(values) > ROW_ITEMS:
        items.insert(ROW_ITEMS - 1, "…")
    return "[" + ", ".join(items) + "]"


def format_tensor_lines(data: TensorData, precision: int, language: Language = DEFAULT_LANGUAGE) -> list[str]:
    """The value as at most ROWS + 1 short lines: a number, a row, a few rows, or a summary."""
    if data.values is None or len(data.shape) > 2:
        stats = data.stats
        if stats is None:  # >2-d tensor small enough to have values: summarise them here
            flat = list(_flatten(data.values))
            stats = {"min": min(flat), "max": max(flat), "mean": sum(flat) / len(flat)} if flat else {}
        if not stats:
            return ["[]"]
        low, high = format_number(stats["min"], precision), format_number(stats["max"], precision)
        mean = format_number(stats["mean"], precision)
        return [
            render(Message("min {min}  max {max}", min=low, max=high), language),
            render(Message("mean {mean}", mean=mean), language),
        ]
    if not data.shape:
        return [format_number(data.values, precision)]
    if len(data.shape) == 1:
        return [_row(data.values, precision)]
    rows: list[Any] = data.values
    lines = [_row(r, precision) for r in rows[:ROWS]]
    if len(rows) > ROWS:
        lines[-1] = "⋮"
        lines.append(_row(rows[-1], precision))
    return lines


def format_one_line(data: TensorData, precision: int, language: Language = DEFAULT_LANGUAGE) -> str:
    """The value in one short line: itself when it fits (a number or a row), else its mean (of
    magnitudes for complex tensors, as large ones are summarised)."""
    lines = format_tensor_lines(data, precision, language)
    if len(lines) == 1:
        return lines[0]
    complex_ = data.dtype.startswith("complex")
    mean = None if data.stats is None else data.stats.get("mean")
    if mean is None and data.values is not None:
        flat = list(_flatten(data.values))
        if complex_:  # listed as [real, imag] pairs
            flat = [abs(complex(re, im)) for re, im in zip(flat[::2], flat[1::2], strict=True)]
        mean = sum(flat) / len(flat) if flat else None
    if mean is None:
        return lines[0]
    shown = format_number(mean, precision)
    return render(Message("mean |x| {mean}", mean=shown) if complex_ else Message("mean {mean}", mean=shown), language)


def _flatten(values: Any) -> Any:
    if isinstance(values, list):
        for item in values:
            yield from _flatten(item)
    elif (isinstance(values, int | float) and not isinstance(values, bool)) or isinstance(values, bool):
        yield float(values)


def format_shape(shape: tuple[int, ...], language: Language = DEFAULT_LANGUAGE) -> str:
    """`(2, 2)` -> `2×2`; a scalar is `scalar` (in `language`)."""
    return "×".join(str(s) for s in shape) if shape else _scalar_word(language)


@lru_cache(maxsize=4)
def _scalar_word(language: Language) -> str:
    return render(Message("scalar"), language)  # once per language: every scalar box of a drawing says it
