"""The one dashed box a folded run is drawn as: what repeats, how many times, and how value and
gradient change from the first folded repetition to the last (with a sparkline of the gradient's
size per repetition)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..graph.model import Node
from ..i18n import Language, Message, Plural, render
from .drawing_text import drawing_text
from .folding import Fold
from .gradient_ramp import mean_abs, sparkline_text
from .numbers import format_one_line, format_shape
from .options import RenderOptions


def fold_statement(fold: Fold, by_id: Mapping[str, Node], options: RenderOptions, palette: Mapping[str, str]) -> str:
    """The DOT statement of a fold's box."""
    steps = [by_id[node_id] for node_id in fold.nodes]
    outputs = [by_id[node_id] for node_id in fold.outputs] if fold.outputs else steps
    first, last = outputs[0], outputs[-1]
    name = last.name  # every repetition's output has one name (or none)
    role = "named" if name else "op"
    shapes = {node.value.shape if node.value is not None else None for node in outputs}
    shape = shapes.pop() if len(shapes) == 1 else None
    detail = fold_heading(fold, options.lang) + (f"  {format_shape(shape, options.lang)}" if shape is not None else "")
    heading = f'<B><FONT POINT-SIZE="13">{drawing_text(name)}</FONT></B>  ' if name else ""
    rows = [f'{heading}<FONT COLOR="{palette["muted"]}">{drawing_text(detail)}</FONT>']
    if fold.period > 1:
        rows.append(f'<FONT COLOR="{palette["muted"]}">{drawing_text(" → ".join(fold.block_ops))}</FONT>')
    for caption, shown, colour, start, end in (
        (Message("value"), options.show_values, palette["text"], first.value, last.value),
        (Message("grad"), options.show_grads, palette["grad"], first.grad, last.grad),
    ):
        if shown and start is not None and end is not None:
            shown_caption = render(caption, options.lang)
            start_text = format_one_line(start, options.precision, options.lang)
            end_text = format_one_line(end, options.precision, options.lang)
            text = f"{shown_caption} {start_text} … {end_text}"
            rows.append(f'<FONT COLOR="{colour}" FACE="Courier">{drawing_text(text)}</FONT>')
    if options.show_grads:
        rows.extend(_sparkline_row(outputs, palette, options.lang))
    label = "".join(row + '<BR ALIGN="LEFT"/>' for row in rows)
    return (
        f'  {fold.id} [id="{fold.id}" class="fold {role}" style="rounded,filled,dashed" '
        f'fillcolor="{palette[role + "_fill"]}" color="{palette[role + "_line"]}" label=<{label}>];'
    )


def fold_heading(fold: Fold, language: Language) -> str:
    """`SinBackward0 ×994` for a run of one op; `3 ops ×997` for a repeated block of three."""
    if fold.period == 1:
        return f"{fold.op} ×{len(fold.nodes)}"
    return render(Plural("{n} op ×{repeats}", "{n} ops ×{repeats}", n=fold.period, repeats=fold.repeats), language)


def _sparkline_row(outputs: Sequence[Node], palette: Mapping[str, str], language: Language) -> list[str]:
    # Only for gradients that change: a flat line says nothing the two numbers above do not.
    sizes = [mean_abs(node.grad) for node in outputs]
    known = [size for size in sizes if size is not None and size > 0]
    if len(known) < 2 or max(known) <= min(known) * 1.01:
        return []
    line = sparkline_text(sizes)
    if not line:
        return []
    text = render(Message("|grad| {sparkline}", sparkline=line), language)
    return [f'<FONT COLOR="{palette["grad"]}" FACE="Courier">{drawing_text(text)}</FONT>']
