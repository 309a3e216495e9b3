"""Watching a program run: op values, source lines, names, and one Capture per backward()."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

from .backward_flow import BackwardFlow, gradients_flowing
from .config import Limits
from .errors import GradtraceError
from .forward_tape import note_value_read, record_op
from .gradcheck import CheckClock, check_call, overruled, watching_gradients
from .graph.local_derivatives import Locals, local_derivatives
from .graph.model import LeafCheck
from .graph.tensors import Snapshot, snapshot
from .i18n import Message, Text
from .leaf_names import LeafNamer, binding_rank
from .live_objects import RUN_ELEMENTS, LiveElements, LiveLeafTable, LiveNodes, NodeField, NodeRecord
from .op_sizes import op_output_elements

# An autograd node (`t.grad_fn`); torch exposes no public class for it.
AutogradNode = Any
Gradients = dict[AutogradNode, Snapshot]


@dataclass
class Capture:
    """The graph below one root at one backward() call, with what was observed of it."""

    root: torch.Tensor
    root_node: AutogradNode
    grads: Gradients  # gradient that flowed into each node in this call
    leaf_values: dict[int, torch.Tensor]  # id(leaf) -> value at the call
    leaf_grads: dict[int, torch.Tensor | None]  # id(leaf) -> leaf.grad right after the call
    automatic: bool = False
    more_roots: tuple[AutogradNode, ...] = ()  # further roots drawn in the same graph (notebook API)
    flow: BackwardFlow = field(default_factory=BackwardFlow)  # edge contributions, order autograd ran
    locals: Locals = field(default_factory=dict)  # each node's local derivatives, read before backward
    gradcheck: dict[int, LeafCheck] = field(default_factory=dict)  # id(leaf) -> its numeric gradient check


@dataclass
class Observations:
    """What the recorder learnt while the program ran, keyed by autograd node or id(tensor)."""

    node_values: MutableMapping[AutogradNode, Snapshot] = field(default_factory=dict)
    node_lines: MutableMapping[AutogradNode, int | None] = field(default_factory=dict)
    node_names: MutableMapping[AutogradNode, str] = field(default_factory=dict)
    leaf_names: MutableMapping[int, str] = field(default_factory=dict)
    leaf_lines: MutableMapping[int, int | None] = field(default_factory=dict)
    # When each node / leaf was made: a counter over the whole run (the walker renumbers per graph).
    node_steps: MutableMapping[AutogradNode, int] = field(default_factory=dict)
    leaf_steps: MutableMapping[int, int] = field(default_factory=dict)
    # The ast node of the sub-expression that made each (its span is what the playground highlights).
    node_spans: MutableMapping[AutogradNode, Any] = field(default_factory=dict)
    leaf_spans: MutableMapping[int, Any] = field(default_factory=dict)
    # Keeps tensors whose id() is a key above alive, so ids are not reused (the recorder forgets
    # a dead leaf's entries instead, see live_objects.LiveLeafTable).
    pinned: list[torch.Tensor] = field(default_factory=list)
    live: LiveNodes | None = None  # whose records the node_* fields read, when they are NodeFields

    def of_node(self, node: AutogradNode) -> tuple[Snapshot | None, int | None, str | None, Any]:
        """A node's value, line, name and span: what node_values, node_lines, node_names and
        node_spans hold for it, from one read of its record when they are live."""
        if self.live is None:
            return (
                self.node_values.get(node),
                self.node_lines.get(node),
                self.node_names.get(node),
                self.node_spans.get(node),
            )
        record = LiveNodes.find(node, self.live)
        return (None, None, None, None) if record is None else (record.value, record.line, record.name, record.span)


def live_observations(nodes: LiveNodes) -> Observations:
    """Observations that keep nothing alive: node records die with their nodes, leaf entries with
    their tensors. What a training loop frees stays freed."""
    return Observations(
        node_values=NodeField(nodes, "value"),
        node_lines=NodeField(nodes, "line"),
        node_names=NodeField(nodes, "name"),
        leaf_names=LiveLeafTable(),
        leaf_lines=LiveLeafTable(),
        node_steps=NodeField(nodes, "step"),
        leaf_steps=LiveLeafTable(),
        node_spans=NodeField(nodes, "span"),
        leaf_spans=LiveLeafTable(),
        live=nodes,
    )


_BACKWARD = torch.Tensor.backward
_GRAD = torch.autograd.grad
_REQUIRES_GRAD_ = torch.Tensor.requires_grad_
_REGISTER_HOOK = torch.Tensor.register_hook

# Set while a library function runs its own backward passes (torch.autograd.functional.jacobian
# calls autograd.grad once per output element): those are its inner workings, not the program's.
_LIBRARY_CALL: ContextVar[bool] = ContextVar("gradtrace_library_call", default=False)


@contextmanager
def undrawn_backward_calls() -> Iterator[None]:
    """Run the block without drawing the backward passes it makes."""
    token = _LIBRARY_CALL.set(True)
    try:
        yield
    finally:
        _LIBRARY_CALL.reset(token)


def _copy(t: torch.Tensor | None) -> torch.Tensor | None:
    return None if t is None else t.detach().clone()


def _argument_storages(args: tuple[Any, ...], kwargs: dict[str, Any]) -> set[int]:
    """Where the tensor arguments' storages start. Arguments are tensors, numbers or flat lists of
    tensors (cat, stack): a cheap scan, where pytree flattening cost more than the op it watched."""
    found: set[int] = set()
    for value in (*args, *kwargs.values()) if kwargs else args:
        if isinstance(value, torch.Tensor):
            found.add(value.untyped_storage().data_ptr())
        elif isinstance(value, list | tuple):
            found.update(v.untyped_storage().data_ptr() for v in value if isinstance(v, torch.Tensor))
    return found


def read_saved_results(values: MutableMapping[AutogradNode, Snapshot], nodes: list[AutogradNode]) -> None:
    """Fill in the value of nodes that keep their own output for backward (exp, tanh, sigmoid,
    log_softmax inside cross_entropy...): ops the mode never saw still show a value. Must run
    before backward() frees saved tensors."""
    for node in nodes:
        if node in values:
            continue
        try:
            saved = getattr(node, "_saved_result", None)
        except RuntimeError:  # already freed by an earlier backward()
            continue
        if isinstance(saved, torch.Tensor):
            values[node] = saved.detach().clone()


def reachable_nodes(root_node: AutogradNode, *more_roots: AutogradNode, limit: int | None = None) -> list[AutogradNode]:
    """Every autograd node below the roots, each once, depth-first (iterative: chains can be long);
    only the first `limit` when given."""
    order: list[AutogradNode] = []
    seen: set[AutogradNode] = set()
    for root in (root_node, *more_roots):
        if root in seen:
            continue
        seen.add(root)
        stack = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            if len(order) == limit:
                return order
            for child, _ in reversed(node.next_functions):
                if child is not None and child not in seen:
                    seen.add(child)
                    stack.append(child)
    return order


def _as_tensors(value: Any) -> list[torch.Tensor]:
    """A tensor or a sequence of tensors (autograd.grad's outputs and inputs) as a list."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for t in value if isinstance(t, torch.Tensor)]
    return []


def drawing_size(nodes: list[AutogradNode]) -> tuple[int, int]:
    """(edges, edge segments) of the drawing of `nodes` (all nodes below a root), before any layout.

    Graphviz's `dot` puts each node on a level and routes an edge that skips k levels through k - 1
    invisible nodes; their number, not the nodes', is what makes a layout slow and large (stacking every
    earlier tensor at each of 40 steps makes 82 nodes, 861 edges and 22,181 segments). Levels are the
    longest path from the roots, which bounds dot's own ranking from above (it minimises the same sum).
    A leaf below its AccumulateGrad adds one edge of one segment."""
    children = {node: [c for c, _ in node.next_functions if c is not None] for node in nodes}
    waiting = dict.fromkeys(nodes, 0)  # parents not yet levelled, per node
    for kids in children.values():
        for child in kids:
            waiting[child] += 1
    level = dict.fromkeys(nodes, 0)
    ready = [node for node, count in waiting.items() if count == 0]
    edges = segments = 0
    while ready:
        node = ready.pop()
        if hasattr(node, "variable"):
            edges, segments = edges + 1, segments + 1
        below = level[node] + 1
        for child in children[node]:
            if level[child] < below:
                level[child] = below
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    for node, kids in children.items():
        edges += len(kids)
        for child in kids:
            segments += level[child] - level[node]
    return edges, segments


class Recorder(TorchFunctionMode):
    """A TorchFunctionMode that records each op's output and line, and captures every backward().

    Observing must not change the program: gradients of intermediates come from hooks on autograd
    nodes that are removed right after the call, never from retain_grad().
    """

    def __enter__(self) -> Recorder:
        # numpy arrays the program makes count against the same live limit as tensors.
        self._run_elements = RUN_ELEMENTS.set(self.live_elements)
        super().__enter__()  # type: ignore[no-untyped-call]
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)  # type: ignore[no-untyped-call]
        RUN_ELEMENTS.reset(self._run_elements)

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits
        self.live_nodes = LiveNodes()
        self.live_elements = LiveElements()
        self.seen = live_observations(self.live_nodes)
        self.leaf_namer = LeafNamer()
        self.captures: list[Capture] = []
        self.line: int | None = None
        self.last_root: torch.Tensor | None = None
        self.warnings: list[Text] = []
        self.nodes_drawn = 0  # autograd nodes of every capture so far, all to be laid out
        self.undrawn = 0  # backward() calls past max_graphs / max_drawn_nodes, run but not captured
        self.made = 0  # tensors made so far (ops' outputs and leaves): each one's forward step
        self.expression: ast.AST | None = None  # the sub-expression running now (interpreter's at_expression)
        self.check_clock = CheckClock(limits.gradcheck_seconds)  # what the gradient checks may still take
        self.gradient_hooks = False  # the program called Tensor.register_hook

    # -- the interpreter's Observer protocol --------------------------------------------------
    def at_line(self, line: int) -> None:
        self.line = line
        self.expression = None

    def at_expression(self, node: ast.AST) -> None:
        self.expression = node

    def bound(self, name: str, value: object, *, top_level: bool = True, loop: bool = False) -> None:
        namer = self.leaf_namer
        if name in namer.loop_holders:  # the tensor a loop variable held is no longer held by it
            namer.release(name)
        if not isinstance(value, torch.Tensor):
            if isinstance(value, torch.nn.Module):  # its parameters are named by their path under `name`
                namer.offer_module(value, name, binding_rank(top_level, loop, module_path=True), self.line)
            elif name in namer.modules:
                namer.forget_module(name)
            return
        # Reading an attribute while this mode is on goes through __torch_function__ (a fifth of
        # an op's cost); what the recorder reads for itself need not.
        with torch._C.DisableTorchFunction():
            try:
                node = value.grad_fn
            except RuntimeError:
                # A view made under no_grad and then changed in place (`with torch.no_grad():
                # w[0].copy_(v)`) is fine until someone reads its grad_fn: leave it unobserved.
                return
        if node is not None:
            self.seen.node_names.setdefault(node, name)
            self.last_root = value
        else:
            # Named whatever its requires_grad now: `x = torch.arange(4.0); x.requires_grad_()` draws `x`.
            self.leaf_namer.offer(value, name, binding_rank(top_level, loop, module_path=False), self.line)

    def bound_attribute(self, name: str, value: object, *, top_level: bool = True) -> None:
        if not isinstance(value, torch.Tensor):
            return
        with torch._C.DisableTorchFunction():
            try:
                leaf = value.grad_fn is None
            except RuntimeError:  # unreadable: see bound()
                return
        if leaf:  # makemore's `self.weight = torch.randn(...)`: drawn `self.weight`
            self.leaf_namer.offer(value, name, binding_rank(top_level, loop=False, module_path=True), self.line)

    def resolve_leaf_names(self) -> None:
        """Name the captured leaves after the best name bound to each while the program ran
        (app/leaf_names.py); call once the run is over, before walking the graphs."""
        self.leaf_namer.resolve(self.seen.pinned, self.seen.leaf_names, self.seen.leaf_lines)

    def warn(self, text: Text) -> None:
        """A warning for the answer, once."""
        if text not in self.warnings:
            self.warnings.append(text)

    def _taping(self) -> bool:
        """Whether a gradient check may still read what made new nodes (forward_tape): it has time
        left, a later graph is drawn, and the nodes alive are few enough for a checked graph (twice
        gradcheck_max_nodes: graphs that earlier losses kept alive may share the count)."""
        small = self.live_nodes.count <= 2 * self.limits.gradcheck_max_nodes
        return small and self.check_clock.left > 0 and not self.drawing_done()

    def drawing_done(self) -> bool:
        """True once no later backward() will be drawn (max_graphs or max_drawn_nodes reached):
        from then on the values and lines of new nodes are never read, so they are not recorded."""
        return len(self.captures) >= self.limits.max_graphs or self.nodes_drawn >= self.limits.max_drawn_nodes

    def _watch_leaf(self, tensor: torch.Tensor) -> None:
        for table in (self.seen.leaf_names, self.seen.leaf_lines, self.seen.leaf_steps, self.seen.leaf_spans):
            if isinstance(table, LiveLeafTable):
                table.watch(tensor)

    # -- torch's hook ---------------------------------------------------------------------------
    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        if func is _BACKWARD and not _LIBRARY_CALL.get():
            return self._backward(func, args, kwargs)
        if func is _GRAD and not _LIBRARY_CALL.get():
            return self._grad(func, args, kwargs)
        if func is _REGISTER_HOOK:  # a hook may change gradients: the gradient check says so
            self.gradient_hooks = True
        if func is _REQUIRES_GRAD_:  # makes nothing: the leaf's line stays where it was made or bound
            return func(*args, **kwargs)
        planned = op_output_elements(func, args, kwargs)  # layers' inner ops (conv2d, embedding)
        if planned is not None and planned > self.limits.max_tensor_elements:
            raise GradtraceError(
                "limit",
                Message(
                    "an operation would make a tensor of {count} elements; the limit is {limit}",
                    count=planned,
                    limit=self.limits.max_tensor_elements,
                ),
                self.line,
                code="limit.tensor_elements",
            )
        out = func(*args, **kwargs)
        if isinstance(out, torch.Tensor):  # the common case, without flattening
            made = [out]
        elif isinstance(out, tuple | list | dict):
            made = [leaf for leaf in tree_flatten(out)[0] if isinstance(leaf, torch.Tensor)]
        else:
            note_value_read(func, args)  # `.item()` inside a custom Function's forward: not replayable
            return out
        self._count_new_elements(func, args, kwargs, made)
        for leaf in made:
            self._record(leaf)
        if self._taping():
            with suppress(RuntimeError):  # a grad_fn torch will not show (see bound()): not replayed then
                record_op(func, args, kwargs, made, self.line)
        return out

    def _count_new_elements(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], made: list[torch.Tensor]
    ) -> None:
        """Count the elements of newly allocated outputs while their storage lives; refuse when
        more than the limit are alive at once.

        Every allocation counts, with or without a grad_fn (a list of big constant tensors is memory
        too); views, in-place results and `.grad`/`.data` reads share memory that was counted already."""
        if not made or getattr(func, "__name__", "") == "__get__":
            return
        shared: set[int] | None = None  # storages of the arguments, read only if an output is no view
        for tensor in made:
            if tensor._is_view():
                continue
            if shared is None:
                shared = _argument_storages(args, kwargs)
            if tensor.untyped_storage().data_ptr() not in shared:
                self.live_elements.add(tensor)
        self._check_live_elements()

    def _check_live_elements(self) -> None:
        if self.live_elements.count > self.limits.max_live_elements:
            raise GradtraceError(
                "limit",
                Message(
                    "the program holds more than {limit} tensor elements alive at once",
                    limit=self.limits.max_live_elements,
                ),
                self.line,
                code="limit.live_elements",
            )

    def _record(self, tensor: torch.Tensor) -> None:
        numel = tensor.numel()
        if numel > self.limits.max_tensor_elements:
            raise GradtraceError(
                "limit",
                Message(
                    "an operation made a tensor of {count} elements; the limit is {limit}",
                    count=numel,
                    limit=self.limits.max_tensor_elements,
                ),
                self.line,
                code="limit.tensor_elements",
            )
        try:
            node = tensor.grad_fn
        except RuntimeError:  # unreadable: see bound()
            return
        seen = self.seen
        if node is None:
            if tensor.requires_grad and id(tensor) not in seen.leaf_lines:
                self._watch_leaf(tensor)
                seen.leaf_lines[id(tensor)] = self.line
                self.made += 1
                seen.leaf_steps[id(tensor)] = self.made
                seen.leaf_spans[id(tensor)] = self.expression
            return
        record = self.live_nodes.record(node)  # read once: the node's metadata holds it
        if record.value is not None:
            return
        if self.live_nodes.count > self.limits.max_live_autograd_nodes:
            # Freeing a chain of ~45,000 autograd nodes recurses deep enough in C++ to overflow the
            # worker's stack: refuse long before that, as the nodes are made. Nodes a loop freed
            # no longer count.
            raise GradtraceError(
                "limit",
                Message(
                    "the program holds more than {limit} autograd nodes alive at once",
                    limit=self.limits.max_live_autograd_nodes,
                ),
                self.line,
                code="limit.live_nodes",
            )
        if self.drawing_done():  # a training loop's later steps: no graph they make is drawn
            return
        record.value = snapshot(tensor, self.limits.json_value_elements)
        self.made += 1
        record.step = self.made
        record.span = self.expression
        if isinstance(record.value, torch.Tensor):
            # The recorder's copy is memory too: it counts while its node lives (dies with it).
            self.live_elements.add(record.value)
            self._check_live_elements()
        self._assign_lines(node, record)

    def _assign_lines(self, node: AutogradNode, record: NodeRecord) -> None:
        # Nodes made inside a composite op (cross_entropy's LogSoftmaxBackward0) get its line too.
        line = self.line
        if record.line is not None or line is None:
            return
        record.line = line
        stack = [child for child, _ in node.next_functions if child is not None]
        find = self.live_nodes.record
        while stack:
            current = stack.pop()
            found = find(current)
            if found.line is not None:
                continue
            found.line = line
            if found.step is None:  # made inside the same composite op: the same forward step and span
                found.step, found.span = record.step, record.span
            stack.extend(child for child, _ in current.next_functions if child is not None)

    def _backward(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        root = args[0]
        if root.grad_fn is None:
            return func(*args, **kwargs)  # torch raises its own clear error
        if self.drawing_done():
            # A training loop may call backward() thousands of times; drawing each would cost
            # a layout apiece. Later calls still run, undrawn (the pipeline says so).
            self.undrawn += 1
            return func(*args, **kwargs)
        capture = self._observe(root, lambda: func(*args, **kwargs))
        if kwargs.get("inputs") is not None or len(args) > 4:  # backward(inputs=...) feeds only some leaves
            capture.gradcheck = overruled(
                capture.gradcheck, Message("not checked: backward(inputs=...) left out other leaves")
            )
        self.captures.append(capture)
        return None

    def _grad(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """torch.autograd.grad: drawn like backward(), with the gradients it returned at the leaves
        it was asked about (it leaves every .grad untouched)."""
        outputs = args[0] if args else kwargs.get("outputs")
        inputs = args[1] if len(args) > 1 else kwargs.get("inputs")
        roots = [t for t in _as_tensors(outputs) if t.grad_fn is not None]
        if not roots or self.drawing_done():
            if roots:
                self.undrawn += 1
            return self._derivatives(func(*args, **kwargs))
        asked = _as_tensors(inputs)
        returned: list[Any] = []

        def run() -> list[torch.Tensor | None]:
            returned.extend(func(*args, **kwargs))
            by_input = {id(t): g for t, g in zip(asked, returned, strict=False)}
            return [by_input.get(id(leaf)) for leaf in leaves]

        nodes = reachable_nodes(roots[0].grad_fn, limit=self.limits.max_graph_nodes + 1)
        leaves = [n.variable for n in nodes if hasattr(n, "variable")]
        capture = self._observe(roots[0], run)
        if len(roots) > 1:  # the gradients sum over several outputs; the check follows the first one
            capture.gradcheck = overruled(capture.gradcheck, Message("not checked: autograd.grad of several outputs"))
        unasked = {id(leaf) for leaf in leaves} - {id(t) for t in asked}  # grad() gave them nothing to compare
        capture.gradcheck |= overruled(
            capture.gradcheck, Message("not checked: autograd.grad was not asked for it"), unasked
        )
        capture.automatic = True  # leaf gradients come from what grad() returned, not AccumulateGrad
        self.captures.append(capture)
        return self._derivatives(tuple(returned))

    def _derivatives(self, grads: Any) -> Any:
        """Observe what autograd.grad(create_graph=True) returned: the engine built their graph (the
        derivative's), unseen by this mode, so their values and line are recorded here."""
        for made in grads if isinstance(grads, tuple) else ():
            if isinstance(made, torch.Tensor) and made.grad_fn is not None:
                self._record(made)
        return grads

    def _observe(self, root: torch.Tensor, run: Callable[[], Any]) -> Capture:
        """Run a backward pass with hooks on every node below `root`; return what flowed."""
        # Stop walking one past the limit: a graph of 10^6 nodes is refused as fast as one of 5,001.
        nodes = reachable_nodes(root.grad_fn, limit=self.limits.max_graph_nodes + 1)
        if len(nodes) > self.limits.max_graph_nodes:
            raise GradtraceError(
                "limit",
                Message(
                    "the graph has more than {limit} autograd nodes, the limit; draw a smaller part of it",
                    limit=self.limits.max_graph_nodes,
                ),
                self.line,
                code="limit.graph_nodes",
            )
        self._check_drawing_size(nodes)
        self.nodes_drawn += len(nodes)

        leaves = [n.variable for n in nodes if hasattr(n, "variable")]
        self.leaf_namer.at_backward(leaves)  # the names that hold the leaves now
        leaf_values = {id(v): v.detach().clone() for v in leaves}
        read_saved_results(self.seen.node_values, nodes)
        locals_ = local_derivatives(nodes, self.limits.json_value_elements)
        with watching_gradients(root, nodes) as watched:
            flow, leaf_grads = gradients_flowing(nodes, run, self.limits.json_value_elements)
        hooked, size = self.gradient_hooks, len(nodes)
        gradcheck = check_call(
            root, leaves, watched, leaf_grads, self.limits, self.check_clock, hooked=hooked, size=size
        )
        if leaf_grads is None:  # a real backward(): read what PyTorch stored
            leaf_grads = [v.grad for v in leaves]
        self.seen.pinned.extend(leaves)
        return Capture(
            root=root,
            root_node=root.grad_fn,
            grads=flow.grads,
            leaf_values=leaf_values,
            leaf_grads={id(v): _copy(g) for v, g in zip(leaves, leaf_grads, strict=True)},
            flow=flow,
            locals=locals_,
            gradcheck=gradcheck,
        )

    def _check_drawing_size(self, nodes: list[AutogradNode]) -> None:
        edges, segments = drawing_size(nodes)
        limits = self.limits
        smaller = Message("Draw a smaller part of it: fewer steps, or combine fewer earlier tensors per step")
        if edges > limits.max_graph_edges:
            what = Message(
                "the graph has {edges} edges; the limit is {limit}", edges=edges, limit=limits.max_graph_edges
            )
            text = Message("{what}. {smaller}", what=what, smaller=smaller)
            raise GradtraceError("limit", text, self.line, code="limit.graph_edges")
        if segments > limits.max_graph_segments:
            what = Message(
                "the graph's edges cross {segments} levels in all (an edge from a tensor made many steps "
                "earlier counts once per step it skips); the limit is {limit}",
                segments=segments,
                limit=limits.max_graph_segments,
            )
            text = Message("{what}. {smaller}", what=what, smaller=smaller)
            raise GradtraceError("limit", text, self.line, code="limit.graph_segments")

    def capture_without_backward(self) -> Capture | None:
        """For a program that never calls backward(): back-propagate from the last bound tensor
        with a grad_fn through torch.autograd.grad, which leaves every `.grad` untouched."""
        root = self.last_root
        if root is None or root.grad_fn is None:
            return None
        nodes = reachable_nodes(root.grad_fn)
        leaves = [n.variable for n in nodes if hasattr(n, "variable")]
        seed = torch.ones_like(root)

        def run() -> list[torch.Tensor | None]:
            if not leaves:
                return []
            found = torch.autograd.grad(root, leaves, grad_outputs=seed, allow_unused=True, retain_graph=True)
            return list(found)

        with torch.enable_grad():
            capture = self._observe(root, run)
        capture.automatic = True
        return capture
