"""Graph -> DOT text. Pure: same Graph and options, same bytes."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from types import MappingProxyType

from app.graph.model import Graph, Node, TensorData
from app.render.numbers import format_shape, format_tensor_lines
from app.render.options import RenderOptions

# Colours per theme: (fill, border, text) for each node role, plus edge and background.
PALETTES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "light": MappingProxyType({
        "bg": "#ffffff", "edge": "#64748b", "text": "#0f172a", "muted": "#475569",
        "op_fill": "#f1f5f9", "op_line": "#94a3b8",
        "named_fill": "#fef3c7", "named_line": "#d97706",
        "leaf_fill": "#dbeafe", "leaf_line": "#2563eb",
        "root_fill": "#dcfce7", "root_line": "#16a34a",
        "grad": "#b91c1c",
    }),
    "dark": MappingProxyType({
        "bg": "#0f172a", "edge": "#94a3b8", "text": "#e2e8f0", "muted": "#94a3b8",
        "op_fill": "#1e293b", "op_line": "#475569",
        "named_fill": "#422006", "named_line": "#f59e0b",
        "leaf_fill": "#172554", "leaf_line": "#60a5fa",
        "root_fill": "#052e16", "root_line": "#22c55e",
        "grad": "#fca5a5",
    }),
})  # fmt: skip

FONT = "Helvetica"  # Graphviz writes it as "Helvetica,sans-Serif" in SVG; metrics match Arial/Liberation Sans
BIG_GRAPH = 300  # past this many nodes, trade a little layout polish for speed


def node_role(node: Node) -> str:
    """Which colour a node takes: root, leaf, named (bound to a variable) or plain op."""
    if node.kind == "leaf":
        return "leaf"
    if node.is_root:
        return "root"
    return "named" if node.name else "op"


def graph_to_dot(graph: Graph, options: RenderOptions) -> str:
    """The DOT text for a graph; node ids in the SVG equal the Graph's node ids."""
    # "auto" is drawn light; the SVG stage adds the dark variant as a prefers-color-scheme style.
    palette = PALETTES["dark" if options.theme == "dark" else "light"]
    big = len(graph.nodes) > BIG_GRAPH
    lines = [
        "digraph gradtrace {",
        f'  graph [rankdir={options.direction} bgcolor="{palette["bg"]}" fontname="{FONT}" '
        f"nodesep=0.25 ranksep=0.35 ordering=out newrank=true{' nslimit=0.02' if big else ''}];",
        f'  node [shape=box style="rounded,filled" fontname="{FONT}" fontsize=11 '
        f'fontcolor="{palette["text"]}" margin="0.08,0.04" penwidth=1.2];',
        f'  edge [color="{palette["edge"]}" arrowsize=0.7 penwidth=1.1];',
    ]
    for node in graph.nodes:
        role = node_role(node)
        label = _label(node, options, palette)
        lines.append(
            f'  {node.id} [id="{node.id}" class="{node.kind} {role}" '
            f'fillcolor="{palette[role + "_fill"]}" color="{palette[role + "_line"]}" '
            f"label=<{label}>];"
        )
    lines.extend(f"  {edge.source} -> {edge.target};" for edge in graph.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label(node: Node, options: RenderOptions, palette: Mapping[str, str]) -> str:
    # Lines joined by left-aligned breaks, not a <TABLE>: Graphviz sizes and draws them ~20% faster.
    rows: list[str] = [_title_row(node, palette)]
    if options.show_values and node.value is not None:
        rows.extend(_tensor_rows("value", node.value, options.precision, palette["text"]))
    if options.show_grads and node.grad is not None:
        rows.extend(_tensor_rows("grad", node.grad, options.precision, palette["grad"]))
    return "".join(row + '<BR ALIGN="LEFT"/>' for row in rows)


def _title_row(node: Node, palette: Mapping[str, str]) -> str:
    # Op name and shape share one span: every span is measured separately, so fewer is faster.
    name = f'<B><FONT POINT-SIZE="13">{escape(node.name)}</FONT></B>  ' if node.name else ""
    title = node.op if node.kind == "op" else node.kind
    shape = node.value.shape if node.value is not None else None
    detail = f"{title}  {format_shape(shape)}" if shape is not None else title or ""
    return f'{name}<FONT COLOR="{palette["muted"]}">{escape(detail)}</FONT>'


def _tensor_rows(caption: str, data: TensorData, precision: int, colour: str) -> list[str]:
    lines = format_tensor_lines(data, precision)
    pad = " " * len(caption)
    rows = []
    for i, text in enumerate(lines):
        lead = caption if i == 0 else pad
        rows.append(f'<FONT COLOR="{colour}" FACE="Courier">{escape(lead)} {escape(text)}</FONT>')
    return rows
