"""The kinds of value user code may hold, and the checks at the border with torch and Python."""

from __future__ import annotations

import ast
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ..errors import GradtraceError
from ..i18n import Message
from . import allowlist, extensions
from .autograd_function import FunctionContext, is_function_node
from .objects import (
    BoundMethod,
    ClassMethod,
    GeneratedList,
    Property,
    SandboxException,
    SandboxIterator,
    StaticMethod,
    SuperProxy,
    UserClass,
    UserInstance,
)
from .suggestions import namespace_refusal, not_available_here
from .user_modules import ModuleTable, SandboxModule

_PLAIN_TYPES: tuple[type, ...] = (bool, int, float, complex, str, slice, range, type(None), type(Ellipsis))
_MODULE_TYPES: frozenset[type] = frozenset(getattr(nn, name) for name in allowlist.NN_CLASSES) - {nn.Parameter}
_OPTIMIZER_TYPES: frozenset[type] = frozenset(getattr(torch.optim, name) for name in allowlist.OPTIM_CLASSES)
_TENSOR_TYPES: frozenset[type] = frozenset({torch.Tensor, nn.Parameter})


class Namespace:
    """An opaque stand-in for torch, nn, F, math or optim: only its listed members exist."""

    def __init__(self, name: str, members: dict[str, object]) -> None:
        self.name = name
        self.members = members

    def member(self, name: str, shown: str) -> object:
        """`self.name`, or the error that says it is not available (modules offered in part say more)."""
        if name not in self.members:
            why = namespace_refusal(self.name, name, self.members)
            raise GradtraceError("forbidden", not_available_here(shown, why), code="forbidden.attribute")
        return self.members[name]

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


@dataclass
class HostFunction:
    """A torch function, class, bound method or builtin that user code may call.

    It has no __call__ on purpose: only the interpreter calls `fn`, after checking arguments,
    so torch can never call back into an object user code made.
    """

    name: str
    fn: Callable[..., Any]
    cls: type | tuple[type, ...] | None = None  # what isinstance(x, <this>) tests, when it is a class
    sized: str | None = None  # size estimator key (guards.py), checked before calling
    policy: str = "torch"  # torch: plain-data args; builtin: any value; math: numbers only
    listing: bool = False  # result is a generator: hand out a list

    def __repr__(self) -> str:
        if isinstance(self.cls, type):
            module = "" if self.cls.__module__ == "builtins" else f"{self.cls.__module__}."
            return f"<class '{module}{self.cls.__qualname__}'>"
        return f"<built-in function {self.name.rsplit('.', 1)[-1]}>"


@dataclass
class Scope:
    """Variables of one scope; `local_names` is None for the global scope."""

    values: dict[str, object]
    local_names: frozenset[str] | None
    parent: Scope | None
    is_class: bool = False  # a class body: functions defined in it do not see its names


@dataclass
class UserFunction:
    """A function defined by the program; only the interpreter can run it."""

    node: ast.FunctionDef  # a lambda is held as the FunctionDef `def <lambda>(...): return body`
    defaults: list[object]
    scope: Scope
    local_names: frozenset[str] = field(default_factory=frozenset)
    owner: UserClass | None = None  # the class whose body defined it (for zero-argument super())
    kw_defaults: dict[str, object] = field(default_factory=dict)  # keyword-only parameters' defaults
    generator: bool = False  # its body yields: a call runs it to the end and returns what it yielded

    def __repr__(self) -> str:
        return f"<function {self.node.name}>"


class GradMode:
    """torch.no_grad()/enable_grad()/set_grad_enabled(b), run by the interpreter so state is restored."""

    def __init__(self, name: str, enabled: bool, previous: bool | None = None) -> None:
        self.name = name
        self.enabled = enabled
        self.previous = previous  # set_grad_enabled switched already, at creation, like PyTorch's

    def enter(self) -> None:
        """Switch grad mode, remembering the mode to restore."""
        if self.previous is None:
            self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(self.enabled)

    def exit(self) -> None:
        """Restore the mode from before."""
        if self.previous is not None:
            torch.set_grad_enabled(self.previous)

    def __repr__(self) -> str:
        return f"<torch.{self.name} object>"


@dataclass(eq=False)
class GradModeFunction:
    """A function decorated with `@torch.no_grad()` (or enable_grad/set_grad_enabled(b))."""

    mode: GradMode
    function: object

    def __repr__(self) -> str:
        return repr(self.function)


def is_tensor(value: object) -> bool:
    """True for torch.Tensor and nn.Parameter (the only tensor types user code sees)."""
    return type(value) in _TENSOR_TYPES


# Objects the interpreter made; each kind is handled by name where it may go.
_SANDBOX_TYPES: frozenset[type] = frozenset(
    {
        Namespace,
        HostFunction,
        UserFunction,
        GradMode,
        GradModeFunction,
        UserClass,
        UserInstance,
        BoundMethod,
        StaticMethod,
        ClassMethod,
        Property,
        SuperProxy,
        SandboxException,
        SandboxIterator,
        FunctionContext,
    }
)

# kind_of() depends on the type alone and runs several times per operation: remember the kinds
# found (only those: a refused type is not worth keeping alive).
_KNOWN_KINDS: dict[type, str] = {}


def kind_of(value: object) -> str | None:
    """Classify a value user code may hold; None means it must not reach user code."""
    t = type(value)
    kind = _KNOWN_KINDS.get(t)
    if kind is None:
        kind = _kind_of_type(value, t)
        if kind is not None:
            _KNOWN_KINDS[t] = kind
    return kind


def _kind_of_type(value: object, t: type) -> str | None:
    kind: str | None = None
    if isinstance(value, _PLAIN_TYPES) and t in _PLAIN_TYPES:
        kind = "plain"
    elif t in _TENSOR_TYPES:
        kind = "tensor"
    elif t is torch.Size:
        kind = "size"
    elif t in (list, tuple, dict, set, OrderedDict, defaultdict, Counter, GeneratedList, ModuleTable):
        kind = "container"
    elif t is torch.dtype:
        kind = "dtype"
    elif t is torch.device:
        kind = "device"
    elif t.__module__ == "torch.return_types":
        kind = "return_types"
    elif isinstance(value, torch.autograd.graph.Node) and (t.__module__ == "builtins" or is_function_node(t)):
        kind = "grad_fn"
    elif t in _MODULE_TYPES or t is SandboxModule:
        kind = "module"
    elif t in _OPTIMIZER_TYPES:
        kind = "optimizer"
    elif t in _SANDBOX_TYPES:
        kind = t.__name__
    elif t in extensions.KINDS:  # values of offered modules (numpy subset, random, ...)
        kind = extensions.KINDS[t]
    return kind


def check_result(value: object, source: str, budget: list[int] | None = None) -> object:
    """Refuse any value from a call that is not one of the kinds user code may hold."""
    budget = budget if budget is not None else [1_000_000]
    kind = kind_of(value)
    if kind is None:
        refusal = Message(
            "`{name}` returned a {kind}, which gradtrace does not handle", name=source, kind=type(value).__name__
        )
        raise GradtraceError("forbidden", refusal, code="forbidden.result")
    if kind in ("container", "return_types"):
        items: Any = value.items() if isinstance(value, dict) else value
        for item in items:
            budget[0] -= 1
            if budget[0] < 0:
                break  # huge results are bounded elsewhere; their elements were checked already
            parts = item if isinstance(value, dict) else (item,)
            for part in parts:
                if not isinstance(part, _PLAIN_TYPES) or type(part) not in _PLAIN_TYPES:
                    check_result(part, source, budget)
    return value


_ARGUMENT_KINDS = frozenset(
    {"plain", "tensor", "size", "dtype", "device", "container", "return_types", "ndarray", "generator"}
)


def check_argument(value: object, callee: str, allow_modules: bool, seen: int = 0) -> None:
    """Refuse anything but plain data as an argument to torch (no functions, namespaces, ...)."""
    kind = kind_of(value)
    if kind == "module" and allow_modules:
        return
    if kind not in _ARGUMENT_KINDS:
        shown = repr(value) if kind in ("UserFunction", "Namespace", "HostFunction") else type(value).__name__
        refusal = Message("`{name}` cannot be given {value}; pass tensors, numbers or lists", name=callee, value=shown)
        raise GradtraceError("forbidden", refusal, code="forbidden.argument")
    if kind in ("container", "return_types") and seen < 10_000:
        items: Any = list(value.values()) if isinstance(value, dict) else value
        for item in items:
            if not isinstance(item, (int, float)):
                check_argument(item, callee, allow_modules, seen + 1)


def text_size(value: object, budget: int) -> int:
    """An upper estimate of len(str(value)), stopping once it passes `budget` (shared lists!)."""
    total = 0
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif type(item) in (list, tuple, set, dict, OrderedDict, defaultdict, Counter):
            seq: Any = item
            total += 2 + 2 * len(seq)
            stack.extend(seq.items() if isinstance(seq, dict) else seq)
        elif type(item) in _TENSOR_TYPES:
            tensor: Any = item
            total += 80 + 12 * min(tensor.numel(), 1000)  # torch summarises past 1000 elements
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 2
        else:
            total += 40
        if total > budget:
            break
    return total
