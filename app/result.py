"""What a run produces, and its one JSON form (the API and `gradtrace render --format json`)."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .graph.model import Edge, Graph, LocalDerivative, Node, TensorData
from .i18n import DEFAULT_LANGUAGE, Language, Text, render
from .rendering.folding import Fold
from .sandbox.echo import Echo


@dataclass(frozen=True)
class RenderedGraph:
    """One captured graph with its DOT text and laid-out SVG."""

    graph: Graph
    dot: str
    svg: str
    folds: tuple[Fold, ...] = ()  # runs the drawing shows folded (every node is still in `graph`)


@dataclass(frozen=True)
class Variable:
    """A tensor bound to a name when the program ended."""

    requires_grad: bool
    is_leaf: bool
    value: TensorData
    grad: TensorData | None


@dataclass(frozen=True)
class Result:
    """Everything one program run yields."""

    graphs: tuple[RenderedGraph, ...]
    variables: dict[str, Variable]
    inputs: dict[str, Any]  # the free names and the values they were given
    stdout: str
    warnings: tuple[Text, ...]  # rendered in the request's language where the answer is encoded
    image: bytes | None = None  # the drawn graph, when the job asked for an image format
    outputs: tuple[Echo, ...] = ()  # what the top-level bare expression lines showed, in order


def json_safe(values: Any) -> Any:
    """Nested lists with NaN/inf replaced by the strings JSON readers expect."""
    if isinstance(values, list):
        return [json_safe(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        if math.isnan(values):
            return "NaN"
        return "Infinity" if values > 0 else "-Infinity"
    return values


def _values(data: TensorData | None) -> Any:
    return None if data is None else json_safe(data.values)


def _with_stats(out: dict[str, Any], value: TensorData | None, grad: TensorData | None) -> dict[str, Any]:
    """Add `value_stats`/`grad_stats` (min, max, mean) for tensors too large to list."""
    for key, data in (("value_stats", value), ("grad_stats", grad)):
        if data is not None and data.stats is not None:
            out[key] = {k: json_safe(v) for k, v in data.stats.items()}
    return out


def node_to_json(node: Node) -> dict[str, Any]:
    """A node as the API shows it."""
    shown = node.value or node.grad
    out: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "op": node.op,
        "name": node.name,
        "shape": list(shown.shape) if shown is not None else None,
        "dtype": shown.dtype if shown is not None else None,
        "value": _values(node.value),
        "grad": _values(node.grad),
        "line": node.line,
        "forward_step": node.forward_step,
        "backward_step": node.backward_step,
        "span": list(node.span) if node.span is not None else None,
    }
    return _with_stats(out, node.value, node.grad)


def _local_to_json(local: LocalDerivative | None, language: Language) -> dict[str, Any] | None:
    if local is None:
        return None
    return {"text": render(local.text, language), "value": _values(local.value)}


def edge_to_json(edge: Edge, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """An edge as the API shows it: its ends, the gradient that flowed back along it (listed like a
    node's, `grad_stats` when too large) and the local derivative of the chain rule."""
    out: dict[str, Any] = {
        "source": edge.source,
        "target": edge.target,
        "grad": _values(edge.grad),
        "grad_shape": list(edge.grad.shape) if edge.grad is not None else None,
        "local": _local_to_json(edge.local, language),
    }
    return _with_stats(out, None, edge.grad)


def fold_to_json(fold: Fold) -> dict[str, Any]:
    """A folded run as the API shows it: the nodes it stands for, the ops of one repetition, the
    period (ops per repetition), the repetitions folded, and each repetition's last node."""
    return {
        "id": fold.id,
        "op": fold.op,
        "nodes": list(fold.nodes),
        "ops": list(fold.block_ops),
        "period": fold.period,
        "repeats": fold.repeats,
        "outputs": list(fold.outputs),
    }


def gradcheck_to_json(graph: Graph, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Each leaf's numeric gradient check, by the leaf's name (its node id when unnamed or when two
    leaves share a name); `node` is the leaf's node id, `note` (in `language`) says why it was not checked."""
    checked = [n for n in graph.nodes if n.kind == "leaf" and n.gradcheck is not None]
    names = Counter(n.name for n in checked)
    out: dict[str, Any] = {}
    for node in checked:
        check = node.gradcheck
        assert check is not None
        key = node.name if node.name and names[node.name] == 1 else f"{node.name or 'leaf'} ({node.id})"
        out[key] = {
            "max_abs_error": json_safe(check.max_abs_error),
            "max_rel_error": json_safe(check.max_rel_error),
            "checked_elements": check.checked_elements,
            "ok": check.ok,
            "elements": check.elements,
            "node": node.id,
            "note": None if check.note is None else render(check.note, language),
        }
    return out


def graph_to_json(rendered: RenderedGraph, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A graph as the API shows it, its notes in `language`."""
    graph = rendered.graph
    return {
        "root": graph.root,
        "svg": rendered.svg,
        "dot": rendered.dot,
        "nodes": [node_to_json(n) for n in graph.nodes],
        "edges": [edge_to_json(e, language) for e in graph.edges],
        "steps": graph.steps,
        "folds": [fold_to_json(f) for f in rendered.folds],
        "gradcheck": gradcheck_to_json(graph, language),
    }


def variable_to_json(var: Variable) -> dict[str, Any]:
    """A named tensor as the API shows it."""
    out: dict[str, Any] = {
        "shape": list(var.value.shape),
        "dtype": var.value.dtype,
        "requires_grad": var.requires_grad,
        "is_leaf": var.is_leaf,
        "value": _values(var.value),
        "grad": _values(var.grad),
    }
    return _with_stats(out, var.value, var.grad)


def result_to_json(result: Result, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The JSON body of a successful `POST /api/graph`, its warnings and notes in `language`."""
    return {
        "graphs": [graph_to_json(g, language) for g in result.graphs],
        "variables": {name: variable_to_json(v) for name, v in result.variables.items()},
        "inputs": {name: json_safe(v) for name, v in result.inputs.items()},
        "stdout": result.stdout,
        "outputs": [{"line": e.line, "text": e.text, "at": e.at} for e in result.outputs],
        "warnings": [render(warning, language) for warning in result.warnings],
    }


def result_json_bytes(result: Result, language: Language = DEFAULT_LANGUAGE) -> bytes:
    """`result_to_json(result, language)` encoded as the API sends it (as Starlette's JSONResponse encodes)."""
    answer = result_to_json(result, language)
    body = json.dumps(answer, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
    return body.encode("utf-8")
