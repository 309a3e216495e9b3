"""The forward pass as data: which op made each autograd node, from what, so it can be replayed.

The numeric gradient check (app/gradcheck.py) needs the program's forward as a function of its
leaves, without running user code again (prints, appends and random draws must happen once). So
the recorder writes, for every op whose output has a grad_fn, the op and its arguments into that
node's metadata (it dies with the node). Tensor arguments are kept as references: to the autograd
node that made them (never the intermediate tensor itself, whose memory the program may free), or
to the leaf or constant tensor with its version counter, which tells later whether it was changed
in place after the op read it.

A custom autograd.Function's forward runs with grad off, so its ops make no nodes: while it runs,
every op it calls is written to a list of its own, kept on the Function's node (its ctx).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import torch

from .i18n import Message

AutogradNode = Any
FORWARD_KEY = "gradtrace_forward"  # a node's metadata key: (Op, {output_nr: flat output index})
FUNCTION_ATTRIBUTE = "gradtrace_function_forward"  # a custom Function's ctx attribute: FunctionForward


class FromNode:
    """A tensor argument that an earlier op made: output `output_nr` of `node`."""

    __slots__ = ("node", "output_nr")

    def __init__(self, node: AutogradNode, output_nr: int) -> None:
        self.node = node
        self.output_nr = output_nr


# Constants larger than this are held weakly: the tape must not keep alive (and count against
# max_live_elements) what PyTorch frees, `y = y + torch.ones(2_000_000)` in a loop. A freed one makes
# the replay answer "not checked"; small constants (`x + torch.tensor([1.0, 2.0])`) stay checkable.
HELD_CONSTANT_ELEMENTS = 100_000


class FromTensor:
    """A leaf (requires_grad, no grad_fn) or a constant argument, and its version when read."""

    __slots__ = ("_held", "is_leaf", "version")

    def __init__(self, tensor: torch.Tensor, is_leaf: bool) -> None:
        weak = not is_leaf and tensor.numel() > HELD_CONSTANT_ELEMENTS
        self._held: torch.Tensor | weakref.ref[torch.Tensor] = weakref.ref(tensor) if weak else tensor
        self.is_leaf = is_leaf
        self.version = tensor._version

    @property
    def tensor(self) -> torch.Tensor | None:
        """The tensor, or None when it was a large constant the program has freed since."""
        held = self._held
        return held() if isinstance(held, weakref.ref) else held


class InPlace:
    """An argument the op itself changed (`y.add_(1)`): its value before the op is not known."""

    __slots__ = ()


IN_PLACE = InPlace()


class Inner:
    """Inside a Function's forward: a tensor the forward got as input or made, by id()."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key


Ref = FromNode | FromTensor | InPlace | Inner  # for annotations; isinstance checks use _REFS


class Op(NamedTuple):
    """One op call with its tensor arguments as references (a NamedTuple: one is made per op)."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    line: int | None


@dataclass(frozen=True, slots=True)
class InnerOp:
    """One op inside a Function's forward, and the ids of the tensors it made (flattened)."""

    op: Op
    made: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FunctionForward:
    """What a custom Function's forward did: its inputs (by id, with what each one was outside),
    its ops in order, and the ids of the tensors it returned."""

    inputs: tuple[tuple[int, Ref], ...]
    ops: tuple[InnerOp, ...]
    outputs: tuple[int, ...]


_REFS = (FromNode, FromTensor, InPlace, Inner)
_MAPPED = (torch.Tensor, *_REFS)


def map_tensors(args: tuple[Any, ...], kwargs: dict[str, Any], convert: Callable[[Any], Any]) -> tuple[Any, Any]:
    """`args` and `kwargs` with `convert` applied to each tensor or Ref, at the top level and one
    level inside lists and tuples (cat, stack, einsum): where op arguments hold tensors. Runs on
    every recorded op: plain loops, no generators."""
    mapped = []
    for value in args:
        if isinstance(value, _MAPPED):
            mapped.append(convert(value))
        elif type(value) is list or type(value) is tuple:
            mapped.append(_map_sequence(value, convert))
        else:
            mapped.append(value)
    if not kwargs:
        return tuple(mapped), kwargs
    mapped_kwargs = {}
    for key, value in kwargs.items():
        if isinstance(value, _MAPPED):
            mapped_kwargs[key] = convert(value)
        elif type(value) is list or type(value) is tuple:
            mapped_kwargs[key] = _map_sequence(value, convert)
        else:
            mapped_kwargs[key] = value
    return tuple(mapped), mapped_kwargs


def _map_sequence(values: list[Any] | tuple[Any, ...], convert: Callable[[Any], Any]) -> Any:
    for value in values:
        if isinstance(value, _MAPPED):
            return type(values)(convert(v) if isinstance(v, _MAPPED) else v for v in values)
    return values


def reference(tensor: torch.Tensor, made_node: AutogradNode = None) -> Ref:
    """How an argument will be found again at replay."""
    node = tensor.grad_fn
    if node is None:
        return FromTensor(tensor, tensor.requires_grad)
    if node is made_node:
        return IN_PLACE
    return FromNode(node, tensor.output_nr)


_ONLY_OUTPUT: dict[int, int] = {0: 0}  # where a one-output op's node finds its output (never changed)

# The op list of the custom Function forward now running, if any.
_FUNCTION_OPS: ContextVar[list[InnerOp] | None] = ContextVar("gradtrace_function_ops", default=None)
_INNER_IDS: ContextVar[set[int] | None] = ContextVar("gradtrace_inner_ids", default=None)


def record_op(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], made: list[torch.Tensor], line: int | None
) -> None:
    """Write down an op that made `made` (its tensor outputs, flattened): on each new autograd node
    among them, and in the op list of a Function forward that is running."""
    inner = _FUNCTION_OPS.get()
    if inner is not None:
        _record_inner(inner, func, args, kwargs, made, line)
    op: Op | None = None
    for index, tensor in enumerate(made):
        node: AutogradNode = tensor.grad_fn
        if node is None:
            continue
        metadata: dict[str, Any] = node.metadata
        found = metadata.get(FORWARD_KEY)
        if found is None:
            if op is None:
                op = Op(func, _referenced_args(args, node), _referenced_kwargs(kwargs, node), line)
            # An op's one output is its node's output 0 (a wrong guess only makes the replay say "not checked").
            metadata[FORWARD_KEY] = (op, _ONLY_OUTPUT if len(made) == 1 else {tensor.output_nr: index})
        elif found[0] is op:  # another output of the same node (unbind, split into one node)
            found[1].setdefault(tensor.output_nr, index)


def _referenced_args(args: tuple[Any, ...], node: AutogradNode) -> tuple[Any, ...]:
    # map_tensors(args, {}, reference) unrolled: this runs once per op that makes a node.
    refs: list[Any] = []
    for value in args:
        if isinstance(value, torch.Tensor):
            made_by = value.grad_fn
            if made_by is None:
                refs.append(FromTensor(value, value.requires_grad))
            else:
                refs.append(IN_PLACE if made_by is node else FromNode(made_by, value.output_nr))
        elif type(value) is list or type(value) is tuple:
            refs.append(_map_sequence(value, partial(reference, made_node=node)))
        else:
            refs.append(value)
    return tuple(refs)


def _referenced_kwargs(kwargs: dict[str, Any], node: AutogradNode) -> dict[str, Any]:
    if not kwargs:
        return kwargs
    return map_tensors((), kwargs, partial(reference, made_node=node))[1]  # type: ignore[no-any-return]


def _record_inner(
    inner: list[InnerOp],
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    made: list[torch.Tensor],
    line: int | None,
) -> None:
    known = _INNER_IDS.get()
    assert known is not None

    def convert(tensor: torch.Tensor) -> Ref:
        return Inner(id(tensor)) if id(tensor) in known else FromTensor(tensor, False)

    ref_args, ref_kwargs = map_tensors(args, kwargs, convert)
    made_ids = tuple(id(t) for t in made)
    known.update(made_ids)
    inner.append(InnerOp(Op(func, ref_args, ref_kwargs, line), made_ids))


@contextmanager
def function_forward_tape(ctx: Any, inputs: tuple[Any, ...]) -> Iterator[Callable[[Any], None]]:
    """Record a custom Function's forward: the block runs it, then calls the yielded function with
    what it returned; the record lands on `ctx` (the Function's node)."""
    ops: list[InnerOp] = []
    refs = tuple((id(t), reference(t)) for t in inputs if isinstance(t, torch.Tensor))
    ops_token = _FUNCTION_OPS.set(ops)
    ids_token = _INNER_IDS.set({key for key, _ in refs})

    def finish(returned: Any) -> None:
        flat = returned if isinstance(returned, tuple) else (returned,)
        outputs = tuple(id(t) for t in flat if isinstance(t, torch.Tensor))
        setattr(ctx, FUNCTION_ATTRIBUTE, FunctionForward(refs, tuple(ops), outputs))

    try:
        yield finish
    finally:
        _INNER_IDS.reset(ids_token)
        _FUNCTION_OPS.reset(ops_token)
    outer = _FUNCTION_OPS.get()
    if outer is not None:
        # A Function called inside another's forward: its outputs are made by no op the outer list
        # holds. Mark them, so a replay of the outer forward says so instead of taking them as constants.
        outer_ids = _INNER_IDS.get()
        record = getattr(ctx, FUNCTION_ATTRIBUTE, None)
        made = record.outputs if isinstance(record, FunctionForward) else ()
        if outer_ids is not None:
            outer_ids.update(made)
        outer.append(InnerOp(Op(_nested_function, (), {}, None), made))


# Reads of a tensor's value into Python (`.item()`, `float(t)`, `if t > 0:`): inside a Function's
# forward the number they give is fixed in the record, so a replay that moves the inputs would
# keep it and compute something the program does not (a false ✗).
_VALUE_READS = frozenset({"item", "tolist", "__float__", "__int__", "__bool__", "__index__", "__complex__"})


def note_value_read(func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Mark the running Function forward (if any) as not replayable when `func` read the value of
    a tensor that depends on the forward's inputs into Python."""
    inner, known = _FUNCTION_OPS.get(), _INNER_IDS.get()
    if inner is None or known is None or getattr(func, "__name__", "") not in _VALUE_READS:
        return
    if any(isinstance(a, torch.Tensor) and id(a) in known for a in args):
        inner.append(InnerOp(Op(_value_read_into_python, (), {}, None), ()))


def _value_read_into_python() -> None:
    """Stands for a value read into Python inside a custom Function's forward: not replayed."""
    raise NotImplementedError(
        Message("a custom Function's forward reads a tensor's value into Python (.item(), float(), if)")
    )


def _nested_function() -> None:
    """Stands for a Function called inside another Function's forward: not replayed."""
    raise NotImplementedError(Message("a custom Function called inside another custom Function's forward"))


def recorded_op(node: AutogradNode) -> tuple[Op, dict[int, int]] | FunctionForward | None:
    """What made `node`: an op and where each of its outputs sits in the op's flattened outputs,
    a custom Function's forward, or None when the recorder did not see it made."""
    function = getattr(node, FUNCTION_ATTRIBUTE, None)
    if isinstance(function, FunctionForward):
        return function
    found: tuple[Op, dict[int, int]] | None = node.metadata.get(FORWARD_KEY)
    return found
