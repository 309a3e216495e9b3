"""The row a leaf box gets with option `gradcheck`: ✓ or ✗ and the largest relative error, or
"not checked" (why is in the API's `graphs[].gradcheck`)."""

from __future__ import annotations

from collections.abc import Mapping

from ..graph.model import LeafCheck
from .drawing_text import drawing_text


def gradcheck_row(check: LeafCheck, palette: Mapping[str, str]) -> str:
    """One label row (Graphviz HTML-like text) for a leaf's numeric gradient check."""
    if check.ok is None or check.max_rel_error is None:
        return f'<FONT COLOR="{palette["muted"]}">{drawing_text("gradcheck: not checked")}</FONT>'
    mark, colour = ("✓", palette["root_line"]) if check.ok else ("✗", palette["grad"])
    text = f"{mark} gradcheck  rel. error {check.max_rel_error:.1e}"
    return f'<FONT COLOR="{colour}"><B>{drawing_text(text)}</B></FONT>'
