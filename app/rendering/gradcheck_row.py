"""The row a leaf box gets with option `gradcheck`: ✓ or ✗ and the largest relative error, or
"not checked" (why is in the API's `graphs[].gradcheck`)."""

from __future__ import annotations

from collections.abc import Mapping

from ..graph.model import LeafCheck
from ..i18n import DEFAULT_LANGUAGE, Language, Message, render
from .drawing_text import drawing_text


def gradcheck_row(check: LeafCheck, palette: Mapping[str, str], language: Language = DEFAULT_LANGUAGE) -> str:
    """One label row (Graphviz HTML-like text) for a leaf's numeric gradient check, in `language`."""
    if check.ok is None or check.max_rel_error is None:
        not_checked = render(Message("gradcheck: not checked"), language)
        return f'<FONT COLOR="{palette["muted"]}">{drawing_text(not_checked)}</FONT>'
    mark, colour = ("✓", palette["root_line"]) if check.ok else ("✗", palette["grad"])
    error = f"{check.max_rel_error:.1e}"
    text = render(Message("{mark} gradcheck  rel. error {error}", mark=mark, error=error), language)
    return f'<FONT COLOR="{colour}"><B>{drawing_text(text)}</B></FONT>'
