"""Calling any value user code may hold: functions, lambdas, methods, classes, modules, decorators."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from ..config import Limits
from ..errors import GradtraceError
from . import guards
from .builtins import materialise
from .expressions import runtime_error
from .functions import local_names
from .objects import BoundMethod, UserClass, UserInstance
from .python_errors import syntax_error, type_error
from .user_modules import SandboxModule
from .user_operators import type_name
from .values import GradMode, GradModeFunction, HostFunction, Scope, UserFunction, check_result, kind_of

# Kinds of value `callable(x)` is True for (and a decorator may wrap).
CALLABLE_KINDS = frozenset(
    {"HostFunction", "UserFunction", "BoundMethod", "UserClass", "GradModeFunction", "module", "optimizer"}
)


def yields(fn: ast.FunctionDef) -> bool:
    """True for a generator function: `yield` in its own body (not in a nested def or lambda)."""
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, ast.FunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))
    return False


def closure_scope(scope: Scope) -> Scope:
    """The scope a function defined in `scope` sees: a class body is skipped, as in Python."""
    while scope.is_class and scope.parent is not None:
        scope = scope.parent
    return scope


class CallSupport:
    """The Interpreter's part for calls (mixed in; uses its call_user/call_host/instantiate)."""

    evaluate: Callable[..., Any]
    call_user: Callable[..., Any]
    call_host: Callable[..., Any]
    instantiate: Callable[..., Any]
    user_dunder: Callable[..., Any]
    lambdas: dict[ast.Lambda, ast.FunctionDef]
    yielded: list[list[Any]]
    limits: Limits

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> object:
        """`func(*args, **kwargs)` for every kind of callable value, as Python would call it."""
        if isinstance(func, UserFunction):
            return self.call_user(func, args, kwargs, node)
        if isinstance(func, HostFunction):
            return self.call_host(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call_value(func.function, [func.receiver, *args], kwargs, node)
        if isinstance(func, UserClass):
            return self.instantiate(func, args, kwargs, node)
        if type(func) is SandboxModule:
            found, method = func.sandbox_class.find("__call__")  # fast.ai's Model2 overrides __call__
            if found:
                return self.call_value(method, [func, *args], kwargs, node)
            return self.call_module(func, args, kwargs, node)
        if kind_of(func) == "module":
            return self.call_host(HostFunction(type(func).__name__, func), args, kwargs, node)  # type: ignore[arg-type]
        if type(func) is UserInstance:
            found, method = func.sandbox_class.find("__call__")
            if found:
                return self.call_value(method, [func, *args], kwargs, node)
        if isinstance(func, GradMode) and len(args) == 1 and not kwargs and kind_of(args[0]) in CALLABLE_KINDS:
            return GradModeFunction(func, args[0])  # @torch.no_grad() on a def
        if isinstance(func, GradModeFunction):
            mode = GradMode(func.mode.name, func.mode.enabled)
            mode.enter()
            try:
                return self.call_value(func.function, args, kwargs, node)
            finally:
                mode.exit()
        raise type_error(f"'{type_name(func)}' object is not callable")

    def call_module(self, module: SandboxModule, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        """`model(x)` for a user nn.Module: torch's own __call__, whose forward runs the user's."""
        try:
            result = module(*args, **kwargs)
        except GradtraceError:
            raise
        except Exception as exc:
            raise runtime_error(exc, node) from None
        return check_result(result, f"{module.sandbox_class.name}.forward")

    def make_function(self, node: ast.FunctionDef, scope: Scope) -> UserFunction:
        """A UserFunction for a def or lambda: defaults evaluated now, as Python does."""
        args = node.args
        defaults = [self.evaluate(d, scope) for d in args.defaults]
        kw_defaults = {
            a.arg: self.evaluate(d, scope) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d
        }
        return UserFunction(
            node,
            defaults,
            closure_scope(scope),
            local_names(node),
            kw_defaults=kw_defaults,
            generator=yields(node),
        )

    def eval_Yield(self, node: ast.Yield, scope: Scope) -> None:
        if not self.yielded:
            raise syntax_error("'yield' outside function")
        self.yielded[-1].append(None if node.value is None else self.evaluate(node.value, scope))
        guards.check_length(len(self.yielded[-1]), self.limits)

    def eval_YieldFrom(self, node: ast.YieldFrom, scope: Scope) -> None:
        if not self.yielded:
            raise syntax_error("'yield' outside function")
        self.yielded[-1].extend(materialise(self.evaluate(node.value, scope), self.limits))
        guards.check_length(len(self.yielded[-1]), self.limits)

    def eval_Lambda(self, node: ast.Lambda, scope: Scope) -> UserFunction:
        definition = self.lambdas.get(node)
        if definition is None:
            body = ast.Return(value=node.body)
            definition = ast.FunctionDef(name="<lambda>", args=node.args, body=[body], decorator_list=[])
            ast.copy_location(body, node.body)
            ast.copy_location(definition, node)
            self.lambdas[node] = definition
        return self.make_function(definition, scope)
