"""Functions of the program that torch calls back (tensor hooks, autograd.functional's function).

torch never receives a value user code made: it gets a closure that runs the program's function
through the interpreter (steps, call depth and every check apply), and hands back only data.
"""

from __future__ import annotations

from typing import Any, Protocol

import torch
from torch.utils.hooks import RemovableHandle

from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .suggestions import not_available_here
from .values import check_argument, check_result, kind_of

# Values user code may pass where torch expects a function (a def, a lambda, a bound method, print...).
FUNCTION_KINDS = frozenset({"UserFunction", "HostFunction", "BoundMethod", "StaticMethod", "ClassMethod"})


class Caller(Protocol):
    """The interpreter, as far as callbacks need it."""

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        """Call any callable value of the program."""


def host_callable(caller: Caller, value: object, callee: str, node: Any) -> Any:
    """`value` as torch may receive it: a program function wrapped to run in the interpreter;
    plain data checked as for any torch call."""
    if kind_of(value) not in FUNCTION_KINDS:
        check_argument(value, callee, allow_modules=False)
        return value

    def call(*args: Any) -> Any:
        result = caller.call_value(value, list(args), {}, node)
        check_result(result, callee)
        if result is not None and not isinstance(result, torch.Tensor | tuple | list | float | int):
            message = Message("TypeError: the function given to `{name}` must return tensors", name=callee)
            raise GradtraceError("runtime", message, code="runtime.type_error")
        return result

    return call


def _read_handle(obj: RemovableHandle, name: str, shown: str, limits: Any) -> object:
    if name != "remove":
        raise GradtraceError("forbidden", not_available_here(shown), code="forbidden.attribute")
    from .values import HostFunction

    return HostFunction(shown, obj.remove)


extensions.register_kind("handle", RemovableHandle)
extensions.ATTRIBUTES["handle"] = _read_handle
