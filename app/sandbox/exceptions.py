"""`try`/`except`/`else`/`finally` and `raise` with Python's built-in exception types.

Only runtime errors are catchable: a limit, a timeout or a refusal ends the program whatever
it wraps them in. The exception a handler sees is a SandboxException (a built-in type and its
plain arguments) or an instance of the program's own exception class; never a real exception
object with its traceback.
"""

from __future__ import annotations

import ast
import builtins as py
from collections.abc import Callable
from typing import Any

from ..errors import GradtraceError
from .objects import SandboxException, UserClass, class_of, is_user_instance
from .python_errors import python_exception, type_error
from .values import HostFunction, Scope

MAX_ARGUMENT_CHARS = 500  # exception arguments can echo user data
_PLAIN_ARGUMENTS = (str, int, float, bool, type(None))


def builtin_exception_class(cls: type[BaseException]) -> type[BaseException]:
    """The nearest built-in ancestor (torch.OutOfMemoryError -> RuntimeError): what handlers match."""
    for ancestor in cls.__mro__:
        if ancestor.__module__ == "builtins" and issubclass(ancestor, Exception):
            return ancestor
    return RuntimeError


def exception_value(exc: BaseException, text: str) -> SandboxException:
    """The value `except ... as e` binds for a Python/torch exception: its type and plain args."""
    args: tuple[object, ...] = exc.args
    if not all(type(a) in _PLAIN_ARGUMENTS for a in args):
        args = (text,)
    args = tuple(a[:MAX_ARGUMENT_CHARS] + " ..." if type(a) is str and len(a) > MAX_ARGUMENT_CHARS else a for a in args)
    return SandboxException(builtin_exception_class(type(exc)), args)


def caught_value(err: GradtraceError) -> object:
    """The exception value of a runtime error (made from its message when no value is attached)."""
    value = getattr(err, "sandbox_exception", None)
    if value is not None:
        return value
    name, _, text = err.message.partition(": ")
    cls = getattr(py, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return SandboxException(cls, (text,) if text else ())
    return SandboxException(RuntimeError, (err.message,))


def _handler_classes(kinds: object) -> list[UserClass | type]:
    """The classes an `except` clause names (built-in exception types or the program's own)."""
    tokens = kinds if isinstance(kinds, tuple) else (kinds,)
    classes: list[UserClass | type] = []
    for token in tokens:
        if isinstance(token, HostFunction) and isinstance(token.cls, type) and issubclass(token.cls, BaseException):
            classes.append(token.cls)
        elif isinstance(token, UserClass) and token.host == "exception":
            classes.append(token)
        else:
            raise type_error("catching classes that do not inherit from BaseException")
    return classes


def matches(value: object, kinds: object) -> bool:
    """isinstance(value, kinds) for exception values and exception classes."""
    user_class = class_of(value)
    real = value.cls if isinstance(value, SandboxException) else (user_class.host_class if user_class else None)
    for token in _handler_classes(kinds):
        if isinstance(token, UserClass):
            if user_class is not None and user_class.is_subclass_of(token):
                return True
        elif real is not None and issubclass(real, token):
            return True
    return False


def ends_program(exc: BaseException) -> bool:
    """True for errors no handler or `finally` may stop: limits, timeouts, refusals, exhaustion."""
    return (isinstance(exc, GradtraceError) and exc.kind != "runtime") or isinstance(exc, RecursionError | MemoryError)


def raised_error(value: object) -> GradtraceError:
    """The error that carries a raised exception value up to a handler (or to the learner)."""
    if isinstance(value, SandboxException):
        name = value.cls.__name__
    elif is_user_instance(value) and (cls := class_of(value)) is not None and cls.host == "exception":
        name = cls.name
    else:
        raise type_error("exceptions must derive from BaseException")
    err = GradtraceError("runtime", python_exception(name, str(value)), code="runtime.raised")
    err.sandbox_exception = value  # type: ignore[attr-defined]
    return err


class ExceptionSupport:
    """The Interpreter's part for try and raise (mixed in)."""

    evaluate: Callable[..., Any]
    run_block: Callable[..., None]
    bind_target: Callable[..., None]
    instantiate: Callable[..., Any]
    handling: list[GradtraceError]

    def exec_Raise(self, stmt: ast.Raise, scope: Scope) -> None:
        if stmt.exc is None:
            if not self.handling:
                error = python_exception("RuntimeError", "No active exception to reraise")
                raise GradtraceError("runtime", error, code="runtime.runtime_error")
            raise self.handling[-1]
        value = self.evaluate(stmt.exc, scope)
        if stmt.cause is not None:
            self.evaluate(stmt.cause, scope)  # evaluated as Python does; the chain is not shown
        if isinstance(value, HostFunction) and isinstance(value.cls, type) and issubclass(value.cls, Exception):
            value = SandboxException(value.cls, ())
        elif isinstance(value, UserClass) and value.host == "exception":
            value = self.instantiate(value, [], {}, stmt)
        raise raised_error(value)

    def exec_Try(self, stmt: ast.Try, scope: Scope) -> None:
        try:
            try:
                self.run_block(stmt.body, scope)
            except GradtraceError as err:
                if err.kind != "runtime" or not self.handle(stmt.handlers, err, scope):
                    raise
            else:
                self.run_block(stmt.orelse, scope)
        except BaseException as exc:
            # A limit, timeout or refusal ends the program: no `finally` runs that could swallow
            # it with `return`/`break`/`continue`. Runtime errors and control flow run it as Python does.
            if not ends_program(exc):
                self.run_block(stmt.finalbody, scope)
            raise
        self.run_block(stmt.finalbody, scope)

    def handle(self, handlers: list[ast.ExceptHandler], err: GradtraceError, scope: Scope) -> bool:
        """Run the first handler that matches `err`; False when none does."""
        value = caught_value(err)
        for handler in handlers:
            if handler.type is not None and not matches(value, self.evaluate(handler.type, scope)):
                continue
            if handler.name:
                self.bind_target(ast.Name(id=handler.name, ctx=ast.Store()), value, scope)
            self.handling.append(err)
            try:
                self.run_block(handler.body, scope)
            finally:
                self.handling.pop()
                if handler.name:
                    scope.values.pop(handler.name, None)  # Python deletes the name after the handler
            return True
        return False
