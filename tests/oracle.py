"""The reference answer: run example programs with real Python + PyTorch and dump what they did.

Usage: python -m tests.oracle OUT.json PROGRAM.py [PROGRAM.py ...]
Each program starts from torch.manual_seed(0) with torch, nn, F and math bound (as gradtrace
binds them); every backward() call records the grad_fn class names of its graph.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import runpy
import sys
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

PRELUDE = {"torch": torch, "nn": nn, "F": F, "math": math}


def op_names(root: Any) -> list[str]:
    """Sorted grad_fn class names of every autograd node below `root`."""
    seen = {root}
    stack = [root]
    names = []
    while stack:
        node = stack.pop()
        names.append(type(node).__name__)
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(names)


def tensor_entry(t: torch.Tensor) -> dict[str, Any]:
    grad = t.grad if (t.is_leaf or t.retains_grad) else None
    return {
        "shape": list(t.shape),
        "dtype": str(t.dtype).removeprefix("torch."),
        "requires_grad": t.requires_grad,
        "is_leaf": t.is_leaf,
        "value": t.detach().tolist(),
        "grad": None if grad is None else grad.tolist(),
    }


def readable(t: torch.Tensor) -> bool:
    """False for a view made under no_grad and changed in place: PyTorch refuses to read its grad_fn."""
    try:
        return t.is_leaf in (True, False)
    except RuntimeError:
        return False


def named_tensors(names: dict[str, Any]) -> Iterator[tuple[str, torch.Tensor]]:
    for name, value in names.items():
        if name.startswith("_") or name in PRELUDE:
            continue
        if isinstance(value, torch.Tensor) and readable(value):
            yield name, value
        elif isinstance(value, nn.Module):
            for pname, param in value.named_parameters():
                yield f"{name}.{pname}", param


def run_reference(path: str) -> dict[str, Any]:
    """What real PyTorch does with one program."""
    graphs: list[list[str]] = []
    original = torch.Tensor.backward

    def recording_backward(self: torch.Tensor, *args: Any, **kwargs: Any) -> None:
        if self.grad_fn is not None:
            graphs.append(op_names(self.grad_fn))
        original(self, *args, **kwargs)

    torch.Tensor.backward = recording_backward  # type: ignore[method-assign]
    torch.manual_seed(0)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            names = runpy.run_path(path, init_globals=dict(PRELUDE), run_name="__main__")  # as a script runs
    finally:
        torch.Tensor.backward = original  # type: ignore[method-assign]
        torch.set_grad_enabled(True)
    return {
        "stdout": out.getvalue(),
        "graphs": graphs,
        "variables": {name: tensor_entry(t) for name, t in named_tensors(names)},
    }


def main(argv: list[str]) -> int:
    target, *programs = argv
    report = {path: run_reference(path) for path in programs}
    with open(target, "w", encoding="utf-8") as fh:
        json.dump(report, fh, allow_nan=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
