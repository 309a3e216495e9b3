"""The lines of a Graphviz HTML-like label, read back as spans of text with their font and colour.

graph_to_dot writes every box label in a small part of Graphviz's label language: text,
`<B>`, `<FONT POINT-SIZE COLOR FACE>` and left-aligned line breaks. The big-drawing path
(app/rendering/big_drawing.py) draws such labels itself; a label using anything else (a table, an
image, centred lines) reads as None, and Graphviz draws that graph.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import NamedTuple

from .text_metrics import Font, baseline, text_width

_TEXT = re.compile(r">([^<>]+)")  # a text, read from the label with ">" put before it
_SLOT = "\x00"  # stands for one text in a label's form (labels never hold NUL: see drawing_text)
_TOKEN = re.compile(r"<[^<>]*>|\x00")
_FONT_ATTR = re.compile(r'\s+(POINT-SIZE|COLOR|FACE)="([^"]*)"')
_FONT_TAG = re.compile(r'<FONT(?:\s+(?:POINT-SIZE|COLOR|FACE)="[^"]*")*\s*>')
_LINE_END = '<BR ALIGN="LEFT"/>'
FACES = {"Helvetica": False, "Courier": True}  # face -> monospaced

# A run of text as the label writes it (XML-escaped, ready for SVG), its font, its colour (None:
# the box's default) and its drawn width in points. A plain tuple: a big drawing makes thousands.
Span = tuple[str, Font, str | None, float]
Row = tuple[Span, ...]
Slot = tuple[int, Font, str | None]  # which text of the label, in which font and colour


LabelForm = tuple[tuple[tuple[Slot, ...], ...], tuple[float, ...], tuple[float, ...], bool]


class Label(NamedTuple):
    """A label's rows, each row's height, and the whole text block's size, in points."""

    rows: list[Row]
    row_heights: tuple[float, ...]
    baselines: tuple[float, ...]  # each row's baseline below its top
    last_centred: bool  # a last row with no break after it is centred in the block, as Graphviz does
    width: float
    height: float


def read_label(label: str, default_size: float) -> Label | None:
    """The rows of an HTML-like label (the text between `label=<` and `>`), or None when it uses
    more of the label language than text, bold, font changes and left-aligned breaks (a last line
    with no break after it is drawn centred)."""
    # Labels of one form differ only in their texts: the tags are read once per form.
    marked = ">" + label
    texts = _TEXT.findall(marked)
    form = _label_form(_TEXT.sub(">" + _SLOT, marked), default_size)
    if form is None:
        return None
    slots, heights, baselines, last_centred = form
    rows: list[Row] = []
    widest = 0.0
    for row_slots in slots:
        spans = []
        across = 0.0
        for i, font, colour in row_slots:
            text = texts[i]
            width = text_width(html.unescape(text) if "&" in text else text, font)
            spans.append((text, font, colour, width))
            across += width
        rows.append(tuple(spans))
        widest = max(widest, across)
    return Label(rows, heights, baselines, last_centred, widest, sum(heights))


@lru_cache(maxsize=256)
def _label_form(skeleton: str, default_size: float) -> LabelForm | None:
    """For a label with its texts replaced by _SLOT: per row, its texts' slots; row heights and baselines."""
    rows: list[tuple[Slot, ...]] = []
    row: list[Slot] = []
    fonts: list[tuple[Font, str | None]] = [(Font(default_size), None)]
    for token in _TOKEN.findall(skeleton):
        if token == _SLOT:
            row.append((sum(map(len, rows)) + len(row), *fonts[-1]))
        elif token == _LINE_END:
            rows.append(tuple(row))
            row = []
        elif token == "<B>":
            font, colour = fonts[-1]
            fonts.append((Font(font.size, True, font.mono), colour))
        elif _FONT_TAG.fullmatch(token):
            opened = _opened_font(token, *fonts[-1])
            if opened is None:
                return None
            fonts.append(opened)
        elif token in ("</B>", "</FONT>") and len(fonts) > 1:
            fonts.pop()
        else:
            return None
    if len(fonts) != 1:  # tags left open
        return None
    if row:
        rows.append(tuple(row))
    # A line is as tall as its largest font (Pango's line height at these sizes is the point size).
    heights = tuple(max((slot[1].size for slot in r), default=default_size) for r in rows)
    return tuple(rows), heights, tuple(baseline(height) for height in heights), bool(row)


def _opened_font(tag: str, outer: Font, colour: str | None) -> tuple[Font, str | None] | None:
    size, mono = outer.size, outer.mono
    for name, value in _FONT_ATTR.findall(tag):
        if name == "POINT-SIZE":
            try:
                size = float(value)
            except ValueError:
                return None
        elif name == "COLOR":
            colour = value
        elif value in FACES:
            mono = FACES[value]
        else:
            return None
    return Font(size, outer.bold, mono), colour
