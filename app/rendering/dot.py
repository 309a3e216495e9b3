"""Graph -> DOT text. Pure: same Graph and options, same bytes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from ..graph.model import Graph, Node, TensorData
from ..graph.steps import graph_at_step
from ..i18n import DEFAULT_LANGUAGE, Language, Message, Plural, Text, render
from .drawing_text import caption_pad, drawing_text
from .edge_labels import contribution_sums, edge_statements, labels_drawn, with_sum_row
from .fold_box import fold_statement
from .folding import Fold, find_folds, folded_view
from .gradcheck_row import gradcheck_row
from .gradient_ramp import GradientRamp, legend_statement, mean_abs, node_palette, ramp_for, size_row
from .numbers import format_shape, format_tensor_lines
from .options import RenderOptions

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


def drawn_folds(graph: Graph, options: RenderOptions) -> tuple[Fold, ...]:
    """The runs the drawing folds: none when `collapse_runs` is off."""
    return find_folds(graph) if options.collapse_runs else ()


def title_and_description(
    graph: Graph, folds: Sequence[Fold], language: Language = DEFAULT_LANGUAGE
) -> tuple[str, str]:
    """The SVG's accessible <title> and <desc> in `language`: whose graph it is, how many autograd
    nodes (and how many of them are drawn folded), and the leaf tensors."""
    ops = Plural("{n} autograd node", "{n} autograd nodes", n=sum(1 for n in graph.nodes if n.kind == "op"))
    unnamed = render(Message("unnamed"), language)
    # Translators: what separates the names in a list of leaf tensors.
    leaves = render(Message(", "), language).join(n.name or unnamed for n in graph.nodes if n.kind == "leaf")
    leaf_list: Text = leaves or Message("none")
    description = Message("{nodes}; leaf tensors: {leaves}", nodes=ops, leaves=leaf_list)
    if folds:
        boxes = Plural("{n} folded box", "{n} folded boxes", n=len(folds))
        folded = sum(len(f.nodes) for f in folds)
        description = Message(
            "{nodes} ({folded} of them drawn as {boxes}); leaf tensors: {leaves}",
            nodes=ops, folded=folded, boxes=boxes, leaves=leaf_list,
        )  # fmt: skip
    title = (
        Message("Autograd graph of {root}", root=graph.root) if graph.root else Message("Autograd graph of the result")
    )
    return render(title, language), render(description, language)


def graph_to_dot(graph: Graph, options: RenderOptions, folds: Sequence[Fold] | None = None) -> str:
    """The DOT text for a graph; node ids in the SVG equal the Graph's node ids (a fold's id is
    its own, `fold_<id of its first step>`). `folds` defaults to `drawn_folds(graph, options)`."""
    # "auto" is drawn light; the SVG stage adds the dark variant as a prefers-color-scheme style.
    palette = PALETTES["dark" if options.theme == "dark" else "light"]
    folds = drawn_folds(graph, options) if folds is None else folds
    pending: frozenset[str] = frozenset()
    if options.step is not None:  # what the stepper shows at this step (app/graph/steps.py)
        at_step = graph_at_step(graph, options.step)
        graph, pending = at_step.graph, at_step.pending
    drawn, edges = folded_view(graph, folds)
    labelled = options.show_grads and labels_drawn(options, len(drawn))
    sums = contribution_sums(graph.edges, options.precision, options.lang) if labelled else {}
    sums = {node_id: text for node_id, text in sums.items() if graph.node(node_id).grad is not None}
    by_id = {node.id: node for node in graph.nodes} if len(drawn) < len(graph.nodes) else {}
    big = len(drawn) > BIG_GRAPH
    lines = [
        "digraph gradtrace {",
        f'  graph [rankdir={options.direction} bgcolor="{palette["bg"]}" fontname="{FONT}" '
        f"nodesep=0.25 ranksep=0.35 ordering=out newrank=true{' nslimit=0.02' if big else ''}];",
        f'  node [shape=box style="rounded,filled" fontname="{FONT}" fontsize=11 '
        f'fontcolor="{palette["text"]}" margin="0.08,0.04" penwidth=1.2];',
        f'  edge [color="{palette["edge"]}" arrowsize=0.7 penwidth=1.1];',
    ]
    ramp = ramp_for(mean_abs(n.grad) for n in drawn if isinstance(n, Node)) if options.color_by == "grad" else None
    for item in drawn:
        if isinstance(item, Fold):
            lines.append(fold_statement(item, by_id, options, palette))
            continue
        if item.id in pending:
            lines.append(_pending_statement(item, palette, options.lang))
        elif item.id in sums:  # its gradient arrived along several edges: show their sum
            lines.append(with_sum_row(_node_statement(item, options, palette, ramp), sums[item.id], palette["grad"]))
        else:
            lines.append(_node_statement(item, options, palette, ramp))
    if ramp is not None:
        lines.append(legend_statement(ramp, palette, options))
    boxes = {item.id: item for item in drawn}
    lines.extend(edge_statements(edges, boxes, options, palette))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_statement(node: Node, options: RenderOptions, palette: Mapping[str, str], ramp: GradientRamp | None) -> str:
    role = node_role(node)
    size = mean_abs(node.grad) if ramp is not None else None
    if ramp is None or size is None:
        return (
            f'  {node.id} [id="{node.id}" class="{node.kind} {role}" '
            f'fillcolor="{palette[role + "_fill"]}" color="{palette[role + "_line"]}" '
            f"label=<{_label(node, options, palette)}>];"
        )
    # Coloured by gradient size: the fill comes from the ramp, the text contrasts with it, and a
    # row states the size the colour stands for. The border keeps the node's role colour.
    shaded = node_palette(palette, ramp, size)
    label = _label(node, options, shaded)
    if not options.show_grads or node.grad is None or node.grad.shape:  # a scalar's grad row says it already
        label += size_row(size, options, shaded["text"]) + '<BR ALIGN="LEFT"/>'
    return (
        f'  {node.id} [id="{node.id}" class="{node.kind} {role} ramp" fontcolor="{shaded["text"]}" '
        f'fillcolor="{shaded["fill"]}" color="{palette[role + "_line"]}" label=<{label}>];'
    )


def _pending_statement(node: Node, palette: Mapping[str, str], language: Language) -> str:
    # The stepper has not reached this node yet: an empty dashed outline with its title only.
    role = node_role(node)
    return (
        f'  {node.id} [id="{node.id}" class="{node.kind} {role} pending" style="rounded,dashed" '
        f'fillcolor="{palette["bg"]}" color="{palette[role + "_line"]}" label=<{_title_row(node, palette, language)}>];'
    )


def _label(node: Node, options: RenderOptions, palette: Mapping[str, str]) -> str:
    # Lines joined by left-aligned breaks, not a <TABLE>: Graphviz sizes and draws them ~20% faster.
    rows: list[str] = [_title_row(node, palette, options.lang)]
    if options.step is not None and node.backward_step is not None:  # the stepper's backward order
        rows[0] = f'<B><FONT COLOR="{palette["grad"]}">#{node.backward_step}</FONT></B>  ' + rows[0]
    if options.show_values and node.value is not None:
        rows.extend(_tensor_rows(VALUE_CAPTION, node.value, options, palette["text"]))
    if options.show_grads and node.grad is not None:
        rows.extend(_tensor_rows(GRAD_CAPTION, node.grad, options, palette["grad"]))
    if options.gradcheck and node.gradcheck is not None:
        rows.append(gradcheck_row(node.gradcheck, palette, options.lang))
    return "".join(row + '<BR ALIGN="LEFT"/>' for row in rows)


# What a box that is no op is titled (its kind).
NODE_KINDS: Mapping[str, Message] = MappingProxyType({
    "leaf": Message("leaf"), "tensor": Message("tensor"), "saved": Message("saved tensor"),
})  # fmt: skip


def _title_row(node: Node, palette: Mapping[str, str], language: Language) -> str:
    # Op name and shape share one span: every span is measured separately, so fewer is faster.
    name = f'<B><FONT POINT-SIZE="13">{drawing_text(node.name)}</FONT></B>  ' if node.name else ""
    title = node.op if node.kind == "op" else render(NODE_KINDS.get(node.kind, node.kind), language)
    shape = node.value.shape if node.value is not None else None
    detail = f"{title}  {format_shape(shape, language)}" if shape is not None else title or ""
    return f'{name}<FONT COLOR="{palette["muted"]}">{drawing_text(detail)}</FONT>'


VALUE_CAPTION, GRAD_CAPTION = Message("value"), Message("grad")


@lru_cache(maxsize=16)
def _caption_leads(caption: Message, language: Language) -> tuple[str, str]:
    """A caption in `language` and the blank lead as wide as it, both ready for a label: every box
    of a drawing shows the same two, so they are translated and measured once."""
    shown = render(caption, language)
    return drawing_text(shown), drawing_text(caption_pad(shown))


def _tensor_rows(caption: Message, data: TensorData, options: RenderOptions, colour: str) -> list[str]:
    lines = format_tensor_lines(data, options.precision, options.lang)
    first_lead, pad = _caption_leads(caption, options.lang)
    rows = []
    for i, text in enumerate(lines):
        lead = first_lead if i == 0 else pad
        rows.append(f'<FONT COLOR="{colour}" FACE="Courier">{lead} {drawing_text(text)}</FONT>')
    return rows
