"""How wide a line of label text is drawn, without asking Graphviz (and Pango) to measure it.

Measuring every text span through Pango is most of what Graphviz spends on a big drawing. The
widths below were measured once through the Graphviz that pygraphviz bundles (Pango picks
Liberation Sans and Liberation Mono for Helvetica and Courier, the metrics of Helvetica and
Courier): each printable ASCII character's advance in half pixels at 96 dpi, at the sizes labels
use. Other sizes scale the nearest table. Chinese (and every full-width character) is drawn from the
CJK font fontconfig falls back to (WenQuanYi Micro Hei, Debian's fonts-wqy-microhei: see the Makefile's
system-deps): one em, hinted to whole pixels, a pixel more in bold, in both faces. Other characters past
ASCII take a generous em fraction, so a box is at worst a little wider than its text, never narrower.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

POINTS_PER_HALF_PIXEL = 0.375  # 1 px = 0.75 pt at 96 dpi

# Advance of chr(32 + i) in half pixels, by (bold, size): Helvetica regular and bold.
_SANS_ADVANCES: dict[tuple[bool, int], str] = {
    (False, 11): "10 12 14 26 20 28 24 8 12 12 16 26 10 10 10 10 20 20 20 20 20 20 20 20 20 20 10 10 26 26 26 16 "
    "30 20 20 20 24 18 18 24 22 8 8 20 16 26 22 24 18 24 20 20 18 22 20 30 20 18 20 12 10 12 26 16 16 18 20 16 20 "
    "18 10 20 20 8 8 18 8 30 20 18 20 20 12 16 12 20 18 24 18 18 16 20 10 20 26",
    (True, 11): "10 14 16 26 20 30 26 10 14 14 16 26 12 12 12 10 20 20 20 20 20 20 20 20 20 20 12 12 26 26 26 18 "
    "30 24 22 22 24 20 20 24 26 12 12 24 20 30 26 26 22 26 24 20 20 24 24 34 24 22 22 14 10 14 26 16 16 20 22 18 22 "
    "20 12 22 22 10 10 20 10 32 22 20 22 22 14 18 14 22 20 28 20 20 18 22 10 22 26",
    (False, 13): "10 14 16 28 22 32 26 10 14 14 18 28 10 12 10 12 22 22 22 22 22 22 22 22 22 22 12 12 28 28 28 18 "
    "34 24 24 24 26 22 20 26 26 10 10 22 18 30 26 26 20 26 24 22 20 24 24 34 24 20 24 14 12 14 28 18 18 20 22 18 22 "
    "20 12 22 22 10 10 20 10 34 22 20 22 22 14 18 14 22 20 28 20 20 18 22 12 22 28",
    (True, 13): "12 16 18 28 24 34 30 10 16 16 18 28 12 14 12 12 24 24 24 24 24 24 24 24 24 24 14 14 28 28 28 20 "
    "34 26 26 24 28 24 24 28 28 12 12 26 22 34 28 28 24 28 26 22 24 28 26 38 26 24 24 16 12 16 28 18 18 22 24 20 24 "
    "24 14 24 24 12 12 22 12 36 24 24 24 24 16 20 16 24 22 32 22 22 20 24 12 24 28",
}  # fmt: skip
_TABLE_SIZES = (11, 13)
OTHER_EM = 0.9  # any other character past ASCII in the proportional face (× → ≈ µ are 0.8–0.9 em)
# Baseline below the top of a line, in points, as Pango places it (font ascent, hinted).
_BASELINES = {11: 9.45, 13: 11.35}


class Font(NamedTuple):
    """One face of label text: `mono` is Courier, otherwise Helvetica."""

    size: float = 11.0
    bold: bool = False
    mono: bool = False


def baseline(size: float) -> float:
    """Points from the top of a line of text of this size to its baseline."""
    return _BASELINES.get(round(size), round(size * 0.865, 2))


@lru_cache(maxsize=16)
def _advances(bold: bool, size: float) -> dict[str, float]:
    nearest = min(_TABLE_SIZES, key=lambda table_size: abs(table_size - size))
    scale = size / nearest
    halves = _SANS_ADVANCES[bold, nearest].split()
    return {chr(32 + i): int(half) * POINTS_PER_HALF_PIXEL * scale for i, half in enumerate(halves)}


def _cell(font: Font) -> float:
    # Courier's one advance, hinted to whole pixels as Pango draws it (9 px at 11 pt, 10 px at 13 pt).
    return round(font.size * 0.8) * 0.75


def wide_width(font: Font) -> float:
    """The advance of one full-width character (汉字, full-width punctuation, U+3000), in points: measured
    through Graphviz and Pango with WenQuanYi Micro Hei at 9-13 pt, regular and bold, in both faces."""
    pixels = round(font.size / POINTS_PER_HALF_PIXEL / 2) + (1 if font.bold else 0)  # bold is emboldened by 1 px
    return pixels * 2 * POINTS_PER_HALF_PIXEL


@lru_cache(maxsize=4096)  # names, op titles and short numbers recur from box to box
def text_width(text: str, font: Font) -> float:
    """The drawn width of `text` in `font`, in points."""
    printable = text.isascii() and text.isprintable()
    if font.mono:
        return len(text) * _cell(font) if printable else _slow_width(text, font)
    return sum(map(_advances(font.bold, font.size).__getitem__, text)) if printable else _slow_width(text, font)


def _slow_width(text: str, font: Font) -> float:
    advances = None if font.mono else _advances(font.bold, font.size)
    width = 0.0
    for char in text:
        if advances is None and 32 <= ord(char) < 127:
            width += _cell(font)
        elif advances is not None and char in advances:
            width += advances[char]
        elif unicodedata.combining(char):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += wide_width(font)
        else:
            width += _cell(font) if advances is None else font.size * OTHER_EM
    return width
