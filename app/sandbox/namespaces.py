"""The opaque torch, nn, F, math and optim namespaces, built from the allowlist."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as functional
from torch import nn

from . import allowlist
from .values import GradMode, HostFunction, Namespace


def _no_grad() -> GradMode:
    return GradMode("no_grad", False)


def _enable_grad() -> GradMode:
    return GradMode("enable_grad", True)


def _set_grad_enabled(mode: bool) -> GradMode:
    # Like PyTorch: the switch happens at the call, so a plain call works and `with` restores.
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(bool(mode))
    return GradMode("set_grad_enabled", bool(mode), previous)


def _manual_seed(seed: int) -> None:
    # PyTorch returns the Generator object; user code gets None instead (a Generator is not data).
    # The CPU generator, as torch.manual_seed seeds it, without queueing CUDA/XPU seeds with a stack
    # trace each (~0.3 ms a call): programs run on the CPU.
    torch.default_generator.manual_seed(int(seed))


_GRAD_MODES: dict[str, Any] = {
    "no_grad": _no_grad,
    "enable_grad": _enable_grad,
    "set_grad_enabled": _set_grad_enabled,
}


def _functions(prefix: str, owner: object, names: frozenset[str], sized: dict[str, str]) -> dict[str, object]:
    return {
        name: HostFunction(f"{prefix}.{name}", getattr(owner, name), sized=sized.get(name)) for name in sorted(names)
    }


def _classes(prefix: str, owner: object, names: frozenset[str], sized: dict[str, str]) -> dict[str, object]:
    return {
        name: HostFunction(f"{prefix}.{name}", getattr(owner, name), cls=getattr(owner, name), sized=sized.get(name))
        for name in sorted(names)
    }


def build_namespaces() -> dict[str, Namespace]:
    """Fresh namespaces for one run: torch, nn, F, math and optim (keyed by their usual names)."""
    f_members = _functions("torch.nn.functional", functional, allowlist.F_FUNCTIONS, allowlist.SIZED_F)
    f_ns = Namespace("torch.nn.functional", f_members)
    nn_members = _classes("torch.nn", nn, allowlist.NN_CLASSES, allowlist.SIZED_NN)
    nn_members["functional"] = f_ns
    nn_ns = Namespace("torch.nn", nn_members)
    optim_ns = Namespace("torch.optim", _classes("torch.optim", torch.optim, allowlist.OPTIM_CLASSES, {}))
    torch_members = _functions("torch", torch, allowlist.TORCH_FUNCTIONS, allowlist.SIZED_TORCH)
    torch_members.update(_classes("torch", torch, allowlist.TORCH_CLASSES, allowlist.SIZED_TORCH))
    torch_members.update({name: getattr(torch, name) for name in allowlist.TORCH_CONSTANTS})
    torch_members.update({name: HostFunction(f"torch.{name}", fn) for name, fn in _GRAD_MODES.items()})
    torch_members.update({"nn": nn_ns, "optim": optim_ns})
    torch_members["manual_seed"] = HostFunction("torch.manual_seed", _manual_seed)
    torch_ns = Namespace("torch", torch_members)
    math_members: dict[str, object] = {
        name: HostFunction(f"math.{name}", getattr(math, name), policy="math")
        for name in sorted(allowlist.MATH_FUNCTIONS)
    }
    math_members.update({name: getattr(math, name) for name in allowlist.MATH_CONSTANTS})
    math_ns = Namespace("math", math_members)
    return {"torch": torch_ns, "nn": nn_ns, "F": f_ns, "math": math_ns, "optim": optim_ns}


# What each importable module name refers to, as a key of build_namespaces().
MODULE_KEYS: dict[str, str] = {
    "torch": "torch",
    "torch.nn": "nn",
    "torch.nn.functional": "F",
    "torch.optim": "optim",
    "math": "math",
}
