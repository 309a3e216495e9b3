"""The one place the stages meet: source -> Program -> Execution -> Captures -> Graphs -> SVG."""

from __future__ import annotations

import ast
import json
import unicodedata
import warnings as pywarnings
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch

from .capture import Capture, Recorder
from .config import Limits
from .errors import GradtraceError
from .graph.tensors import to_tensor_data
from .graph.walk import walk_graph
from .i18n import Message
from .listing import within_listing_budget
from .rendering.dot import drawn_folds, graph_to_dot, title_and_description
from .rendering.options import RenderOptions
from .rendering.svg import ImageFormat, layout, layout_svg
from .result import RenderedGraph, Result, Variable
from .sandbox.interpret import Execution, run_program
from .sandbox.parse import parse_program
from .sandbox.suggestions import called_name_hint, called_only, typo_names
from .sandbox.torch_state import is_determinism_notice, isolated_torch_state
from .sandbox.torch_surface import printoptions_restored

SEED = 0  # every run starts from the same random state: same request, same bytes
MAX_INPUT_DEPTH = 8  # nested lists in one input value (pickling and torch.tensor recurse per level)

# Wraps each Graphviz layout. Graphviz runs in C and cannot be interrupted, so a deadline means
# ending the process: only the process's owner (the worker) may do that, never this module.
LayoutGuard = Callable[[], AbstractContextManager[None]]


def run(
    source: str,
    inputs: Mapping[str, Any] | None = None,
    options: RenderOptions | None = None,
    limits: Limits | None = None,
    *,
    layout_guard: LayoutGuard | None = None,
) -> Result:
    """Parse, run, capture, walk, draw. Raises GradtraceError only.

    `layout_guard` wraps each Graphviz layout (a worker's deadline); None: no guard."""
    limits = limits or Limits()
    guard = layout_guard or nullcontext
    options = options or RenderOptions()
    program = parse_program(source, limits)
    warnings: list[str] = []
    uncallable = called_only(program.tree, program.free_names)  # `prnt(x)`: a NameError, never an input
    free_names = tuple(name for name in program.free_names if name not in uncallable)
    typos = typo_names(program.tree, free_names)
    given, tensors = make_inputs(free_names, inputs or {}, limits, warnings, typos)
    recorder = Recorder(limits)
    for name, tensor in tensors.items():
        recorder.bound(name, tensor)
    grad_mode = torch.is_grad_enabled()
    torch.manual_seed(SEED)
    torch_warnings: list[pywarnings.WarningMessage] = []
    try:
        with isolated_torch_state(), pywarnings.catch_warnings(record=True) as caught, recorder:
            pywarnings.simplefilter("always")
            torch_warnings = caught
            with printoptions_restored():
                execution = run_program(program, tensors, limits, recorder)
        warnings.extend(_torch_warning_texts(torch_warnings))
        return _finish(execution, recorder, given, tensors, options, limits, guard, warnings)
    except GradtraceError as err:
        _hint_at_misspelt_call(err, uncallable, program.tree)
        if isinstance(err.partial, Execution):  # a runtime error: keep what ran before its line
            warnings.extend(_torch_warning_texts(torch_warnings))
            err.partial = _what_ran(err.partial, recorder, given, tensors, options, limits, guard, warnings)
        raise
    except (RuntimeError, ValueError, TypeError, IndexError) as exc:
        # The capture's own backward pass can fail where the program did not (e.g. a dtype
        # torch cannot differentiate); say what torch said.
        raise GradtraceError("runtime", f"{type(exc).__name__}: {exc}") from None
    finally:
        torch.set_grad_enabled(grad_mode)


def _hint_at_misspelt_call(error: GradtraceError, uncallable: set[str], tree: ast.Module) -> None:
    """`NameError: name 'prnt' is not defined` gets Python's `. Did you mean: 'print'?`."""
    for name in uncallable:
        if error.message.endswith(f"NameError: name '{name}' is not defined"):
            error.message += called_name_hint(name, tree)


def _finish(
    execution: Execution,
    recorder: Recorder,
    given: dict[str, Any],
    tensors: dict[str, torch.Tensor],
    options: RenderOptions,
    limits: Limits,
    guard: LayoutGuard,
    warnings: list[str],
) -> Result:
    """Captures -> Graphs -> SVG, and the named tensors, of a program that ran (or ran part-way)."""
    warnings.extend(execution.warnings + recorder.warnings)
    captures = list(recorder.captures)
    if recorder.undrawn:
        warnings.append(
            f"only the first {len(captures)} backward() calls are drawn; "
            f"{recorder.undrawn} later ones ran but are not drawn"
        )
    if not captures:
        captures = _automatic_capture(recorder, warnings)
    recorder.resolve_leaf_names()
    graphs = tuple(_render(c, recorder, options, limits, guard) for c in captures)
    warnings.extend(_fold_warnings(graphs))
    variables = describe_variables({**tensors, **execution.names}, limits, warnings)
    graphs, variables = within_listing_budget(graphs, variables, limits.max_listed_elements, warnings)
    return Result(graphs, variables, given, execution.stdout, tuple(warnings), outputs=tuple(execution.outputs))


def _what_ran(
    execution: Execution,
    recorder: Recorder,
    given: dict[str, Any],
    tensors: dict[str, torch.Tensor],
    options: RenderOptions,
    limits: Limits,
    guard: LayoutGuard,
    warnings: list[str],
) -> Result | None:
    """The result of the lines that ran before a runtime error, or None when even that fails (the
    error itself is the answer then)."""
    try:
        return _finish(execution, recorder, given, tensors, options, limits, guard, warnings)
    except (GradtraceError, RuntimeError, ValueError, TypeError, IndexError):
        return None


def _torch_warning_texts(caught: list[pywarnings.WarningMessage]) -> list[str]:
    texts: list[str] = []
    for item in caught:
        text = f"PyTorch warned: {item.message}"
        if text not in texts and not is_determinism_notice(str(item.message)):
            texts.append(text)
    return texts


def make_inputs(
    free_names: tuple[str, ...],
    inputs: Mapping[str, Any],
    limits: Limits,
    warnings: list[str],
    typos: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """One float32 leaf tensor with requires_grad=True per free name: the request's value, or 1.0.
    `typos`: free name -> the assigned name it is probably a misspelling of (said in its warning)."""
    check_inputs(inputs)
    inputs = _as_python_names(inputs)
    for name in inputs:
        if name not in free_names:
            warnings.append(f"input `{name}` is not used: the code assigns it or never reads it")
    given: dict[str, Any] = {}
    tensors: dict[str, torch.Tensor] = {}
    total = 0
    for name in free_names:
        value = inputs.get(name, 1.0)
        if name not in inputs and name in (typos or {}):
            warnings.append(
                f"`{name}` is never assigned; did you mean `{(typos or {})[name]}`? As written it is an input: "
                "a scalar tensor 1.0 with requires_grad=True"
            )
        elif name not in inputs:
            warnings.append(
                f"`{name}` is never assigned, so it is an input: a scalar tensor 1.0 with "
                "requires_grad=True (give it another value in the inputs)"
            )
        tensor = _input_tensor(name, value)
        total += tensor.numel()
        if total > limits.max_inputs_elements:
            raise GradtraceError("limit", f"inputs hold more than {limits.max_inputs_elements} numbers")
        given[name] = value
        tensors[name] = tensor
    return given, tensors


def check_inputs(inputs: Mapping[str, Any]) -> None:
    """Refuse (`request`) input names that are not plain identifiers and values that are not numbers
    or lists of numbers nested at most MAX_INPUT_DEPTH deep.

    The web layer calls this before it builds a worker Job: a value nested hundreds deep makes
    pickling it for the worker raise RecursionError."""
    for name, value in inputs.items():
        # Any Python name, Chinese too (PEP 3131): isidentifier() admits no control or bidi character,
        # so a name is safe to echo in warnings.
        if not (isinstance(name, str) and name.isidentifier()):
            raise GradtraceError("request", "input names must be plain Python names such as `x` or `w1`")
        if not is_numeric_nest(value):
            raise GradtraceError(
                "request",
                f"input `{name}` must be a number or lists of numbers nested at most {MAX_INPUT_DEPTH} deep",
            )


def _as_python_names(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Input names as the program's names are: Python reads identifiers in NFKC form, so the program's
    `ｘ` is `x`, and an input named `ｘ` must be that `x` too."""
    named: dict[str, Any] = {}
    for name, value in inputs.items():
        python_name = unicodedata.normalize("NFKC", name)
        if python_name in named:
            raise GradtraceError(
                "request",
                Message("input `{name}` is given twice; give each input once", name=python_name),
                code="request.input_twice",
            )
        named[python_name] = value
    return named


def _input_tensor(name: str, value: Any) -> torch.Tensor:
    try:
        return torch.tensor(value, dtype=torch.float32, requires_grad=True)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise GradtraceError("request", f"input `{name}` is not a rectangular array of numbers: {exc}") from None


def is_numeric_nest(value: Any, depth: int = 0) -> bool:
    """A number (bools count), or lists of them at most MAX_INPUT_DEPTH - depth deep; never recurses
    deeper than that, whatever `value` holds."""
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, list) and depth < MAX_INPUT_DEPTH:
        return all(is_numeric_nest(v, depth + 1) for v in value)
    return False


def _automatic_capture(recorder: Recorder, warnings: list[str]) -> list[Capture]:
    capture = recorder.capture_without_backward()
    if capture is None:
        warnings.append(
            "nothing to draw: no tensor with a grad_fn was assigned (make a leaf with "
            "requires_grad=True and compute something from it)"
        )
        return []
    name = recorder.seen.node_names.get(capture.root_node, "the last result")
    warnings.append(
        f"the code never calls backward(), so gradtrace back-propagated from `{name}`, the last "
        "tensor with a grad_fn, leaving every .grad as it was"
    )
    if capture.root.numel() != 1:
        warnings.append(
            f"`{name}` is not a scalar, so the gradient started as ones of its shape, "
            f"as {name}.backward(torch.ones_like({name})) would"
        )
    return [capture]


def _render(
    capture: Capture, recorder: Recorder, options: RenderOptions, limits: Limits, guard: LayoutGuard
) -> RenderedGraph:
    graph = walk_graph(capture, recorder.seen, limits.json_value_elements)
    folds = drawn_folds(graph, options)
    dot = graph_to_dot(graph, options, folds)
    title, description = title_and_description(graph, folds, options.lang)
    with guard():
        svg = layout_svg(dot, title, description, options.theme == "auto")
    return RenderedGraph(graph, dot, svg, folds)


def _fold_warnings(graphs: tuple[RenderedGraph, ...]) -> list[str]:
    """One warning when drawings fold long runs: what the first fold stands for, and how to see every step."""
    folds = [fold for rendered in graphs for fold in rendered.folds]
    if not folds:
        return []
    first = folds[0]
    more = f" (and {len(folds) - 1} more such boxes)" if len(folds) > 1 else ""
    what = f"{len(first.nodes)} {first.op} steps of a long run"
    if first.period > 1:
        what = f"{first.repeats} repetitions of a block of {first.period} ops ({' → '.join(first.block_ops)})"
    return [
        f"{what} are drawn as one box (×{first.repeats}){more}; "
        'every step is in the nodes list. To draw each: turn off "Collapse long runs", '
        "or set collapse_runs=false (collapse=0 in image URLs)"
    ]


def describe_variables(names: Mapping[str, object], limits: Limits, warnings: list[str]) -> dict[str, Variable]:
    """Every tensor bound to a name at the end (parameters of a bound nn.Module as `model.weight`)."""
    tensors: dict[str, torch.Tensor] = {}
    for name, value in names.items():
        if isinstance(value, torch.Tensor):
            tensors[name] = value
        elif isinstance(value, torch.nn.Module):
            tensors.update((f"{name}.{pname}", param) for pname, param in value.named_parameters())
    out: dict[str, Variable] = {}
    for name, tensor in tensors.items():
        if _is_leaf_readable(tensor):
            out[name] = _variable(tensor, limits)
        else:
            warnings.append(
                f"`{name}` is not listed: it is a view made under no_grad and then changed in place, "
                "so PyTorch refuses to read its grad_fn"
            )
    return out


def _is_leaf_readable(t: torch.Tensor) -> bool:
    """False for a view made under no_grad and changed in place: PyTorch raises on `t.is_leaf`."""
    try:
        return t.is_leaf in (True, False)
    except RuntimeError:
        return False


def _variable(t: torch.Tensor, limits: Limits) -> Variable:
    # Reading .grad of a non-leaf makes torch warn; PyTorch's answer there is None anyway.
    grad = t.grad if (t.is_leaf or t.retains_grad) else None
    return Variable(
        requires_grad=t.requires_grad,
        is_leaf=t.is_leaf,
        value=to_tensor_data(t, limits.json_value_elements),
        grad=None if grad is None else to_tensor_data(grad, limits.json_value_elements),
    )


def parse_inputs(raw: str | None) -> dict[str, Any]:
    """The `inputs` query parameter: a JSON object, or nothing."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise GradtraceError("request", f"`inputs` is not valid JSON: {exc}") from None
    except RecursionError:  # json nests deeper than the interpreter's stack: not ours to draw either
        raise GradtraceError("request", "`inputs` nests too deeply") from None
    if not isinstance(value, dict):
        raise GradtraceError("request", '`inputs` must be a JSON object such as {"x": [1, 2]}')
    check_inputs(value)
    return value


def pick_graph_svg(result: Result, index: int) -> str:
    """The SVG of graph `index` (-1: the last one)."""
    if not result.graphs:
        message = result.warnings[-1] if result.warnings else "the program builds no autograd graph"
        raise GradtraceError("render", message)
    if not -len(result.graphs) <= index < len(result.graphs):
        raise GradtraceError("request", f"there are {len(result.graphs)} graphs; graph={index} is not one of them")
    return result.graphs[index].svg


def renderer_version() -> str:
    """The versions that can change the bytes of a drawing: ours, torch's, pygraphviz's and the
    Graphviz library it was built with (a wheel rebuilt on a newer Graphviz keeps its version)."""
    import pygraphviz

    from . import __version__

    graphviz = getattr(pygraphviz, "__graphviz_version__", "unknown")
    versions = f"torch {torch.__version__}; pygraphviz {pygraphviz.__version__}; graphviz {graphviz}"
    return f"gradtrace {__version__}; {versions}"


# Limits that change what a successful request outputs (values listed or summarised, graphs
# drawn or left out) rather than only whether it fails.
OUTPUT_LIMITS = (
    "json_value_elements", "max_listed_elements", "max_graphs", "max_drawn_nodes", "max_graph_nodes",
    "gradcheck_seconds", "gradcheck_elements", "gradcheck_max_nodes",
)  # fmt: skip


def output_version(limits: Limits) -> str:
    """`renderer_version()` plus the limits that change the output: what ETags and the batch
    manifest hash, so changing either draws again instead of serving stale bytes."""
    settings = ", ".join(f"{name}={getattr(limits, name)}" for name in OUTPUT_LIMITS)
    return f"{renderer_version()}; {settings}"


def draw_image(result: Result, index: int, fmt: ImageFormat, *, layout_guard: LayoutGuard | None = None) -> bytes:
    """Graph `index` as image bytes: its SVG, or its DOT drawn again as PNG or PDF (inside
    `layout_guard`, as in `run`)."""
    svg = pick_graph_svg(result, index)
    if fmt == "svg":
        return svg.encode("utf-8")
    with (layout_guard or nullcontext)():
        return layout(result.graphs[index].dot, fmt)
