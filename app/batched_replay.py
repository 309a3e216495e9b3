"""The gradient check's finite differences from batched replays: every moved copy of a leaf (or of
all leaves) in one torch.func.vmap run of the replay (app/gradient_replay.py), instead of two runs
per element. The same float64 ops on the same numbers: the differences agree with one-at-a-time
replays up to the rounding of a reduction's order. Ops vmap cannot run batched (aten::lstm, .item()
in a Function's forward) raise NotBatchable, and the check goes one element at a time.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import torch
from torch.func import vmap

from .forward_tape import AutogradNode
from .gradient_replay import REPLAY_MAX_ELEMENTS, OutOfTime, Replay

Differences = list[tuple[float, float, float]]  # (below, above, step) of each element, as Replay.perturbed


class NotBatchable(Exception):
    """An op of the replay cannot run batched (torch.func.vmap): perturb one element at a time."""


def perturbed_together(
    replay: Replay, leaf: torch.Tensor, indices: Sequence[int], step: float
) -> Iterator[tuple[float, float, float]]:
    """`replay.perturbed` for each of `indices` in turn, from batched replays of the nodes that
    depend on the leaf, in chunks that fit REPLAY_MAX_ELEMENTS. Raises NotBatchable, before yielding
    anything from a chunk, when an op cannot run batched; OutOfTime past the deadline."""
    key = id(leaf)
    dependents = replay.dependents_of(key)
    per_element = 2 * (replay.inputs[key].numel() + _elements_of(replay, dependents))
    chunk = min(len(indices), (REPLAY_MAX_ELEMENTS - replay.first_run_held) // max(per_element, 1))
    if chunk < 1:
        raise NotBatchable("one element's replays would not fit in REPLAY_MAX_ELEMENTS")
    for start in range(0, len(indices), chunk):
        part = list(indices[start : start + chunk])
        batch, moves = _moved_copies(replay, key, part, step, 2 * len(part), 0)
        objectives = _batched_objectives(replay, {key: batch}, dependents).tolist()
        for number, (down, up) in enumerate(moves):
            yield objectives[2 * number], objectives[2 * number + 1], (up - down) / 2


def perturbed_leaves(
    replay: Replay, plan: Sequence[tuple[torch.Tensor, Sequence[int]]], step: float
) -> list[Differences]:
    """`perturbed_together` for several leaves (each with its indices) in one batched run: each row
    of the batch moves one element of one leaf, every other leaf as it is. Raises NotBatchable when
    an op cannot run batched or the rows would not fit in REPLAY_MAX_ELEMENTS at once (then each
    leaf goes alone, in chunks); OutOfTime past the deadline."""
    keys = [id(leaf) for leaf, _ in plan]
    hit = {node for key in keys for node in replay.dependents_of(key)}
    dependents = [node for node in replay.order if node in hit]
    rows = 2 * sum(len(indices) for _, indices in plan)
    per_row = sum(replay.inputs[key].numel() for key in keys) + _elements_of(replay, dependents)
    if rows == 0 or rows * per_row > REPLAY_MAX_ELEMENTS - replay.first_run_held:
        raise NotBatchable("the leaves' replays would not fit in REPLAY_MAX_ELEMENTS at once")
    batches: dict[int, torch.Tensor] = {}
    placed: list[tuple[int, list[tuple[float, float]]]] = []  # each leaf's first row and moves
    offset = 0
    for leaf, indices in plan:
        batches[id(leaf)], moves = _moved_copies(replay, id(leaf), list(indices), step, rows, offset)
        placed.append((offset, moves))
        offset += 2 * len(indices)
    objectives = _batched_objectives(replay, batches, dependents).tolist()
    return [
        [
            (objectives[first + 2 * n], objectives[first + 2 * n + 1], (up - down) / 2)
            for n, (down, up) in enumerate(moves)
        ]
        for first, moves in placed
    ]


def _elements_of(replay: Replay, nodes: list[AutogradNode]) -> int:
    return sum(t.numel() for node in nodes for t in replay.values[node].values())


def _moved_copies(
    replay: Replay, key: int, part: list[int], step: float, rows: int, first: int
) -> tuple[torch.Tensor, list[tuple[float, float]]]:
    """`rows` copies of leaf `key`'s replay input; from row `first` on, two per element of `part`:
    that element moved down, then up (by the same Python float arithmetic as Replay.perturbed, so
    each copy moves by the same step). Also the (down, up) values."""
    base = replay.inputs[key]
    if rows * base.numel() <= SMALL_BATCH:
        return _small_moved_copies(base, part, step, rows, first)
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


# A batch of up to this many elements is built as Python numbers in one torch.tensor call: cheaper
# than the four small torch calls of repeating and indexing (a tutorial's leaf, an MLP's weights).
SMALL_BATCH = 4096


def _small_moved_copies(
    base: torch.Tensor, part: list[int], step: float, rows: int, first: int
) -> tuple[torch.Tensor, list[tuple[float, float]]]:
    """_moved_copies for a small batch: the same numbers, built from Python lists."""
    flat = base.reshape(-1).tolist()
    moves = []
    for x in (flat[index] for index in part):
        size = step * max(1.0, abs(x))
        moves.append((x - size, x + size))
    copies = [flat] * rows
    for number, (index, pair) in enumerate(zip(part, moves, strict=True)):
        for side, moved in enumerate(pair):
            row = flat.copy()
            row[index] = moved
            copies[first + 2 * number + side] = row
    return torch.tensor(copies, dtype=base.dtype).view(rows, *base.shape), moves


def _batched_objectives(
    replay: Replay, batches: dict[int, torch.Tensor], dependents: list[AutogradNode]
) -> torch.Tensor:
    """The objective of each row of the batches (leaf key -> its copies along the first dimension)."""
    bases = {key: replay.inputs[key] for key in batches}

    def objective(*moved: torch.Tensor) -> torch.Tensor:
        replay.inputs.update(zip(batches, moved, strict=True))
        return replay.replayed_objective(dependents)

    try:
        with warnings.catch_warnings():  # vmap's notes on slow paths are not the program's warnings
            warnings.simplefilter("ignore")
            objectives: torch.Tensor = vmap(objective)(*batches.values())
    except OutOfTime:
        raise
    except Exception as exc:  # vmap cannot run some op (.item() in a Function's forward, ...)
        raise NotBatchable(f"{type(exc).__name__}: {exc}") from None
    finally:
        replay.inputs.update(bases)
    return objectives.to(torch.float64)
