"""What a refusal of an unknown name adds for a learner: which name they probably meant, and
whether PyTorch has the name at all.

"Does PyTorch have it" is asked of the real torch classes with hasattr and of the real modules
through what they already hold or a submodule's spec, by name only: nothing is called or
imported, and no value reaches the program or the message.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import math
import types
from collections.abc import Iterable

import torch

from ..i18n import Message
from . import allowlist

# How alike an attribute must be to the one written to be offered (difflib's ratio):
# `sigmod` -> `sigmoid` is 0.92, `one` -> `ones` 0.86, `gelu2` -> `gelu` 0.89.
_CLOSE = 0.75

# The real module behind each name the sandbox binds before the program runs.
_ROOT_MODULES: dict[str, types.ModuleType] = {
    "torch": torch,
    "nn": torch.nn,
    "F": torch.nn.functional,
    "optim": torch.optim,
    "math": math,
}

# What each of those offers, for "did you mean".
_ROOT_MEMBERS: dict[str, frozenset[str]] = {
    "torch": allowlist.TORCH_FUNCTIONS
    | allowlist.TORCH_CONSTANTS
    | allowlist.TORCH_CLASSES
    | allowlist.GRAD_MODE_FUNCTIONS
    | {"nn", "optim"},
    "nn": allowlist.NN_CLASSES | {"functional"},
    "F": allowlist.F_FUNCTIONS,
    "optim": allowlist.OPTIM_CLASSES,
    "math": allowlist.MATH_FUNCTIONS | allowlist.MATH_CONSTANTS,
}

# Classes whose attributes a method call on a program's value can reach (`x.sigmod()`).
_VALUE_CLASSES: tuple[type, ...] = (torch.Tensor, torch.nn.Module, torch.optim.Optimizer)
_PYTHON_CLASSES: tuple[type, ...] = (list, tuple, dict, str, set)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `name` (difflib), if one is close enough."""
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=_CLOSE)
    return found[0] if found and found[0] != name else None


def not_available_here(shown: str, why: Message | None = None) -> Message:
    """ "`shown` is not available here", with the reason (`attribute_refusal` & co.) when there is one."""
    if why is None:
        return Message("`{name}` is not available here", name=shown)
    return Message("`{name}` is not available here: {why}", name=shown, why=why)


def attribute_refusal(chain: list[str], offered: Iterable[str]) -> Message:
    """Why `a.b.c` (the last name in `chain` refused) is not available, for `not_available_here`:
    whether PyTorch has it, and the offered name it is closest to."""
    *owner, attr = chain
    exists = _pytorch_has(owner, attr)
    root = owner[0] if len(owner) == 1 else None
    candidates = _ROOT_MEMBERS.get(root, offered) if root is not None else offered
    if exists == "pytorch":
        reason = Message("it exists in PyTorch but gradtrace does not run it")
    elif exists == "python":
        reason = Message("it exists in Python but gradtrace does not run it")
    elif root == "math":
        reason = Message("it does not exist in Python's math")
    else:
        reason = Message("it does not exist in PyTorch")
    return _with_guess(reason, closest(attr, candidates))


def _with_guess(reason: Message, guess: str | None) -> Message:
    return reason if guess is None else Message("{reason}; did you mean `{guess}`?", reason=reason, guess=guess)


def namespace_refusal(module_name: str, attr: str, offered: Iterable[str]) -> Message | None:
    """The same, for `torch.name` found missing at run time (`module_name`: the real module's name);
    None for modules that are not torch's."""
    if module_name.split(".")[0] != "torch":
        return None
    module = _real_module(module_name)
    return _reason(module is not None and _module_member(module, attr) is not None, attr, offered)


# Per kind of value: the real class asked whether PyTorch has a name, and what the sandbox offers.
_KINDS: dict[str, tuple[type, frozenset[str]]] = {
    "tensor": (torch.Tensor, allowlist.TENSOR_ATTRIBUTES | allowlist.TENSOR_METHODS),
    "module": (torch.nn.Module, allowlist.MODULE_ATTRIBUTES | allowlist.MODULE_METHODS),
    "optimizer": (torch.optim.Optimizer, allowlist.OPTIMIZER_METHODS),
}


def value_refusal(kind: str | None, attr: str) -> Message | None:
    """The same, for an attribute of a program's value refused at run time (`x.storage`); None for
    kinds of values that are not torch's."""
    if kind not in _KINDS:
        return None
    owner, offered = _KINDS[kind]
    return _reason(hasattr(owner, attr), attr, offered)


def _reason(exists: bool, attr: str, offered: Iterable[str]) -> Message:
    if exists:
        reason = Message("it exists in PyTorch but gradtrace does not run it")
    else:
        reason = Message("it does not exist in PyTorch")
    return _with_guess(reason, closest(attr, offered))


def _module_member(module: types.ModuleType, name: str) -> object:
    """`module.name` without importing anything: what the module holds already, or True for a
    submodule that exists but is not imported (`torch.onnx`); None when there is neither."""
    found = vars(module).get(name)
    if found is not None:
        return found
    try:
        spec = importlib.util.find_spec(f"{module.__name__}.{name}")
    except (ImportError, ValueError):  # `module` is no package, or the name is no module name
        return None
    return True if spec is not None else None


def _real_module(name: str) -> types.ModuleType | None:
    parts = name.split(".")
    found: object = _ROOT_MODULES.get(parts[0]) if parts[0] in ("torch", "math") else None
    for part in parts[1:]:
        found = _module_member(found, part) if isinstance(found, types.ModuleType) else None
    return found if isinstance(found, types.ModuleType) else None


def _pytorch_has(owner: list[str], attr: str) -> str | None:
    """ "pytorch" when the real object behind `owner` has `attr`, "python" when a Python container
    does, None otherwise. A chain that starts at a program's variable asks torch's value classes."""
    root = _ROOT_MODULES.get(owner[0])
    if root is None:
        if any(hasattr(cls, attr) for cls in _VALUE_CLASSES):
            return "pytorch"
        return "python" if any(hasattr(cls, attr) for cls in _PYTHON_CLASSES) else None
    found: object = root
    for part in owner[1:]:
        if not isinstance(found, types.ModuleType):
            return None
        found = _module_member(found, part)
    if found is True:  # a submodule not imported: its names are unknown, and it is not offered
        return "pytorch"
    has = _module_member(found, attr) is not None if isinstance(found, types.ModuleType) else hasattr(found, attr)
    if isinstance(found, types.ModuleType | type) and has:
        return "python" if found is math else "pytorch"
    return None


def assigned_names(tree: ast.Module) -> set[str]:
    """Names the program binds: assignment and loop targets, defs, classes, parameters, imports."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return names


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, char_b in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char_a != char_b))
    return row[-1]


def misspelt_name(free: str, known: Iterable[str]) -> str | None:
    """The known name a free name is probably a typo of: one or two edits away, and fewer edits
    than the free name has characters (`yy` -> `y`, but never `x` -> `y`)."""
    limit = min(2, len(free) - 1)
    best: tuple[int, str] | None = None
    for name in sorted(set(known)):
        if name == free or abs(len(name) - len(free)) > limit:
            continue
        distance = edit_distance(free, name)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, name)
    return best[1] if best else None


def called_only(tree: ast.Module, free_names: Iterable[str]) -> set[str]:
    """Free names the program only ever calls (`prnt(x)`): an input tensor could never be called,
    so they stay unbound and fail as Python fails, with NameError on their line."""
    reads = dict.fromkeys(free_names, 0)
    calls = dict.fromkeys(reads, 0)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in reads:
            reads[node.id] += 1  # the name of each call is read too
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in calls:
            calls[node.func.id] += 1
    return {name for name, count in calls.items() if count and count == reads[name]}


def called_name_guess(name: str, tree: ast.Module) -> str | None:
    """The name Python 3.12 offers after a NameError (`. Did you mean: 'print'?`), also offering torch's
    functions (`sigmod(x)` -> `torch.sigmoid`); None when nothing is close."""
    guess = misspelt_name(name, assigned_names(tree)) if len(name) > 1 else None
    if guess is None:
        guess = next((b for b in sorted(allowlist.BUILTINS) if edit_distance(name, b) == 1 and len(name) > 2), None)
    if guess is None:
        close = closest(name, allowlist.TORCH_FUNCTIONS)
        guess = f"torch.{close}" if close is not None else None
    return guess


def typo_names(tree: ast.Module, free_names: Iterable[str]) -> dict[str, str]:
    """Free name -> the assigned name it is probably a typo of, or, for a name of four letters or
    more one edit away, the builtin (`prnt` -> `print`; short input names such as `inp` are common)."""
    assigned = assigned_names(tree)
    builtins = allowlist.BUILTINS | allowlist.PREBOUND_NAMESPACES
    found: dict[str, str] = {}
    for free in free_names:
        guess = misspelt_name(free, assigned)
        if guess is None and len(free) >= 4:
            guess = next((b for b in sorted(builtins) if edit_distance(free, b) == 1), None)
        if guess is not None:
            found[free] = guess
    return found
