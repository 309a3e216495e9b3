"""Where offered modules (numpy subset, random, plotting, data loading) plug their values in.

The core (values.py, members.py, expressions.py) knows tensors, containers and namespaces; a
module offered in part registers here the kinds of value it hands out, how their attributes are
read and how operators on them are checked, so the core needs no knowledge of each module.
Registration happens when the offering module is imported, before any program runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..config import Limits

# type -> kind name: values of these exact types may reach user code.
KINDS: dict[type, str] = {}

# kind -> reader(obj, name, shown, limits): the attribute value, or a GradtraceError raised.
AttributeReader = Callable[[Any, str, str, Limits], object]
ATTRIBUTES: dict[str, AttributeReader] = {}

# Tensor methods read through an offered module: name -> reader(tensor, shown).
TENSOR_METHODS: dict[str, Callable[[Any, str], object]] = {}

# Kinds whose values are iterated by `for` and indexed by `[...]` (containers of data).
ITERABLE_KINDS: set[str] = set()
INDEXABLE_KINDS: set[str] = set()
ITEM_ASSIGNABLE_KINDS: set[str] = set()
# Kinds whose values are their own context managers in `with` (an np.nditer closes on exit).
CONTEXT_KINDS: set[str] = set()


class OwnContext:
    """`with value as name:` for a value of a CONTEXT_KINDS kind: its own __enter__/__exit__ run."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def enter(self) -> None:
        """Enter the value's own context."""
        self.value.__enter__()

    def exit(self) -> None:
        """Leave it (an np.nditer writes back and closes)."""
        self.value.__exit__(None, None, None)


# Checks run before `left op right` when either side is of a registered kind (sizes first).
OperationCheck = Callable[[Callable[[Any, Any], Any], Any, Any, Limits], None]
OPERATION_CHECKS: dict[str, OperationCheck] = {}


# kind -> watcher(value, limits): told of every value of that kind a call or operator hands out
# (numpy arrays count against the live-element limit).
ResultWatcher = Callable[[Any, Limits], None]
RESULT_WATCHERS: dict[str, ResultWatcher] = {}


def register_kind(kind: str, *types: type) -> None:
    """Let values of `types` reach user code as `kind`."""
    for t in types:
        KINDS[t] = kind


def operation_check(left: Any, right: Any) -> OperationCheck | None:
    """The registered check for an operator on these operands, if either is of a registered kind."""
    for value in (left, right):
        kind = KINDS.get(type(value))
        if kind is not None and kind in OPERATION_CHECKS:
            return OPERATION_CHECKS[kind]
    return None
