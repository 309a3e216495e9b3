"""`x.__module__` and `module.__name__` as real Python reads them: strings, and nothing else of the
object. d2l compares `scheduler.__module__ == lr_scheduler.__name__` to tell torch's schedulers
from the program's own.

What the program defined (classes, their instances, functions) comes from `__main__`, as in a
script; torch's values answer their class's own `__module__`; a value whose real class answers
nothing (a list, an int, an exception) fails with Python's AttributeError.
"""

from __future__ import annotations

import sys

from ..errors import GradtraceError
from ..i18n import Message
from .imports import UnofferedModule
from .objects import BoundMethod, SandboxException, UserClass, is_user_instance
from .python_errors import python_exception
from .user_operators import type_name
from .values import GradModeFunction, HostFunction, Namespace, UserFunction, kind_of

ORIGIN_NAMES = frozenset({"__module__", "__name__"})
# Kinds of torch value whose class's `__module__` is read (a string of the class's own dict).
_TORCH_KINDS = frozenset({"tensor", "module", "optimizer", "scheduler", "generator", "dtype"})
# Where the classes whose `__module__` is answered come from (type(print) is the sandbox's own).
_LIBRARY_TOPS = frozenset({"torch", "numpy", "builtins", "collections"})
_PROGRAM_TYPES = (UserClass, UserFunction, BoundMethod, GradModeFunction)


def module_of(value: object, shown: str) -> str:
    """`value.__module__`: the module that defined it (or its class), or Python's AttributeError."""
    if isinstance(value, _PROGRAM_TYPES) or is_user_instance(value):
        return "__main__"
    if isinstance(value, HostFunction):
        cls = value.cls
        # Only a token that is its class (`nn.Linear`, `int`), not a function standing in for one.
        named_as_is = isinstance(cls, type) and value.name.rsplit(".", 1)[-1] == cls.__name__
        if named_as_is and cls.__module__.split(".")[0] in _LIBRARY_TOPS:  # never gradtrace's own
            return cls.__module__
        raise GradtraceError(
            "forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute"
        )
    if kind_of(value) in _TORCH_KINDS:
        for klass in type(value).__mro__:
            found = vars(klass).get("__module__")
            if isinstance(found, str):
                return found
    if isinstance(value, Namespace):
        raise GradtraceError(
            "runtime",
            python_exception("AttributeError", f"module '{value.name}' has no attribute '__module__'"),
            code="runtime.attribute_error",
        )
    if kind_of(value) in ("plain", "container", "ndarray", "size", "device") or isinstance(value, SandboxException):
        raise GradtraceError(
            "runtime",
            python_exception("AttributeError", f"'{type_name(value)}' object has no attribute '__module__'"),
            code="runtime.attribute_error",
        )
    raise GradtraceError("forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute")


def module_name(value: Namespace, shown: str) -> str:
    """`module.__name__` of an offered module (`lr_scheduler.__name__` is 'torch.optim.lr_scheduler')."""
    if isinstance(value, UnofferedModule):
        value.member("__name__", shown)  # refuses, saying what gradtrace offers instead
    if isinstance(sys.modules.get(value.name), type(sys)):
        return value.name
    raise GradtraceError("forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute")
