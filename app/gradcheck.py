"""A numeric gradient check: autograd's gradient at each leaf against central finite differences.

The forward is replayed from the recorded ops (app/forward_tape.py) in float64 on copies of the
leaves, never by running user code again: nothing the program prints, appends or draws at random
happens twice, and no tensor of the program changes. Where the replay cannot stand for the program
(an op it did not see, an in-place change, randomness, a replay that does not give the program's
own value) every leaf says "not checked" and why: never a ✗ it cannot prove.

Errors are measured against the largest gradient element of the leaf (or, for gradients below the
finite differences' own noise, that noise), so a leaf's tiny elements are not judged by float32
rounding. At a kink (relu at 0, a tie in max) the one-sided differences differ: any value between
them is a valid (sub)gradient.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import torch

from .batched_replay import Differences, NotBatchable, perturbed_leaves, perturbed_together
from .config import Limits
from .forward_tape import AutogradNode
from .gradient_replay import NotCheckable, OutOfTime, Replay
from .graph.model import LeafCheck
from .i18n import Message, Text

STEP = 1e-6  # finite-difference step, relative to the element's size past 1
# Agreement asked of autograd's gradient, relative to the leaf's largest gradient element, by the
# dtype autograd computed in: float32's own rounding in a deep graph reaches ~1e-4.
RELATIVE_TOLERANCE = {torch.float64: 1e-6, torch.float32: 1e-2}
LOW_PRECISION_TOLERANCE = 1e-1  # float16, bfloat16
NOISE_ULPS = 100  # float64 rounding of one replay, in units of the objective's size
EPS64 = torch.finfo(torch.float64).eps
KINK = 0.1  # one-sided slopes that differ by more than this share: the element sits on a kink
# A leaf whose true gradient is about 0 (a bias before batch norm) gets autograd's rounding of the
# graph's larger gradients: errors are measured against at least this share of the largest
# gradient element of any leaf in the call, so that rounding is no ✗.
GRAPH_SCALE_SHARE = 0.01


@dataclass
class WatchedGradients:
    """What flowed in one backward call where the check needs it whole: the root's seed and the
    gradient reaching each leaf's AccumulateGrad (its share of this call, not the accumulated .grad)."""

    seed: torch.Tensor | None = None
    leaf_grads: dict[int, torch.Tensor] = field(default_factory=dict)


@contextmanager
def watching_gradients(root: torch.Tensor, nodes: list[AutogradNode]) -> Iterator[WatchedGradients]:
    """Hooks on the root's node and the leaves' AccumulateGrad nodes for the block (a backward
    call); removed after it, so the program is unchanged."""
    watched = WatchedGradients()
    output_nr = root.output_nr

    def seed(grads: tuple[torch.Tensor | None, ...]) -> None:
        flowed = grads[output_nr] if output_nr < len(grads) else None
        if flowed is not None:
            watched.seed = flowed.detach().clone()

    def leaf(key: int, grads: tuple[torch.Tensor | None, ...]) -> None:
        if grads and grads[0] is not None:
            watched.leaf_grads[key] = grads[0].detach().clone()

    root_node: AutogradNode = root.grad_fn
    handles = [root_node.register_prehook(seed)]
    handles += [n.register_prehook(partial(leaf, id(n.variable))) for n in nodes if hasattr(n, "variable")]
    try:
        yield watched
    finally:
        for handle in handles:
            handle.remove()


class CheckClock:
    """The time the checks of one run may take together (Limits.gradcheck_seconds)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    @contextmanager
    def running(self) -> Iterator[float]:
        """Yield a deadline (time.monotonic) for one check; charge the time it took."""
        start = time.monotonic()
        try:
            yield start + self.left
        finally:
            self.left -= time.monotonic() - start


def tolerance(dtype: torch.dtype) -> float:
    """The relative error accepted for gradients autograd computed in `dtype`."""
    return RELATIVE_TOLERANCE.get(dtype, LOW_PRECISION_TOLERANCE)


def check_gradients(
    root: torch.Tensor,
    leaves: list[torch.Tensor],
    autograd_grads: dict[int, torch.Tensor | None],
    seed: torch.Tensor | None,
    *,
    elements: int,
    clock: CheckClock,
) -> dict[int, LeafCheck]:
    """Check each leaf's gradient (id(leaf) -> LeafCheck). `autograd_grads`: what autograd gave each
    leaf in this call; `seed`: the gradient the call started from at `root`; at most `elements`
    elements per leaf (a seeded sample of larger leaves)."""
    if clock.left <= 0:
        return unchecked(leaves, Message("not checked: the gradient check's time limit was used up by earlier graphs"))
    rng_state = torch.get_rng_state()
    try:
        with clock.running() as deadline, torch.no_grad(), torch._C.DisableTorchFunction():
            Replay(root, leaves, deadline, widen=False).require_reproduces(root)
            replay = Replay(root, leaves, deadline)
            start = replay.objective(_seed(root, seed))
            floor = GRAPH_SCALE_SHARE * _largest_gradient(autograd_grads.values())
            together = _all_differences(replay, leaves, elements)
            return {
                id(leaf): _check_leaf(
                    replay, leaf, autograd_grads.get(id(leaf)), start, elements, deadline, floor, together.get(id(leaf))
                )
                for leaf in leaves
            }
    except NotCheckable as reason:
        return unchecked(leaves, Message("not checked: {why}", why=_reason(reason)))
    except (RuntimeError, TypeError, ValueError, IndexError) as exc:  # the check must never fail a program
        error = f"{type(exc).__name__}: {exc}"
        return unchecked(leaves, Message("not checked: the check itself failed ({error})", error=error))
    finally:
        torch.set_rng_state(rng_state)  # the replay draws nothing; this keeps it so whatever happens


def _reason(exc: NotCheckable) -> Text:
    """The reason a NotCheckable carries (a Message; plain text when raised with a str)."""
    reason = exc.args[0] if exc.args else ""
    return reason if isinstance(reason, Message | str) else str(reason)


def _largest_gradient(grads: Iterable[torch.Tensor | None]) -> float:
    """The largest gradient element any leaf of the graph got in this call."""
    sizes = [float(g.detach().abs().max()) for g in grads if g is not None and g.numel() and not g.is_complex()]
    finite = [size for size in sizes if math.isfinite(size)]
    return max(finite, default=0.0)


def _seed(root: torch.Tensor, seed: torch.Tensor | None) -> torch.Tensor:
    if seed is None:
        raise NotCheckable(Message("no gradient reached the root in this call"))
    if seed.is_complex() or root.is_complex():
        raise NotCheckable(Message("complex tensors are not checked"))
    return seed.detach().to(torch.float64)


def _sampled(numel: int, elements: int, salt: int) -> list[int]:
    """Every index of a small leaf; a seeded sample of a larger one (the same on every run)."""
    if numel <= elements:
        return list(range(numel))
    return sorted(random.Random(salt).sample(range(numel), elements))


def _check_leaf(
    replay: Replay,
    leaf: torch.Tensor,
    got: torch.Tensor | None,
    start: float,
    elements: int,
    deadline: float,
    floor: float = 0.0,
    together: Differences | None = None,
) -> LeafCheck:
    numel = leaf.numel()
    if leaf.is_complex():
        why = Message("not checked: {why}", why=Message("complex tensors are not checked"))
        return LeafCheck(None, None, 0, numel, None, why)
    if numel == 0:
        return LeafCheck(0.0, 0.0, 0, 0, True, Message("an empty tensor: nothing to check"))
    autograd = torch.zeros(numel, dtype=torch.float64) if got is None else got.detach().reshape(-1).double()
    indices = _sampled(numel, elements, numel)
    worst = scale = noise = 0.0
    checked = 0
    for index, below, above, step in _differences(replay, leaf, indices, deadline, together):
        value = float(autograd[index])
        if not all(math.isfinite(v) for v in (value, below, above)):  # no derivative to compare with
            why = Message(
                "not checked: autograd's gradient or the function is not finite at element {index}", index=index
            )
            return LeafCheck(None, None, checked, numel, None, why)
        element_noise = NOISE_ULPS * EPS64 * max(abs(start), abs(above), abs(below)) / step
        worst = max(worst, _element_error(value, below, start, above, step, element_noise))
        scale = max(scale, abs(value), abs((above - below) / (2 * step)))
        noise = max(noise, element_noise)
        checked += 1
    if checked == 0:
        return LeafCheck(None, None, 0, numel, None, Message("not checked: the gradient check's time limit ran out"))
    rtol = tolerance(leaf.dtype)
    relative = worst / max(scale, floor, noise / rtol, 1e-300)
    note: Message | None = None if checked == len(indices) else Message("the time limit ran out part-way")
    if len(indices) < numel and note is not None:
        note = Message(
            "a seeded sample of {count} of its {total} elements; the time limit ran out part-way",
            count=len(indices),
            total=numel,
        )
    elif len(indices) < numel:
        note = Message("a seeded sample of {count} of its {total} elements", count=len(indices), total=numel)
    return LeafCheck(worst, relative, checked, numel, relative <= rtol, note)


def _all_differences(replay: Replay, leaves: list[torch.Tensor], elements: int) -> dict[int, Differences]:
    """Every real, non-empty leaf's differences (id(leaf) -> them) from one batched replay of the
    whole graph, or none when it cannot run at once (each leaf then goes alone)."""
    plan = [
        (leaf, _sampled(leaf.numel(), elements, leaf.numel()))
        for leaf in leaves
        if not leaf.is_complex() and leaf.numel() > 0
    ]
    try:
        found = perturbed_leaves(replay, plan, STEP)
    except (NotBatchable, OutOfTime):
        return {}
    return {id(leaf): differences for (leaf, _), differences in zip(plan, found, strict=True)}


def _differences(
    replay: Replay, leaf: torch.Tensor, indices: list[int], deadline: float, together: Differences | None = None
) -> Iterator[tuple[int, float, float, float]]:
    """(index, below, above, step) for each element in `indices` order, until the deadline: as
    `together` has them (all leaves' batched replay), else from this leaf's batched replays where
    every op can run batched, else (from where that stopped) one element at a time."""
    if together is not None:
        for index, (below, above, step) in zip(indices, together, strict=True):
            yield index, below, above, step
        return
    done = 0
    try:
        for below, above, step in perturbed_together(replay, leaf, indices, STEP):
            yield indices[done], below, above, step
            done += 1
    except OutOfTime:
        return
    except NotBatchable:
        pass  # the one-at-a-time replays below give the same differences, or the reason they cannot
    for index in indices[done:]:
        if time.monotonic() > deadline:
            return
        try:
            below, above, step = replay.perturbed(leaf, index, STEP)
        except OutOfTime:
            return
        yield index, below, above, step


def check_call(
    root: torch.Tensor,
    leaves: list[torch.Tensor],
    watched: WatchedGradients,
    returned: list[torch.Tensor | None] | None,
    limits: Limits,
    clock: CheckClock,
    *,
    hooked: bool = False,
    size: int = 0,
) -> dict[int, LeafCheck]:
    """The check of one drawn backward call. `returned`: what torch.autograd.grad gave each leaf
    (None for a backward() call, whose leaf gradients the hooks saw flow into AccumulateGrad);
    `hooked`: the program registered gradient hooks, which may change what autograd computes;
    `size`: the graph's autograd nodes."""
    if limits.gradcheck_seconds <= 0:
        return unchecked(leaves, Message("not checked: the gradient check is off (gradcheck_seconds=0)"))
    if size > limits.gradcheck_max_nodes:
        why = Message(
            "not checked: the graph has {size} autograd nodes; the check runs on graphs of up to {limit} "
            "(gradcheck_max_nodes)",
            size=size,
            limit=limits.gradcheck_max_nodes,
        )
        return unchecked(leaves, why)
    if hooked:
        hooks = Message(
            "not checked: the program registered gradient hooks (register_hook), which may change gradients"
        )
        return unchecked(leaves, hooks)
    if returned is None:
        grads: dict[int, torch.Tensor | None] = dict(watched.leaf_grads)
    else:
        grads = {id(leaf): got for leaf, got in zip(leaves, returned, strict=True)}
    return check_gradients(root, leaves, grads, watched.seed, elements=limits.gradcheck_elements, clock=clock)


def unchecked(leaves: list[torch.Tensor], why: Text) -> dict[int, LeafCheck]:
    """Every leaf not checked, for the reason `why` ("not checked: ...")."""
    return {id(leaf): LeafCheck(None, None, 0, leaf.numel(), None, why) for leaf in leaves}


def overruled(checks: dict[int, LeafCheck], why: Text, keys: set[int] | None = None) -> dict[int, LeafCheck]:
    """`checks` (those of `keys` only, when given) replaced by "not checked: why", for leaves the
    call gave no gradient to compare with."""
    return {
        key: LeafCheck(None, None, 0, check.elements, None, why)
        for key, check in checks.items()
        if keys is None or key in keys
    }


def _element_error(value: float, below: float, start: float, above: float, step: float, noise: float) -> float:
    """How far autograd's `value` is from the central difference; at a kink (the one-sided slopes
    disagree), how far it is outside the range between them, where every subgradient lies."""
    left, right = (start - below) / step, (above - start) / step
    central = (above - below) / (2 * step)
    if abs(right - left) > KINK * max(abs(left), abs(right)) + 2 * noise:
        return max(min(left, right) - value, value - max(left, right), 0.0)
    return abs(value - central)
