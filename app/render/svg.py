"""DOT -> SVG/PNG/PDF with the Graphviz that pygraphviz bundles, laid out in-process."""

from __future__ import annotations

import re
from html import escape
from typing import Literal

import pygraphviz

from app.errors import GradtraceError

ImageFormat = Literal["svg", "png", "pdf"]

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def layout(dot: str, fmt: ImageFormat) -> bytes:
    """Lay out DOT with Graphviz's `dot` engine and draw it in `fmt`."""
    try:
        graph = pygraphviz.AGraph(string=dot)
        data = graph.draw(format=fmt, prog="dot")
    except (OSError, ValueError, pygraphviz.agraph.DotError) as exc:
        raise GradtraceError("render", f"Graphviz could not draw this graph: {exc}") from None
    if not isinstance(data, bytes) or not data:
        raise GradtraceError("render", "Graphviz returned no image")
    return data


def layout_svg(dot: str, title: str, description: str) -> str:
    """The SVG of a DOT graph, with a <title> and <desc> for screen readers, no scripts or links."""
    svg = layout(dot, "svg").decode("utf-8")
    return add_title(svg, title, description)


def add_title(svg: str, title: str, description: str) -> str:
    """Insert an accessible <title>/<desc> right after the opening <svg> tag."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise GradtraceError("render", "Graphviz produced no <svg> element")
    opening = match.group(0)
    if "role=" not in opening:
        opening = opening[:-1] + ' role="img" aria-labelledby="gt-title gt-desc">'
    head = f'\n<title id="gt-title">{escape(title)}</title>\n<desc id="gt-desc">{escape(description)}</desc>'
    return svg[: match.start()] + opening + head + svg[match.end() :]
