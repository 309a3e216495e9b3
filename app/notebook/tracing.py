"""The notebook and library API: draw the autograd graph of tensors from one's own PyTorch code.

No sandbox here: this runs in the user's own process on tensors they already made. Values are those
of the traced tensors, of the tensors the caller's variables hold and of results autograd saved
(`_saved_result`); other intermediates show no value. Gradients are what one backward() from the
traced tensors would send, computed with torch.autograd.grad and hooks on the autograd nodes, so
no `.grad` changes. If backward() already freed the graph, leaves show their `.grad` instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from types import FrameType
from typing import Any

import torch

from ..backward_flow import BackwardFlow, gradients_flowing
from ..capture import AutogradNode, Capture, Observations, reachable_nodes, read_saved_results
from ..config import Limits
from ..graph.local_derivatives import local_derivatives
from ..graph.walk import walk_graph
from ..i18n import DEFAULT_LANGUAGE, Message, Text, parse_language, render
from ..rendering.options import ColorBy, Direction, RenderOptions, Theme
from .picture import GraphPicture

FREED_NOTE = Message(
    "backward() already freed this graph, so leaves show their .grad and intermediate gradients are absent "
    "(call backward(retain_graph=True), or trace before backward)"
)


def trace(
    *tensors: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    theme: Theme = "light",
    direction: Direction = "TB",
    precision: int = 4,
    values: bool = True,
    grads: bool = True,
    collapse: bool = True,
    color_by: ColorBy = "none",
    edge_labels: bool | None = None,
    step: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> GraphPicture:
    """The autograd graph below `tensors`, named after the caller's variables; shows itself in Jupyter
    and saves as SVG/PNG/PDF/DOT. The replacement for `torchviz.make_dot(y)`. `collapse=False` draws
    every step of long runs of one op, which are otherwise folded into one box; `color_by="grad"`
    fills nodes on a logarithmic ramp of their gradient's size; `edge_labels` writes the chain rule on
    the edges (None: on for small drawings); `step=k` draws the backward pass's first k steps; `lang="zh-CN"`
    writes the drawing's words and notes in Chinese."""
    language = parse_language(lang)
    if language is None:
        raise ValueError(f"lang={lang!r}: use 'en' or 'zh-CN'")
    roots = _check_roots(tensors)
    caller = inspect.currentframe()
    seen = Observations()
    try:
        _take_names(seen, names or {}, caller.f_back if caller is not None else None)
    finally:
        del caller  # a frame kept alive keeps every local of the caller alive
    for root in roots:
        seen.node_values.setdefault(root.grad_fn, root.detach().clone())
    nodes = list(reachable_nodes(*(r.grad_fn for r in roots)))
    read_saved_results(seen.node_values, nodes)
    capture, notes = _capture_gradients(roots, nodes)
    graph = walk_graph(capture, seen, Limits().json_value_elements)
    options = RenderOptions(
        theme, direction, precision, values, grads, collapse_runs=collapse, color_by=color_by,
        edge_labels=edge_labels, step=step, lang=language,
    )  # fmt: skip
    return GraphPicture(graph, options, tuple(render(note, language) for note in notes))


def _check_roots(tensors: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    if not tensors:
        raise TypeError("trace() needs at least one tensor, e.g. gradtrace.trace(loss)")
    roots = []
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"argument {position + 1} is a {type(tensor).__name__}, not a tensor")
        if tensor.grad_fn is None:
            raise ValueError(
                f"argument {position + 1} has no grad_fn: it is a leaf or was computed without gradients "
                "(pass a tensor computed from one with requires_grad=True)"
            )
        roots.append(tensor)
    return roots


def _take_names(seen: Observations, names: Mapping[str, torch.Tensor], frame: FrameType | None) -> None:
    """Names from `names` first, then the caller's locals, then its globals (no `_x`: Jupyter's `_1`)."""
    scopes: list[Mapping[str, Any]] = [names]
    if frame is not None:
        scopes += [frame.f_locals, frame.f_globals]
    for scope in scopes:
        for name, value in list(scope.items()):
            if not name.startswith("_"):
                _name(seen, name, value)


def _name(seen: Observations, name: str, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        if value.grad_fn is not None:
            seen.node_names.setdefault(value.grad_fn, name)
            seen.node_values.setdefault(value.grad_fn, value.detach().clone())
        elif value.requires_grad:
            seen.leaf_names.setdefault(id(value), name)
            seen.pinned.append(value)
    elif isinstance(value, torch.nn.Module):
        for parameter_name, parameter in value.named_parameters():
            seen.leaf_names.setdefault(id(parameter), f"{name}.{parameter_name}")
            seen.pinned.append(parameter)


def _capture_gradients(roots: list[torch.Tensor], nodes: list[AutogradNode]) -> tuple[Capture, list[Text]]:
    leaves = [n.variable for n in nodes if hasattr(n, "variable")]
    notes: list[Text] = []

    def run() -> list[torch.Tensor | None]:
        if not leaves:
            return []
        with torch.enable_grad():
            seeds = [torch.ones_like(r) for r in roots]
            return list(torch.autograd.grad(roots, leaves, grad_outputs=seeds, allow_unused=True, retain_graph=True))

    locals_ = local_derivatives(nodes, Limits().json_value_elements)
    try:
        flow, leaf_grads = gradients_flowing(nodes, run, Limits().json_value_elements)
    except RuntimeError:
        flow, leaf_grads = BackwardFlow(), [leaf.grad for leaf in leaves]
        notes.append(FREED_NOTE)
    capture = Capture(
        root=roots[0],
        root_node=roots[0].grad_fn,
        grads=flow.grads,
        leaf_values={id(v): v.detach().clone() for v in leaves},
        leaf_grads={id(v): None if g is None else g.detach().clone() for v, g in zip(leaves, leaf_grads, strict=True)},
        automatic=True,
        more_roots=tuple(r.grad_fn for r in roots[1:]),
        flow=flow,
        locals=locals_,
    )
    return capture, notes
