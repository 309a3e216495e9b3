"""The one place the stages meet: source -> Program -> Execution -> Captures -> Graphs -> SVG."""

from __future__ import annotations

import ast
import gc
import warnings as pywarnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import torch

from .capture import Capture, Recorder
from .config import Limits
from .errors import GradtraceError
from .graph.tensors import to_tensor_data
from .graph.walk import walk_graph
from .i18n import Message, Plural, Text
from .inputs import check_inputs as check_inputs  # re-exported: the web layer reads inputs through the pipeline
from .inputs import make_inputs
from .inputs import parse_inputs as parse_inputs  # re-exported: as check_inputs (CLI, image URLs, integrations)
from .listing import within_listing_budget
from .rendering.dot import drawn_folds, graph_to_dot, title_and_description
from .rendering.options import RenderOptions
from .rendering.svg import ImageFormat, layout, layout_svg
from .result import RenderedGraph, Result, Variable
from .sandbox.interpret import Execution, run_program
from .sandbox.parse import parse_program
from .sandbox.python_errors import python_exception
from .sandbox.suggestions import called_name_guess, called_only, typo_names
from .sandbox.torch_state import is_determinism_notice, isolated_torch_state
from .sandbox.torch_surface import printoptions_restored

SEED = 0  # every run starts from the same random state: same request, same bytes

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
    warnings: list[Text] = []
    uncallable = called_only(program.tree, program.free_names)  # `prnt(x)`: a NameError, never an input
    free_names = tuple(name for name in program.free_names if name not in uncallable)
    typos = typo_names(program.tree, free_names)
    given, tensors = make_inputs(free_names, inputs or {}, limits, warnings, typos)
    recorder = Recorder(limits)
    for name, tensor in tensors.items():
        recorder.bound(name, tensor)
    grad_mode = torch.is_grad_enabled()
    # The CPU generator alone: torch.manual_seed also queues a seed for CUDA and XPU with the caller's
    # stack trace (traceback.format_stack, ~0.3 ms inside the interpreter); gradtrace runs on the CPU.
    torch.default_generator.manual_seed(SEED)
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
        raise GradtraceError("runtime", pytorch_error(exc), code="runtime.pytorch") from None
    finally:
        torch.set_grad_enabled(grad_mode)


def _hint_at_misspelt_call(error: GradtraceError, uncallable: set[str], tree: ast.Module) -> None:
    """`NameError: name 'prnt' is not defined` gets Python's `. Did you mean: 'print'?`."""
    for name in uncallable:
        guess = called_name_guess(name, tree)
        if guess is not None and error.message.endswith(f"NameError: name '{name}' is not defined"):
            # Python's own words, as Python 3.12 prints them: they stay as written in every language.
            error.text = python_exception("NameError", f"name '{name}' is not defined. Did you mean: '{guess}'?")
            error.message = str(error.text)


def pytorch_error(exc: BaseException) -> Message:
    """PyTorch's own error text as PyTorch wrote it (`RuntimeError: ...`), introduced in the learner's language."""
    # Translators: {exception} and {error} are PyTorch's own words (RuntimeError, its message): keep them as they are.
    return Message("{exception}: {error}", exception=type(exc).__name__, error=str(exc))


def _finish(
    execution: Execution,
    recorder: Recorder,
    given: dict[str, Any],
    tensors: dict[str, torch.Tensor],
    options: RenderOptions,
    limits: Limits,
    guard: LayoutGuard,
    warnings: list[Text],
    part_way: bool = False,
) -> Result:
    """Captures -> Graphs -> SVG, and the named tensors, of a program that ran (or ran `part_way`)."""
    warnings.extend(execution.warnings + recorder.warnings)
    captures = list(recorder.captures)
    if recorder.undrawn:
        warnings.append(
            Message(
                "only the first {drawn} backward() calls are drawn; {undrawn} later ones ran but are not drawn",
                drawn=len(captures),
                undrawn=recorder.undrawn,
            )
        )
    if not captures:
        captures = _automatic_capture(recorder, warnings, part_way)
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
    warnings: list[Text],
) -> Result | None:
    """The result of the lines that ran before a runtime error, or None when even that fails (the
    error itself is the answer then)."""
    try:
        return _finish(execution, recorder, given, tensors, options, limits, guard, warnings, part_way=True)
    except (GradtraceError, RuntimeError, ValueError, TypeError, IndexError):
        return None


def _torch_warning_texts(caught: list[pywarnings.WarningMessage]) -> list[Text]:
    texts: list[Text] = []
    for item in caught:
        text = Message("PyTorch warned: {warning}", warning=str(item.message))
        if text not in texts and not is_determinism_notice(str(item.message)):
            texts.append(text)
    return texts


def _automatic_capture(recorder: Recorder, warnings: list[Text], part_way: bool = False) -> list[Capture]:
    capture = recorder.capture_without_backward()
    if capture is None:
        warnings.append(
            Message(
                "nothing to draw: no tensor with a grad_fn was assigned (make a leaf with "
                "requires_grad=True and compute something from it)"
            )
        )
        return []
    name: Text = recorder.seen.node_names.get(capture.root_node) or Message("the last result")
    if part_way:  # the failing line may be the program's own backward(): it was called, it did not finish
        why = Message(
            "no backward() call finished before the line that failed, so gradtrace back-propagated from "
            "`{name}`, the last tensor with a grad_fn, leaving every .grad as it was",
            name=name,
        )
    else:
        why = Message(
            "the code never calls backward(), so gradtrace back-propagated from `{name}`, the last "
            "tensor with a grad_fn, leaving every .grad as it was",
            name=name,
        )
    warnings.append(why)
    if capture.root.numel() != 1:
        warnings.append(
            Message(
                "`{name}` is not a scalar, so the gradient started as ones of its shape, "
                "as {name}.backward(torch.ones_like({name})) would",
                name=name,
            )
        )
    return [capture]


def _render(
    capture: Capture, recorder: Recorder, options: RenderOptions, limits: Limits, guard: LayoutGuard
) -> RenderedGraph:
    with collector_paused():
        graph = walk_graph(capture, recorder.seen, limits.json_value_elements)
        folds = drawn_folds(graph, options)
        dot = graph_to_dot(graph, options, folds)
        title, description = title_and_description(graph, folds, options.lang)
        with guard():
            svg = layout_svg(dot, title, description, options.theme == "auto")
    return RenderedGraph(graph, dot, svg, folds)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without Python's cyclic garbage collector. Drawing a graph makes tens of
    thousands of objects (nodes, label spans, SVG parts) that all live on or die by reference
    count: the collections their allocation would trigger find nothing, and cost ~8% of a big
    drawing. No program code runs while drawing, so no garbage cycle is made meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fold_warnings(graphs: tuple[RenderedGraph, ...]) -> list[Text]:
    """One warning when drawings fold long runs: what the first fold stands for, and how to see every step."""
    folds = [fold for rendered in graphs for fold in rendered.folds]
    if not folds:
        return []
    first = folds[0]
    what = Message("{count} {op} steps of a long run", count=len(first.nodes), op=first.op)
    if first.period > 1:
        what = Message(
            "{repeats} repetitions of a block of {period} ops ({ops})",
            repeats=first.repeats,
            period=first.period,
            ops=" → ".join(first.block_ops),
        )
    if len(folds) == 1:
        drawn = Message("{what} are drawn as one box (×{repeats})", what=what, repeats=first.repeats)
    else:
        drawn = Plural(
            "{what} are drawn as one box (×{repeats}) (and {n} more such box)",
            "{what} are drawn as one box (×{repeats}) (and {n} more such boxes)",
            n=len(folds) - 1,
            what=what,
            repeats=first.repeats,
        )
    how = Message(
        'every step is in the nodes list. To draw each: turn off "Collapse long runs", '
        "or set collapse_runs=false (collapse=0 in image URLs)"
    )
    return [Message("{drawn}; {how}", drawn=drawn, how=how)]


def describe_variables(names: Mapping[str, object], limits: Limits, warnings: list[Text]) -> dict[str, Variable]:
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
                Message(
                    "`{name}` is not listed: it is a view made under no_grad and then changed in place, "
                    "so PyTorch refuses to read its grad_fn",
                    name=name,
                )
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


def pick_graph_svg(result: Result, index: int) -> str:
    """The SVG of graph `index` (-1: the last one)."""
    if not result.graphs:
        message = result.warnings[-1] if result.warnings else Message("the program builds no autograd graph")
        raise GradtraceError("render", message, code="render.no_graph")
    if not -len(result.graphs) <= index < len(result.graphs):
        raise GradtraceError(
            "request",
            Plural(
                "there is {n} graph; graph={index} is not one of them",
                "there are {n} graphs; graph={index} is not one of them",
                n=len(result.graphs),
                index=index,
            ),
            code="request.graph_index",
        )
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
