"""A drawn graph that shows itself in Jupyter and saves as SVG, PNG, PDF or DOT."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..graph.model import Graph
from ..rendering.dot import drawn_folds, graph_to_dot, title_and_description
from ..rendering.options import RenderOptions
from ..rendering.svg import layout, layout_svg, prefix_svg_ids

SAVE_FORMATS = ("svg", "png", "pdf", "dot")


class GraphPicture:
    """One autograd graph: `.graph` (nodes and edges), `.dot`, `.svg()`, `.save(path)`."""

    def __init__(self, graph: Graph, options: RenderOptions, notes: tuple[str, ...] = ()) -> None:
        self.graph = graph
        self.options = options
        self.notes = notes
        self.folds = drawn_folds(graph, options)
        self.dot = graph_to_dot(graph, options, self.folds)
        self._svg: str | None = None

    def svg(self, id_prefix: str = "") -> str:
        """The SVG text; `id_prefix` keeps ids unique when several SVGs are inlined in one page."""
        if self._svg is None:
            title, description = title_and_description(self.graph, self.folds, self.options.lang)
            self._svg = layout_svg(self.dot, title, description, auto_dark=self.options.theme == "auto")
        return prefix_svg_ids(self._svg, id_prefix)

    def save(self, path: str | Path, format: str | None = None) -> Path:
        """Write the picture; the format comes from the suffix (.svg .png .pdf .dot/.gv) unless given."""
        target = Path(path)
        fmt = (format or target.suffix.lstrip(".")).lower().replace("gv", "dot")
        if fmt not in SAVE_FORMATS:
            raise ValueError(f"cannot save as {fmt!r}: use one of {', '.join(SAVE_FORMATS)}")
        if fmt == "svg":
            target.write_text(self.svg(), encoding="utf-8")
        elif fmt == "dot":
            target.write_text(self.dot, encoding="utf-8")
        else:
            target.write_bytes(layout(self.dot, fmt))  # type: ignore[arg-type]
        return target

    def _inline_svg(self) -> str:
        # One page may hold many graphs, even from earlier kernel sessions, so ids need a prefix; it
        # comes from the drawing itself so that running a notebook again writes the same file. Two
        # outputs share a prefix only when their SVGs are identical, and then whichever element an id
        # reference finds is the same drawing.
        svg = self.svg()
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:10]
        svg = prefix_svg_ids(svg, f"gt{digest}-")
        return svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside an HTML page

    def _repr_svg_(self) -> str:
        return self._inline_svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/svg+xml": self._inline_svg(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        ops = sum(1 for n in self.graph.nodes if n.kind == "op")
        leaves = sum(1 for n in self.graph.nodes if n.kind == "leaf")
        return f"<gradtrace graph of {self.graph.root or 'an unnamed tensor'}: {ops} autograd nodes, {leaves} leaves>"
