"""The program's forward again, from the recorded ops, in float64, as a function of its leaves.

Each autograd node below the root is made again by the op the recorder saw make it
(app/forward_tape.py), from float64 copies of the leaves and constants; a custom Function's node
by the ops its forward ran. Nothing the program holds is touched: every input is a copy. Perturbing
one leaf element makes again only the nodes that depend on that leaf.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import torch
from torch.utils._pytree import tree_flatten

from .forward_tape import (
    AutogradNode,
    FromNode,
    FromTensor,
    FunctionForward,
    Inner,
    InPlace,
    Op,
    Ref,
    map_tensors,
    recorded_op,
)
from .i18n import Message, Text

Outputs = dict[int, torch.Tensor]  # a node's outputs by output_nr
Overlay = dict[AutogradNode, Outputs]

# Ops that draw random numbers: replayed, they would draw others (or change the program's stream).
RANDOM_OPS = frozenset({
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "feature_dropout", "native_dropout", "rrelu", "rrelu_", "gumbel_softmax", "bernoulli", "normal",
    "poisson", "multinomial",
})  # fmt: skip
# Casts that would round the replay back to low precision: replayed as float64.
_LOW_PRECISION_CASTS = frozenset({"float", "half", "bfloat16"})


class NotCheckable(Exception):
    """Why the replay cannot stand for the program: every leaf of the graph says so."""


class OutOfTime(NotCheckable):
    """The check's deadline passed."""


def _op_name(op: Op | None, unknown: Text = "") -> Text:
    """An op as a reason names it (`` `mul` on line 3 ``); `unknown` when there is no op."""
    if op is None:
        return unknown
    name = getattr(op.func, "__name__", None) or type(op.func).__name__
    if op.line is None:
        return f"`{name}`"
    return Message("`{op}` on line {line}", op=name, line=op.line)


def _float64(tensor: torch.Tensor) -> torch.Tensor:
    """A copy of `tensor` in float64 (complex128 for complex, its own dtype for integers)."""
    t = tensor.detach()
    if t.is_complex():
        return t.to(torch.complex128, copy=True)
    if t.is_floating_point():
        return t.to(torch.float64, copy=True)
    return t.clone()


def _same_dtype(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().clone()


def _wide_dtype(value: Any) -> Any:
    if isinstance(value, torch.dtype) and value.is_floating_point:
        return torch.float64
    return value


# Elements the replay's tensors may hold (its first run keeps every node's value; a re-run adds at
# most as many again): 80 MB of float64. PyTorch frees what a chain no longer needs; the replay
# keeps it all, so a large graph would hold many times what the program held and pass the worker's
# memory cap. Past it the check says "not checked".
REPLAY_MAX_ELEMENTS = 10_000_000


class Replay:
    """The forward below `root` in float64, run once at construction; `perturbed` runs it again
    with one leaf element moved."""

    def __init__(self, root: torch.Tensor, leaves: list[torch.Tensor], deadline: float, *, widen: bool = True) -> None:
        self.deadline = deadline
        self.widen = widen  # False: in the program's own dtypes, to see that the replay gives its result
        self.copy = _float64 if widen else _same_dtype
        self.leaves = {id(leaf): leaf for leaf in leaves}
        self.inputs = {id(leaf): self.copy(leaf).contiguous() for leaf in leaves}
        self.constants: dict[int, torch.Tensor] = {}
        self.values: dict[AutogradNode, Outputs] = {}
        self.order: list[AutogradNode] = []  # nodes in the order they were made again
        self.root_node, self.root_nr = root.grad_fn, root.output_nr
        self.seed: torch.Tensor | None = None
        self._dependents: dict[int, list[AutogradNode]] = {}
        self.held = sum(t.numel() for t in self.inputs.values())  # elements made by replays, see REPLAY_MAX_ELEMENTS
        self._make_all()
        self.first_run_held = self.held

    # -- the first run ------------------------------------------------------------------------------
    def _make_all(self) -> None:
        stack = [self.root_node]
        steps = 0
        while stack:
            steps += 1
            if steps > 1_000_000:
                raise NotCheckable(Message("the recorded ops do not form a graph"))
            node = stack[-1]
            if node in self.values:
                stack.pop()
                continue
            recorded = recorded_op(node)
            if recorded is None:
                raise NotCheckable(
                    Message(
                        "`{node}` was made where gradtrace did not record how (outside its view, "
                        "or while more autograd nodes were alive than the check takes: gradcheck_max_nodes)",
                        node=type(node).__name__,
                    )
                )
            pending = [n for n in _input_nodes(recorded) if n not in self.values]
            if pending:
                stack.extend(pending)
                continue
            self.values[node] = self._make(recorded, {})
            self.order.append(node)
            stack.pop()

    def require_reproduces(self, root: torch.Tensor) -> None:
        """A replay in the program's own dtypes must give the program's own result (the same ops on
        the same numbers), else the recorded ops do not describe the program."""
        replayed = self.values[self.root_node].get(self.root_nr)
        if replayed is None or replayed.shape != root.shape or replayed.dtype != root.dtype:
            raise NotCheckable(Message("the replayed forward does not give the result's shape"))
        expected = root.detach()
        if not bool(torch.isfinite(expected).all()):
            raise NotCheckable(Message("the result is not finite"))
        scale = float(expected.abs().max()) if expected.numel() else 0.0
        if not torch.allclose(replayed, expected, rtol=1e-4, atol=1e-6 * max(1.0, scale)):
            raise NotCheckable(Message("replaying the recorded ops does not give the program's result"))

    # -- the objective -------------------------------------------------------------------------------
    def objective(self, seed: torch.Tensor) -> float:
        """sum(root * seed): its gradient is what backward() computed from `seed`."""
        if seed.shape != self.values[self.root_node][self.root_nr].shape:
            raise NotCheckable(Message("the gradient that started the call does not have the result's shape"))
        self.seed = seed
        return self._objective(self.values[self.root_node][self.root_nr])

    def _objective(self, result: torch.Tensor) -> float:
        assert self.seed is not None
        return float((result * self.seed).sum())

    def perturbed(self, leaf: torch.Tensor, index: int, step: float) -> tuple[float, float, float]:
        """The objective with element `index` of `leaf` moved down and up by about `step` (times
        its size past 1), and the step taken: (below, above, step)."""
        flat = self.inputs[id(leaf)].view(-1)
        x = float(flat[index])
        down, up = x - step * max(1.0, abs(x)), x + step * max(1.0, abs(x))
        dependents = self.dependents_of(id(leaf))
        results = []
        try:
            for moved in (down, up):
                flat[index] = moved
                results.append(self._rerun(dependents))
        finally:
            flat[index] = x
        return results[0], results[1], (up - down) / 2

    def replayed_objective(self, dependents: list[AutogradNode]) -> torch.Tensor:
        """The objective as a tensor, `dependents` made again from the inputs as they are now (a
        batched replay's moved copies: app/batched_replay.py); values held for it are let go after."""
        assert self.seed is not None
        overlay: Overlay = {}
        try:
            for node in dependents:
                recorded = recorded_op(node)
                assert recorded is not None
                overlay[node] = self._make(recorded, overlay)
            result = overlay.get(self.root_node, self.values[self.root_node])[self.root_nr]
            return (result * self.seed).sum()
        finally:
            self.held = self.first_run_held

    def _rerun(self, dependents: list[AutogradNode]) -> float:
        return float(self.replayed_objective(dependents))

    def dependents_of(self, leaf_key: int) -> list[AutogradNode]:
        """The nodes whose value depends on the leaf, in the order they are made."""
        found = self._dependents.get(leaf_key)
        if found is None:
            hit: set[AutogradNode] = set()
            for node in self.order:
                recorded = recorded_op(node)
                assert recorded is not None
                if any(_reads(ref, leaf_key, hit) for ref in _references(recorded)):
                    hit.add(node)
            found = self._dependents[leaf_key] = [n for n in self.order if n in hit]
        return found

    # -- making one node again -----------------------------------------------------------------------
    def _make(self, recorded: tuple[Op, dict[int, int]] | FunctionForward, overlay: Overlay) -> Outputs:
        if time.monotonic() > self.deadline:
            raise OutOfTime(Message("the gradient check's time limit ran out"))
        if isinstance(recorded, FunctionForward):
            return self._make_function(recorded, overlay)
        op, positions = recorded
        flat = _flat_tensors(self._call(op, lambda ref: self._resolve(ref, op, overlay, None)))
        try:
            return {output_nr: flat[index] for output_nr, index in positions.items()}
        except IndexError:
            raise NotCheckable(Message("{op} made other outputs when replayed", op=_op_name(op))) from None

    def _make_function(self, forward: FunctionForward, overlay: Overlay) -> Outputs:
        """A custom Function's node: the ops its forward ran, on the replayed inputs."""
        env: dict[int, torch.Tensor] = {}
        for key, ref in forward.inputs:
            value = self._resolve(ref, None, overlay, None)
            env[key] = value.clone() if isinstance(value, torch.Tensor) else value
        for inner in forward.ops:
            if time.monotonic() > self.deadline:  # a forward may run many ops: the deadline holds inside it too
                raise OutOfTime(Message("the gradient check's time limit ran out"))
            made = _flat_tensors(self._call(inner.op, partial(self._resolve, op=inner.op, overlay=overlay, env=env)))
            if len(made) != len(inner.made):
                raise NotCheckable(Message("{op} made other outputs when replayed", op=_op_name(inner.op)))
            env.update(zip(inner.made, made, strict=True))
        try:
            return {output_nr: env[key] for output_nr, key in enumerate(forward.outputs)}
        except KeyError:
            raise NotCheckable(
                Message("a custom Function's forward returned a tensor gradtrace did not see made")
            ) from None

    def _call(self, op: Op, resolve: Callable[[Ref], torch.Tensor]) -> Any:
        name = getattr(op.func, "__name__", "")
        if name in RANDOM_OPS:
            raise NotCheckable(Message("{op} draws random numbers: a replay would draw others", op=_op_name(op)))
        func, (args, kwargs) = op.func, map_tensors(op.args, op.kwargs, resolve)
        if self.widen:
            if name in _LOW_PRECISION_CASTS and _is_tensor_method(op.func):
                func = torch.Tensor.double
            args = tuple(_wide_dtype(a) for a in args)
            kwargs = {k: _wide_dtype(v) for k, v in kwargs.items()}
        try:
            result = func(*args, **kwargs)
        except NotImplementedError as exc:  # a nested Function (forward_tape) or an op torch lacks
            why = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)  # ours, or torch's words
            raise NotCheckable(Message("{op} cannot be replayed: {error}", op=_op_name(op), error=why)) from None
        except (RuntimeError, TypeError, ValueError, IndexError) as exc:
            raise NotCheckable(
                Message("{op} could not be replayed in float64: {error}", op=_op_name(op), error=str(exc))
            ) from None
        made = _flat_tensors(result)
        if self.widen and _narrows(args, kwargs, made):
            # A cast the replay cannot widen (`x.type("torch.HalfTensor")`): its finite differences
            # would drown in that precision's rounding and give a false ✗.
            raise NotCheckable(Message("{op} keeps a lower precision even when replayed in float64", op=_op_name(op)))
        self.held += sum(t.numel() for t in made)
        if self.held > REPLAY_MAX_ELEMENTS:
            raise NotCheckable(
                Message(
                    "replaying the graph would hold more than {limit} elements at once",
                    limit=f"{REPLAY_MAX_ELEMENTS:,}",
                )
            )
        return result

    def _resolve(self, ref: Ref, op: Op | None, overlay: Overlay, env: dict[int, torch.Tensor] | None) -> torch.Tensor:
        if isinstance(ref, FromNode):
            outputs = overlay.get(ref.node)
            if outputs is None:
                outputs = self.values.get(ref.node)
            if outputs is None or ref.output_nr not in outputs:
                # Babel does not extract a Message nested in a call inside another Message: name it first.
                function = Message("a custom Function")
                raise NotCheckable(Message("an input of {op} was not recorded", op=_op_name(op, function)))
            return outputs[ref.output_nr]
        if isinstance(ref, Inner):
            assert env is not None
            return env[ref.key]
        if isinstance(ref, InPlace):
            raise NotCheckable(Message("{op} changes a tensor in place", op=_op_name(op, Message("an op"))))
        assert isinstance(ref, FromTensor)
        tensor = ref.tensor
        if tensor is None:
            raise NotCheckable(
                Message("a large constant read by {op} was freed by the program", op=_op_name(op, Message("an op")))
            )
        if tensor._version != ref.version:
            reader = _op_name(op, Message("an op"))
            if ref.is_leaf:
                raise NotCheckable(Message("a leaf read by {op} was changed in place afterwards", op=reader))
            raise NotCheckable(Message("a tensor read by {op} was changed in place afterwards", op=reader))
        key = id(tensor)
        if key in self.inputs:
            return self.inputs[key]
        if env is not None:  # a Function's forward may change its constants in place: a copy each time
            return self.copy(tensor)
        found = self.constants.get(key)
        if found is None:
            found = self.constants[key] = self.copy(tensor)
        return found


def _is_tensor_method(func: Any) -> bool:
    return getattr(torch.Tensor, getattr(func, "__name__", ""), None) is func


def _narrows(args: tuple[Any, ...], kwargs: dict[str, Any], made: list[torch.Tensor]) -> bool:
    """An op that turned a float64 input into a lower-precision float output (factories such as
    `torch.zeros(3)` in a Function's forward make float32 from no input: they do not narrow)."""
    if not any(t.is_floating_point() and t.dtype != torch.float64 for t in made):
        return False
    inputs = _flat_tensors((args, kwargs))
    return any(t.dtype == torch.float64 for t in inputs)


def _flat_tensors(out: Any) -> list[torch.Tensor]:
    """An op's tensor outputs in the order the recorder flattened them."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, tuple | list | dict):
        return [leaf for leaf in tree_flatten(out)[0] if isinstance(leaf, torch.Tensor)]
    return []


def _references(recorded: tuple[Op, dict[int, int]] | FunctionForward) -> list[Ref]:
    if isinstance(recorded, FunctionForward):
        return [ref for _, ref in recorded.inputs]
    op = recorded[0]
    found: list[Ref] = []
    map_tensors(op.args, op.kwargs, found.append)
    return found


def _input_nodes(recorded: tuple[Op, dict[int, int]] | FunctionForward) -> list[AutogradNode]:
    return [ref.node for ref in _references(recorded) if isinstance(ref, FromNode)]


def _reads(ref: Ref, leaf_key: int, dependent: set[AutogradNode]) -> bool:
    if isinstance(ref, FromNode):
        return ref.node in dependent
    return isinstance(ref, FromTensor) and id(ref.tensor) == leaf_key
