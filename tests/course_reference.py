"""The reference side of the course corpus: real Python + PyTorch run each program and say what it did.

Usage: python -m tests.course_reference OUT.json PROGRAM.py [PROGRAM.py ...]

As tests/oracle.py does, plus what teaching programs need: each program runs as `__main__` from
seed 0 in torch, `random` and `numpy.random`, with global torch settings restored afterwards, and
matplotlib replaced by a module whose every call does nothing (plots are not compared). Every
backward() and torch.autograd.grad() call the program makes records its grad_fn multiset and, for
each leaf it reaches, the names that held that leaf at that moment (variables of the calling
frames; `model.fc1.weight` for a module's parameter): what a learner expects to read on the leaf.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import runpy
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy
import torch
from torch import nn

from tests.oracle import PRELUDE, named_tensors, op_names, tensor_entry

ADDRESS = re.compile(r" at 0x[0-9a-f]+")


class _SilentModule(types.ModuleType):
    """A stand-in module: every attribute is a function that accepts anything and does nothing."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


@contextlib.contextmanager
def silent_matplotlib() -> Iterator[None]:
    pyplot = _SilentModule("matplotlib.pyplot")
    package = _SilentModule("matplotlib")
    package.pyplot = pyplot  # type: ignore[attr-defined]
    saved = {name: sys.modules.get(name) for name in ("matplotlib", "matplotlib.pyplot")}
    sys.modules.update({"matplotlib": package, "matplotlib.pyplot": pyplot})
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def reset_torch_state() -> None:
    """Undo what a program may have set globally, so the next one starts as gradtrace's run does."""
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float32)
    torch.set_default_device(None)
    torch.set_printoptions(profile="default")  # type: ignore[no-untyped-call]


def seed_everything() -> None:
    torch.manual_seed(0)
    random.seed(0)
    numpy.random.seed(0)


def names_in(scope: dict[str, Any], by_id: dict[int, list[str]]) -> None:
    """Add the tensors (and modules' parameters) a scope binds to `by_id`: id(tensor) -> names."""
    for name, value in list(scope.items()):
        if name.startswith("_") or name in PRELUDE:
            continue
        if isinstance(value, torch.Tensor):
            by_id.setdefault(id(value), []).append(name)
        elif isinstance(value, nn.Module):
            for pname, param in value.named_parameters():
                by_id.setdefault(id(param), []).append(f"{name}.{pname}")


def frame_names(frame: types.FrameType | None, path: str) -> dict[int, list[str]]:
    """id(tensor) -> the names bound to it, from the calling frame up to the program's module frame."""
    by_id: dict[int, list[str]] = {}
    while frame is not None:
        names_in(frame.f_locals, by_id)
        if frame.f_code.co_filename == path and frame.f_code.co_name == "<module>":
            break
        frame = frame.f_back
    return by_id


def leaves_of(root: Any, by_id: dict[int, list[str]]) -> list[tuple[torch.Tensor, list[str]]]:
    """Each leaf below `root` (an AccumulateGrad's variable) with the names holding it."""
    seen, stack, leaves = {root}, [root], []
    while stack:
        node = stack.pop()
        variable = getattr(node, "variable", None)
        if isinstance(variable, torch.Tensor):
            leaves.append((variable, by_id.get(id(variable), [])))
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return leaves


def named_leaves(graphs: list[dict[str, Any]], final: dict[str, Any]) -> None:
    """Each leaf's names: those holding it at its backward() call, or when the program ended
    (`[w, b] = model.parameters()` after training names the leaves `w` and `b` too)."""
    by_id: dict[int, list[str]] = {}
    names_in(final, by_id)
    for graph in graphs:
        graph["leaves"] = [
            {"shape": list(t.shape), "names": sorted({*names, *by_id.get(id(t), [])})} for t, names in graph["leaves"]
        ]


def run_reference(path: str) -> dict[str, Any]:
    """What real PyTorch does with one program, or the error it raised."""
    graphs: list[dict[str, Any]] = []
    backward, grad = torch.Tensor.backward, torch.autograd.grad

    def record(root: Any, caller: types.FrameType | None) -> None:
        # Only the program's own calls: jacobian, gradcheck and the like call grad() inside torch.
        if caller is not None and caller.f_code.co_filename == path and root is not None:
            graphs.append({"ops": op_names(root), "leaves": leaves_of(root, frame_names(caller, path))})

    def recording_backward(self: torch.Tensor, *args: Any, **kwargs: Any) -> None:
        record(self.grad_fn, sys._getframe(1))
        backward(self, *args, **kwargs)  # type: ignore[no-untyped-call]

    def recording_grad(outputs: Any, *args: Any, **kwargs: Any) -> Any:
        roots = [t.grad_fn for t in ([outputs] if isinstance(outputs, torch.Tensor) else outputs)]
        record(next((r for r in roots if r is not None), None), sys._getframe(1))
        return grad(outputs, *args, **kwargs)

    torch.Tensor.backward = recording_backward  # type: ignore[method-assign]
    torch.autograd.grad = recording_grad
    seed_everything()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), silent_matplotlib():
            names = runpy.run_path(path, init_globals=dict(PRELUDE), run_name="__main__")
        variables = {name: tensor_entry(t) for name, t in named_tensors(names)}
        named_leaves(graphs, names)
    except BaseException as exc:  # the corpus must run under real PyTorch: say how it did not
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        torch.Tensor.backward, torch.autograd.grad = backward, grad  # type: ignore[method-assign]
        reset_torch_state()
    return {"stdout": out.getvalue(), "graphs": graphs, "variables": variables}


def main(argv: list[str]) -> int:
    target, *programs = argv
    torch.set_num_threads(1)  # as gradtrace's workers run programs: same summation order in large reductions
    report = {path: run_reference(path) for path in programs}
    with open(target, "w", encoding="utf-8") as fh:
        json.dump(report, fh, allow_nan=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
