"""DOT -> SVG/PNG/PDF with the Graphviz that pygraphviz bundles, laid out in-process."""

from __future__ import annotations

import re
from typing import Literal

import pygraphviz

from ..errors import GradtraceError
from ..i18n import Message
from .big_drawing import big_drawing_svg
from .dot import PALETTES
from .drawing_text import drawing_text
from .native_stderr import native_stderr_to_log

ImageFormat = Literal["svg", "png", "pdf"]

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_PDF_DATE = re.compile(rb"/CreationDate \(D:\d{14}Z\)")
FIXED_PDF_DATE = b"/CreationDate (D:20000101000000Z)"  # same length: the xref byte offsets stay right
_ID_ATTR = re.compile(r'\b(id|aria-labelledby)="([^"]*)"')
_ID_REF = re.compile(r'(url\(#|href="#)([^)"]+)')
AUTO_CLASS = "gt-auto"  # marks an SVG whose colours follow prefers-color-scheme
# The families Graphviz names on each <text>, and what the SVG's style sheet names instead: the Latin faces first,
# so Latin text keeps the metrics it was laid out with (Arial and Liberation are Helvetica's and Courier's metric
# twins), then faces that draw Chinese in an <img> on macOS, Windows, Linux and Android, then the generic family.
_CJK_FAMILIES = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei'"
FONT_FAMILIES = {
    "Helvetica,sans-Serif": f"Helvetica,Arial,'Liberation Sans',{_CJK_FAMILIES},sans-serif",
    "Courier,monospace": f"Courier,'Courier New','Liberation Mono',{_CJK_FAMILIES},monospace",
}
# One rule per family list, once per SVG (not on each of a big drawing's thousands of <text>s); a CSS rule beats
# the presentation attribute, and matches only text that names exactly Graphviz's list, even when inlined in a page.
FONT_STYLE = (
    '<style type="text/css">'
    + "".join(f'text[font-family="{graphviz}"]{{font-family:{names}}}' for graphviz, names in FONT_FAMILIES.items())
    + "</style>"
)


def layout(dot: str, fmt: ImageFormat) -> bytes:
    """Lay out DOT with Graphviz's `dot` engine and draw it in `fmt`.

    No deadline here: Graphviz runs in C and only ending the process stops it, so the caller that
    owns the process sets one (the worker's `layout_guard`, see app/worker.py)."""
    try:
        graph = pygraphviz.AGraph(string=dot)
        with native_stderr_to_log():  # Graphviz and fontconfig print to descriptor 2 (notebook cells)
            data = graph.draw(format=fmt, prog="dot")
    except (OSError, ValueError, pygraphviz.agraph.DotError) as exc:
        raise GradtraceError(
            "render",
            Message("Graphviz could not draw this graph: {error}", error=str(exc)),
            code="render.graphviz",
        ) from None
    if not isinstance(data, bytes) or not data:
        raise GradtraceError("render", Message("Graphviz returned no image"), code="render.no_image")
    if fmt == "pdf":
        # cairo stamps the time into every PDF; the same request must give the same bytes.
        data = _PDF_DATE.sub(FIXED_PDF_DATE, data, count=1)
    return data


def layout_svg(dot: str, title: str, description: str, auto_dark: bool = False) -> str:
    """The SVG of a DOT graph, with a <title> and <desc> for screen readers, no scripts or links.

    With `auto_dark` (theme=auto, DOT drawn light) the SVG carries its own dark variant. A big
    graph is drawn by big_drawing_svg (Graphviz places its boxes; its text is set here)."""
    svg = big_drawing_svg(dot) or layout(dot, "svg").decode("utf-8")
    svg = add_title(svg, title, description)
    return add_dark_scheme(svg) if auto_dark else svg


def add_title(svg: str, title: str, description: str) -> str:
    """Insert an accessible <title>/<desc> right after the opening <svg> tag, and the style sheet naming
    the font families that draw Chinese (FONT_STYLE)."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise GradtraceError("render", Message("Graphviz produced no <svg> element"), code="render.no_svg")
    opening = match.group(0)
    if "role=" not in opening:
        opening = opening[:-1] + ' role="img" aria-labelledby="gt-title gt-desc">'
    shown_title, shown_description = drawing_text(title), drawing_text(description)
    head = f'\n<title id="gt-title">{shown_title}</title>\n<desc id="gt-desc">{shown_description}</desc>\n{FONT_STYLE}'
    return svg[: match.start()] + opening + head + svg[match.end() :]


def dark_scheme_css() -> str:
    """CSS that repaints a light-drawn graph in the dark palette when the viewer prefers dark.

    CSS beats SVG presentation attributes, so it works inside <img> with no script. Nodes are
    matched by the role classes graph_to_dot sets (later rules win: a root is also an op; nodes
    filled from the gradient ramp keep their fill in both schemes), text by
    its light colour; every rule is scoped to `svg.gt-auto` so inlined pages are not restyled."""
    light, dark = PALETTES["light"], PALETTES["dark"]
    scope = f"svg.{AUTO_CLASS}"
    rules = [f"{scope} .graph > polygon {{ fill: {dark['bg']}; }}"]
    for role in ("op", "named", "root", "leaf"):
        rules.append(
            f"{scope} .node.{role}:not(.ramp) > path, {scope} .node.{role}:not(.ramp) > polygon "
            f"{{ fill: {dark[role + '_fill']}; stroke: {dark[role + '_line']}; }}"
        )
    rules.append(f"{scope} .edge > path {{ stroke: {dark['edge']}; }}")
    rules.append(f"{scope} .edge > polygon {{ fill: {dark['edge']}; stroke: {dark['edge']}; }}")
    for key in ("text", "muted", "grad"):
        rules.append(f'{scope} text[fill="{light[key]}"] {{ fill: {dark[key]}; }}')
    return "@media (prefers-color-scheme: dark) {\n" + "\n".join(rules) + "\n}"


def add_dark_scheme(svg: str) -> str:
    """Add the `gt-auto` class and the dark-scheme <style> to a light-drawn SVG."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise GradtraceError("render", Message("Graphviz produced no <svg> element"), code="render.no_svg")
    opening = match.group(0)[:-1] + f' class="{AUTO_CLASS}">'
    style = f'\n<style type="text/css">\n{dark_scheme_css()}\n</style>'
    return svg[: match.start()] + opening + style + svg[match.end() :]


def prefix_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id and id reference, so several SVGs inlined in one HTML page never collide."""
    if not prefix:
        return svg

    def rename_ids(match: re.Match[str]) -> str:
        names = " ".join(prefix + name for name in match.group(2).split())
        return f'{match.group(1)}="{names}"'

    svg = _ID_ATTR.sub(rename_ids, svg)
    return _ID_REF.sub(lambda m: m.group(1) + prefix + m.group(2), svg)
