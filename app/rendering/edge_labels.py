"""Edge statements, with the chain rule written on each edge when the drawing is small enough.

An edge label reads, top to bottom, the local derivative (`×6`, `÷4`, `grad @ Bᵀ`) and the gradient
that flowed back along the edge (`← [36, 81]`): what the target passed to the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..graph.model import Edge, Node, TensorData, listed_elements
from ..i18n import DEFAULT_LANGUAGE, Language, Message, render
from .drawing_text import drawing_text
from .numbers import format_number, format_one_line
from .options import RenderOptions

# Past this many drawn boxes the labels crowd the drawing (and stretch its layout): off by default.
EDGE_LABEL_BOXES = 30


def labels_drawn(options: RenderOptions, boxes: int) -> bool:
    """Whether edges carry labels: as asked, or automatically up to EDGE_LABEL_BOXES boxes."""
    return options.edge_labels if options.edge_labels is not None else boxes <= EDGE_LABEL_BOXES


def _one_line(data: TensorData, precision: int, language: Language) -> tuple[str, bool]:
    """A gradient in one short line (`0.25` when every element is the same, else as boxes show it), and
    whether it is one number standing for every element."""
    if data.values is not None and data.numel > 1 and not data.dtype.startswith("complex"):
        first, *rest = listed_elements(data.values)
        if all(value == first for value in rest):
            return format_number(first, precision), True
    return format_one_line(data, precision, language), False


def _flowed_text(data: TensorData, precision: int, language: Language) -> str:
    """`0.25 each` when every element is the same, else the gradient as boxes show it."""
    text, each = _one_line(data, precision, language)
    return render(Message("{value} each", value=text), language) if each else text


def _label(edge: Edge, options: RenderOptions, palette: Mapping[str, str]) -> str | None:
    rows = []
    if edge.local is not None:
        rows.append(f'<FONT COLOR="{palette["muted"]}">{drawing_text(render(edge.local.text, options.lang))}</FONT>')
    if edge.grad is not None and options.show_grads:
        flowed = "← " + _flowed_text(edge.grad, options.precision, options.lang)
        rows.append(f'<FONT COLOR="{palette["grad"]}" FACE="Courier">{drawing_text(flowed)}</FONT>')
    return "<BR/>".join(rows) if rows else None


def edge_statements(
    edges: Iterable[Edge],
    boxes: Mapping[str, object],
    options: RenderOptions,
    palette: Mapping[str, str],
) -> list[str]:
    """One DOT statement per edge; labelled (when on) only between two single nodes: an edge into or
    out of a folded box stands for many steps' edges, so no one step's numbers belong on it."""
    labelled = labels_drawn(options, len(boxes))
    statements = []
    for edge in edges:
        label = None
        if labelled and isinstance(boxes.get(edge.source), Node) and isinstance(boxes.get(edge.target), Node):
            label = _label(edge, options, palette)
        if label is None:
            statements.append(f"  {edge.source} -> {edge.target};")
        else:
            statements.append(
                f'  {edge.source} -> {edge.target} [class="chain" fontsize=9 fontname="Helvetica" label=<{label}>];'
            )
    return statements


def contribution_sums(edges: Iterable[Edge], precision: int, language: Language = DEFAULT_LANGUAGE) -> dict[str, str]:
    """For each node whose gradient arrived along several edges, the sum its box shows under its
    gradient (`= 2.25 + 2.25`): a tensor used twice gets both contributions."""
    arrived: dict[str, list[TensorData]] = {}
    outputs: dict[str, set[int]] = {}
    for edge in edges:
        if edge.grad is not None:
            arrived.setdefault(edge.source, []).append(edge.grad)
            outputs.setdefault(edge.source, set()).add(edge.output)
    sums = {}
    for node_id, grads in arrived.items():
        if len(grads) < 2 or len(outputs[node_id]) > 1:  # several outputs (unbind) have a gradient each
            continue
        parts = [_one_line(grad, precision, language) for grad in grads]
        terms = " + ".join(text for text, _ in parts)
        if all(each for _, each in parts):
            sums[node_id] = render(Message("= {terms} each", terms=terms), language)
        else:
            sums[node_id] = "= " + terms
    return sums


def with_sum_row(statement: str, text: str, colour: str) -> str:
    """A node statement with one more row at the end of its label: the sum of its contributions."""
    row = f'<FONT COLOR="{colour}" FACE="Courier">{drawing_text("     " + text)}</FONT><BR ALIGN="LEFT"/>'
    return statement.removesuffix(">];") + row + ">];"
