"""`np.nditer` over one array, as CS231n's numerical gradient check walks every element:
`it.multi_index`, `it.finished`, `it.iternext()`, `for v in np.nditer(a)` and `with np.nditer(...) as it`.

The iterator is numpy's own (so positions and values are numpy's), made only over an array the
program holds and read only through the attributes listed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .python_errors import python_exception
from .values import HostFunction

FLAGS = frozenset({"multi_index", "c_index", "f_index"})
OP_FLAGS = frozenset({"readonly", "readwrite", "writeonly"})
ORDERS = frozenset({"C", "F", "A", "K"})
ITERATOR_VALUES = frozenset({"multi_index", "index", "finished", "iterindex", "itersize", "shape"})
ITERATOR_METHODS = frozenset({"iternext", "reset"})


def _names(given: Any, offered: frozenset[str], what: str) -> list[str]:
    """A list of flag names, each one gradtrace offers."""
    if given is None:
        return []
    if type(given) not in (list, tuple) or not all(type(flag) is str for flag in given):
        raise GradtraceError(
            "runtime",
            Message("TypeError: np.nditer's {option} takes a list of names", option=what),
            code="runtime.type_error",
        )
    for flag in given:
        if flag not in offered:
            raise GradtraceError(
                "forbidden",
                Message(
                    "np.nditer's {option} `{flag}` is not available here; gradtrace offers {offered}",
                    option=what,
                    flag=flag,
                    offered=", ".join(sorted(offered)),
                ),
                code="forbidden.numpy_nditer",
            )
    return list(given)


def nditer(op: Any, flags: Any = None, op_flags: Any = None, order: Any = "K") -> np.nditer:
    """np.nditer(array, flags=[...], op_flags=[...], order=...) over one numpy array."""
    if type(op) is not np.ndarray:
        raise GradtraceError(
            "forbidden",
            Message("np.nditer takes one numpy array here; make it with np.array(...) first"),
            code="forbidden.numpy_nditer",
        )
    if order not in ORDERS:
        raise GradtraceError(  # numpy's own words
            "runtime",
            python_exception("ValueError", "order must be one of 'C', 'F', 'A', or 'K'"),
            code="runtime.value_error",
        )
    options: dict[str, Any] = {"flags": _names(flags, FLAGS, "flag"), "order": order}
    if op_flags is not None:  # numpy's default (read-only) differs from an empty list (an error)
        options["op_flags"] = _names(op_flags, OP_FLAGS, "op_flag")
    return np.nditer(op, **options)


def read_iterator_attribute(obj: Any, name: str, shown: str, limits: Limits) -> object:
    """`it.name` for the listed values and methods of an nditer."""
    if name in ITERATOR_VALUES:
        return getattr(obj, name)
    if name in ITERATOR_METHODS:
        return HostFunction(shown, getattr(obj, name), policy="builtin")
    offered = ", ".join(sorted(ITERATOR_VALUES | ITERATOR_METHODS))
    raise GradtraceError(
        "forbidden",
        Message("`{name}` is not available here; an np.nditer offers {offered}", name=shown, offered=offered),
        code="forbidden.attribute",
    )


extensions.register_kind("nditer", np.nditer)
extensions.ATTRIBUTES["nditer"] = read_iterator_attribute
extensions.ITERABLE_KINDS.add("nditer")
extensions.CONTEXT_KINDS.add("nditer")  # `with np.nditer(a, op_flags=['readwrite']) as it:`, as numpy's docs write it
