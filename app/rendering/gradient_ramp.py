"""`color_by="grad"`: nodes filled on a logarithmic ramp of their gradient's size, with the ramp
drawn as a legend in the SVG.

The size is the mean absolute value of the gradient (|z| for complex elements), so a 5-layer
sigmoid stack shows its gradient shrinking ~4× a layer as a walk along the ramp. The ramp is
viridis (perceptually uniform, readable with the common colour-vision deficiencies, and still
ordered in greyscale); every coloured box also prints the number, so colour is never the only
carrier. Fills are the same in light and dark themes; each box's text takes black or white,
whichever contrasts with its fill.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..graph.model import TensorData
from ..i18n import Message, render
from .drawing_text import drawing_text
from .numbers import format_number
from .options import RenderOptions

# Viridis sampled at nine even stops (matplotlib's table): dark purple (small) to yellow (large).
VIRIDIS = (
    (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80), (0x5E, 0xC9, 0x62), (0xAD, 0xDC, 0x30), (0xFD, 0xE7, 0x25),
)  # fmt: skip
LEGEND_STOPS = 9  # colour cells in the drawn legend
# Not the light palette's text colour: the auto theme's dark-scheme CSS repaints that one.
DARK_TEXT, LIGHT_TEXT = "#000000", "#ffffff"


def mean_abs(data: TensorData | None) -> float | None:
    """The mean absolute value of a tensor's elements, or None when it is unknown (a large tensor
    summarised with both signs) or not finite."""
    if data is None:
        return None
    if data.values is not None:
        sizes = list(_sizes(data.values, data.dtype.startswith("complex")))
        size = sum(sizes) / len(sizes) if sizes else None
    elif data.stats is not None and data.stats.get("min", -1.0) >= 0:
        size = data.stats.get("mean")
    elif data.stats is not None and data.stats.get("max", 1.0) <= 0:
        size = -data.stats.get("mean", 0.0)
    else:
        size = None
    return size if size is not None and math.isfinite(size) else None


def _sizes(values: Any, complex_: bool) -> Iterable[float]:
    if isinstance(values, list):
        if complex_ and len(values) == 2 and not any(isinstance(v, list) for v in values):
            yield abs(complex(float(values[0]), float(values[1])))  # a complex element as [real, imag]
            return
        for item in values:
            yield from _sizes(item, complex_)
    elif isinstance(values, int | float):
        yield abs(float(values))


@dataclass(frozen=True)
class GradientRamp:
    """The log10 range of gradient sizes a drawing maps onto the ramp."""

    low: float  # smallest non-zero size drawn
    high: float  # largest size drawn

    def position(self, size: float) -> float:
        """Where `size` sits on the ramp, 0 (smallest) to 1 (largest); exact zeros at 0."""
        if size <= 0 or self.high <= self.low:
            return 0.0 if size <= 0 or self.high > self.low else 1.0
        span = math.log10(self.high) - math.log10(self.low)
        return min(1.0, max(0.0, (math.log10(size) - math.log10(self.low)) / span))

    def fill(self, size: float) -> str:
        """The ramp colour of `size` as #rrggbb."""
        return ramp_colour(self.position(size))

    def text_colour(self, size: float) -> str:
        """Black or white, whichever reads better on `fill(size)`."""
        return text_colour_on(self.fill(size))


def ramp_for(sizes: Iterable[float | None]) -> GradientRamp | None:
    """The ramp spanning the non-zero sizes, or None when there are none."""
    known = [size for size in sizes if size is not None and size > 0]
    return GradientRamp(min(known), max(known)) if known else None


def ramp_colour(position: float) -> str:
    """Viridis at `position` in [0, 1], linearly between the nine stops."""
    scaled = min(1.0, max(0.0, position)) * (len(VIRIDIS) - 1)
    below = min(int(scaled), len(VIRIDIS) - 2)
    share = scaled - below
    mixed = (round(a + (b - a) * share) for a, b in zip(VIRIDIS[below], VIRIDIS[below + 1], strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def text_colour_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with `fill` (WCAG contrast ratio); on every
    viridis colour the better one reaches 4.5:1."""
    return LIGHT_TEXT if contrast_ratio(fill, LIGHT_TEXT) >= contrast_ratio(fill, DARK_TEXT) else DARK_TEXT


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours, 1 to 21."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def node_palette(palette: Mapping[str, str], ramp: GradientRamp, size: float) -> dict[str, str]:
    """`palette` for one coloured node: its fill from the ramp, every text colour readable on it (the
    gradient check's ✓, drawn in the root's green on plain boxes, too: the mark itself says pass or fail)."""
    fill = ramp.fill(size)
    text = text_colour_on(fill)
    return {**palette, "fill": fill, "text": text, "muted": text, "grad": text, "root_line": text}


def size_row(size: float, options: RenderOptions, colour: str) -> str:
    """The label row that states the coloured quantity, so the colour is never the only clue."""
    shown = render(Message("|grad| {size}", size=format_number(size, options.precision)), options.lang)
    text = drawing_text(shown)
    return f'<FONT COLOR="{colour}" FACE="Courier">{text}</FONT>'


def legend_statement(ramp: GradientRamp, palette: Mapping[str, str], options: RenderOptions) -> str:
    """A DOT node drawing the ramp: its colours from the smallest to the largest gradient size,
    with both numbers, as a small table placed with the graph."""
    cells = "".join(
        f'<TD WIDTH="14" HEIGHT="12" BGCOLOR="{ramp_colour(i / (LEGEND_STOPS - 1))}"></TD>' for i in range(LEGEND_STOPS)
    )
    low, high = (drawing_text(format_number(v, options.precision)) for v in (ramp.low, ramp.high))
    caption = drawing_text(render(Message("mean |grad|, log scale"), options.lang))
    text = palette["text"]
    label = (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD COLSPAN="{LEGEND_STOPS}"><FONT COLOR="{text}" POINT-SIZE="10">{caption}</FONT></TD></TR>'
        f"<TR>{cells}</TR>"
        f'<TR><TD COLSPAN="{LEGEND_STOPS // 2}" ALIGN="LEFT"><FONT COLOR="{text}" POINT-SIZE="10">{low}</FONT></TD>'
        f'<TD COLSPAN="{LEGEND_STOPS - LEGEND_STOPS // 2}" ALIGN="RIGHT">'
        f'<FONT COLOR="{text}" POINT-SIZE="10">{high}</FONT></TD></TR></TABLE>'
    )
    return (
        # No fill of its own: it sits on the drawing's background, whichever scheme paints that.
        f'  gradient_ramp [id="gradient_ramp" class="legend" shape=plain style=solid label=<{label}>];'
    )


def sparkline_text(sizes: Sequence[float | None], width: int = 24) -> str:
    """The sizes as a row of block characters (one per repetition, or per bucket of them when
    there are more than `width`), on a log scale: the fold box's gradient sparkline."""
    bars = "▁▂▃▄▅▆▇█"
    if not sizes:
        return ""
    buckets = [sizes[i * len(sizes) // width : (i + 1) * len(sizes) // width] for i in range(min(width, len(sizes)))]
    if len(sizes) <= width:
        buckets = [[size] for size in sizes]
    means: list[float | None] = []
    for bucket in buckets:
        known = [s for s in bucket if s is not None]
        means.append(sum(known) / len(known) if known else None)
    ramp = ramp_for(means)
    if ramp is None:
        return ""
    return "".join(" " if m is None else bars[round(ramp.position(m) * (len(bars) - 1))] for m in means)
