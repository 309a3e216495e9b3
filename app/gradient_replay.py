"""The program's forward again, from the recorded ops, in float64, as a function of its leaves.

Each autograd node below the root is made again by the op the recorder saw make it
(app/forward_tape.py), from float64 copies of the leaves and constants; a custom Function's node
by the ops its forward ran. Nothing the program holds is touched: every input is a copy. Perturbing
one leaf element makes again only the nodes that depend on that leaf.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import torch
from torch.func import vmap
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


class NotBatchable(Exception):
    """An op of the replay cannot run batched (torch.func.vmap): perturb one element at a time."""


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
        dependents = self._dependents_of(id(leaf))
        results = []
        try:
            for moved in (down, up):
                flat[index] = moved
                results.append(self._rerun(dependents))
        finally:
            flat[index] = x
        return results[0], results[1], (up - down) / 2

    def perturbed_together(
        self, leaf: torch.Tensor, indices: Sequence[int], step: float
    ) -> Iterator[tuple[float, float, float]]:
        """`perturbed` for each of `indices` in turn, from batched replays: every moved copy of the
        leaf in one torch.func.vmap run of the nodes that depend on it (in chunks that fit
        REPLAY_MAX_ELEMENTS), instead of two runs per element. Raises NotBatchable, before yielding
        anything from a chunk, when an op cannot run batched; OutOfTime past the deadline."""
        key = id(leaf)
        dependents = self._dependents_of(key)
        per_element = 2 * (self.inputs[key].numel() + self._elements_of(dependents))
        chunk = min(len(indices), (REPLAY_MAX_ELEMENTS - self.first_run_held) // max(per_element, 1))
        if chunk < 1:
            raise NotBatchable("one element's replays would not fit in REPLAY_MAX_ELEMENTS")
        for start in range(0, len(indices), chunk):
            part = list(indices[start : start + chunk])
            batch, moves = self._moved_copies(key, part, step, 2 * len(part), 0)
            objectives = self._batched_objectives({key: batch}, dependents).tolist()
            for number, (down, up) in enumerate(moves):
                yield objectives[2 * number], objectives[2 * number + 1], (up - down) / 2

    def perturbed_leaves(
        self, plan: Sequence[tuple[torch.Tensor, Sequence[int]]], step: float
    ) -> list[list[tuple[float, float, float]]]:
        """`perturbed_together` for several leaves (each with its indices) in one batched run: each
        row of the batch moves one element of one leaf, every other leaf as it is. Raises
        NotBatchable when an op cannot run batched or the rows would not fit in REPLAY_MAX_ELEMENTS
        at once (then each leaf goes alone, in chunks); OutOfTime past the deadline."""
        keys = [id(leaf) for leaf, _ in plan]
        hit = {node for key in keys for node in self._dependents_of(key)}
        dependents = [node for node in self.order if node in hit]
        rows = 2 * sum(len(indices) for _, indices in plan)
        per_row = sum(self.inputs[key].numel() for key in keys) + self._elements_of(dependents)
        if rows == 0 or rows * per_row > REPLAY_MAX_ELEMENTS - self.first_run_held:
            raise NotBatchable("the leaves' replays would not fit in REPLAY_MAX_ELEMENTS at once")
        batches: dict[int, torch.Tensor] = {}
        placed: list[tuple[int, list[tuple[float, float]]]] = []  # each leaf's first row and moves
        offset = 0
        for leaf, indices in plan:
            batches[id(leaf)], moves = self._moved_copies(id(leaf), list(indices), step, rows, offset)
            placed.append((offset, moves))
            offset += 2 * len(indices)
        objectives = self._batched_objectives(batches, dependents).tolist()
        return [
            [
                (objectives[first + 2 * n], objectives[first + 2 * n + 1], (up - down) / 2)
                for n, (down, up) in enumerate(moves)
            ]
            for first, moves in placed
        ]

    def _elements_of(self, nodes: list[AutogradNode]) -> int:
        return sum(t.numel() for node in nodes for t in self.values[node].values())

    def _moved_copies(
        self, key: int, part: list[int], step: float, rows: int, first: int
    ) -> tuple[torch.Tensor, list[tuple[float, float]]]:
        """`rows` copies of leaf `key`'s replay input; from row `first` on, two per element of
        `part`: that element moved down, then up (by the same Python float arithmetic as
        `perturbed`, so each copy moves by the same step). Also the (down, up) values."""
        base = self.inputs[key]
        moves = []
        for x in base.reshape(-1)[part].tolist():
            size = step * max(1.0, abs(x))
            moves.append((x - size, x + size))
        batch = base.unsqueeze(0).repeat(rows, *([1] * base.dim()))
        if part:
            moved_rows = torch.arange(first, first + 2 * len(part))
            columns = torch.tensor(part).repeat_interleave(2)
            values = torch.tensor([moved for pair in moves for moved in pair], dtype=base.dtype)
            batch.view(rows, -1)[moved_rows, columns] = values
        return batch, moves

    def _batched_objectives(self, batches: dict[int, torch.Tensor], dependents: list[AutogradNode]) -> torch.Tensor:
        """The objective of each row of the batches (leaf key -> its copies along the first dimension)."""
        bases = {key: self.inputs[key] for key in batches}
        assert self.seed is not None
        seed = self.seed

        def objective(*moved: torch.Tensor) -> torch.Tensor:
            self.inputs.update(zip(batches, moved, strict=True))
            overlay: Overlay = {}
            for node in dependents:
                recorded = recorded_op(node)
                assert recorded is not None
                overlay[node] = self._make(recorded, overlay)
            result = overlay.get(self.root_node, self.values[self.root_node])[self.root_nr]
            return (result * seed).sum()

        try:
            with warnings.catch_warnings():  # vmap's notes on slow paths are not the program's warnings
                warnings.simplefilter("ignore")
                objectives: torch.Tensor = vmap(objective)(*batches.values())
        except OutOfTime:
            raise
        except Exception as exc:  # vmap cannot run some op (.item() in a Function's forward, ...)
            raise NotBatchable(f"{type(exc).__name__}: {exc}") from None
        finally:
            self.inputs.update(bases)
            self.held = self.first_run_held
        return objectives.to(torch.float64)

    def _rerun(self, dependents: list[AutogradNode]) -> float:
        overlay: Overlay = {}
        try:
            for node in dependents:
                recorded = recorded_op(node)
                assert recorded is not None
                overlay[node] = self._make(recorded, overlay)
            outputs = overlay.get(self.root_node, self.values[self.root_node])
            return self._objective(outputs[self.root_nr])
        finally:
            self.held = self.first_run_held  # the overlay dies here

    def _dependents_of(self, leaf_key: int) -> list[AutogradNode]:
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
