"""Expression evaluation: one small method per AST node kind (a dispatch table, like simpleeval)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions, guards
from .builtins import is_number, materialise, to_text
from .callbacks import host_callable
from .exceptions import exception_value
from .objects import GeneratedList, UserInstance
from .parse import dotted_name
from .python_errors import exception_code, python_exception
from .user_modules import SandboxModule
from .values import (
    HostFunction,
    Scope,
    UserFunction,
    check_argument,
    check_result,
    is_tensor,
    kind_of,
)

if TYPE_CHECKING:
    from .interpret import Observer

BIN_OPS: dict[type[ast.operator], tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    ast.Add: (operator.add, operator.iadd),
    ast.Sub: (operator.sub, operator.isub),
    ast.Mult: (operator.mul, operator.imul),
    ast.Div: (operator.truediv, operator.itruediv),
    ast.FloorDiv: (operator.floordiv, operator.ifloordiv),
    ast.Mod: (operator.mod, operator.imod),
    ast.Pow: (operator.pow, operator.ipow),
    ast.MatMult: (operator.matmul, operator.imatmul),
    ast.LShift: (operator.lshift, operator.ilshift),
    ast.RShift: (operator.rshift, operator.irshift),
    ast.BitAnd: (operator.and_, operator.iand),
    ast.BitOr: (operator.or_, operator.ior),
    ast.BitXor: (operator.xor, operator.ixor),
}
UNARY_OPS: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}
COMPARE_OPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
# Values whose operators, items and attributes the program's own class decides.
USER_OBJECTS: frozenset[type] = frozenset({UserInstance, SandboxModule})
_CONVERSIONS: dict[int, Callable[[object], str]] = {115: str, 114: repr, 97: ascii}
_ALLOCATION_FAILED = "can't allocate memory"  # torch's DefaultCPUAllocator under RLIMIT_AS
MAX_MESSAGE_CHARS = 500


def runtime_error(exc: BaseException, node: ast.AST | None = None) -> GradtraceError:
    """A Python/torch exception as a learner-facing error (limits for recursion and memory)."""
    if isinstance(exc, GradtraceError):
        return exc
    line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    if isinstance(exc, RecursionError | MemoryError) or _ALLOCATION_FAILED in str(exc):
        # The worker's memory cap made torch's allocator fail: a limit, not a bug in the program.
        message = Message("the program needs more memory or nesting than gradtrace allows")
        return GradtraceError("limit", message, line, code="limit.memory")
    text = str(exc)
    if len(text) > MAX_MESSAGE_CHARS:  # messages can echo user data (`[].index('a' * 10**5)`)
        text = text[:MAX_MESSAGE_CHARS] + " ..."
    err = GradtraceError("runtime", python_exception(type(exc).__name__, text), line, col, code="runtime.exception")
    err.code = exception_code(type(exc))
    err.sandbox_exception = exception_value(exc, text)  # type: ignore[attr-defined]  # what `except` sees
    return err


def checked(value: object, source: str, limits: Limits) -> object:
    """Check one value made by an operator or call before user code may hold it."""
    kind = kind_of(value)
    if kind is None:
        check_result(value, source)
    elif kind in extensions.RESULT_WATCHERS:  # numpy arrays: memory alive at once
        extensions.RESULT_WATCHERS[kind](value, limits)
    guards.check_int(value, limits)
    if isinstance(value, (str, list, tuple)):
        guards.check_length(len(value), limits)
    return value


def dispatch_table(cls: type, prefix: str) -> dict[type, Callable[..., Any]]:
    """`{ast.Call: cls.eval_Call, ...}`: the methods of `cls` named `prefix` + an AST class name,
    by node type (built once, rather than looking a method up by name at every node)."""
    table: dict[type, Callable[..., Any]] = {}
    for attr in dir(cls):
        node_type = getattr(ast, attr.removeprefix(prefix), None) if attr.startswith(prefix) else None
        if isinstance(node_type, type) and issubclass(node_type, ast.AST):
            table[node_type] = getattr(cls, attr)
    return table


class Evaluator:
    """Evaluates expressions; the Interpreter subclass adds statements and user function calls."""

    limits: Limits
    steps: int
    builtins: dict[str, object]
    evaluators: dict[type, Callable[..., Any]]  # dispatch_table(the class, "eval_")
    shown_names: dict[ast.Attribute, str]  # dotted_name() of each attribute node, once per node
    observer: Observer  # told which sub-expression runs, so the tensors it makes get its span

    def step(self) -> None:
        """Count one unit of work; stop runaway programs."""
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise self.too_many_steps()

    def too_many_steps(self) -> GradtraceError:
        """The error for a program past max_steps."""
        return GradtraceError(
            "limit",
            Message("the program ran more than {limit} steps; gradtrace stops long loops", limit=self.limits.max_steps),
            code="limit.steps",
        )

    def call_user(self, fn: UserFunction, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> object:
        """Run a user function (the Interpreter provides it)."""
        raise NotImplementedError

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        """Call any callable value (calls.CallSupport provides it)."""
        raise NotImplementedError

    def attribute_of(self, obj: object, name: str, shown: str) -> object:
        """`obj.name` as user code reads it (classes.ClassSupport provides it)."""
        raise NotImplementedError

    def user_operator(self, op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        """An operator on an instance of a user class (classes.ClassSupport provides it)."""
        raise NotImplementedError

    def user_dunder(self, obj: Any, dunder: str, args: list[Any], what: str) -> Any:
        """A dunder method of a user instance (classes.ClassSupport provides it)."""
        raise NotImplementedError

    def evaluate(self, node: ast.expr, scope: Scope) -> Any:
        """The value of one expression in `scope`."""
        self.steps += 1  # step(), inlined: this runs for every node
        if self.steps > self.limits.max_steps:
            raise self.too_many_steps()
        method = self.evaluators.get(type(node))
        if method is None:
            refusal = Message("`{construct}` is not supported here", construct=type(node).__name__)
            raise GradtraceError("forbidden", refusal, node.lineno, code="forbidden.construct")
        return method(self, node, scope)

    def lookup(self, name: str, scope: Scope, node: ast.AST) -> object:
        """Python's name resolution: locals, enclosing functions, globals, builtins."""
        current: Scope | None = scope
        while current is not None:
            if current.local_names is None or name in current.local_names:
                if name in current.values:
                    return current.values[name]
                if current.local_names is not None:
                    text = f"cannot access local variable '{name}' where it is not associated with a value"
                    error = python_exception("UnboundLocalError", text)
                    raise GradtraceError(
                        "runtime", error, getattr(node, "lineno", None), code="runtime.unbound_local_error"
                    )
            current = current.parent
        if name in self.builtins:
            return self.builtins[name]
        error = python_exception("NameError", f"name '{name}' is not defined")
        raise GradtraceError("runtime", error, getattr(node, "lineno", None), code="runtime.name_error")

    def eval_Constant(self, node: ast.Constant, scope: Scope) -> object:
        return node.value

    def eval_Name(self, node: ast.Name, scope: Scope) -> object:
        return self.lookup(node.id, scope, node)

    def eval_Attribute(self, node: ast.Attribute, scope: Scope) -> object:
        obj = self.evaluate(node.value, scope)
        shown = self.shown_names.get(node)
        if shown is None:
            shown = self.shown_names[node] = dotted_name(node)
        return self.attribute_of(obj, node.attr, shown)

    def eval_Subscript(self, node: ast.Subscript, scope: Scope) -> object:
        obj = self.evaluate(node.value, scope)
        index = self.evaluate(node.slice, scope)
        if type(obj) in USER_OBJECTS:
            return self.user_dunder(obj, "__getitem__", [index], "is not subscriptable")
        self.check_indexable(obj)
        try:
            return checked(obj[index], "indexing", self.limits)
        except GradtraceError:
            raise
        except Exception as exc:
            raise runtime_error(exc, node) from None

    def check_indexable(self, obj: object) -> None:
        """Only data is indexed: tensors, Python sequences, Size, return_types and Sequential."""
        kind = kind_of(obj)
        if kind not in ("tensor", "plain", "container", "size", "return_types", "module") and (
            kind not in extensions.INDEXABLE_KINDS
        ):
            error = python_exception("TypeError", f"'{type(obj).__name__}' object is not subscriptable")
            raise GradtraceError("runtime", error, code="runtime.type_error")

    def eval_Slice(self, node: ast.Slice, scope: Scope) -> slice:
        parts = [None if p is None else self.evaluate(p, scope) for p in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def elements(self, nodes: list[ast.expr], scope: Scope) -> list[Any]:
        """Evaluate list/tuple/call elements, expanding `*xs`."""
        values: list[Any] = []
        for item in nodes:
            if isinstance(item, ast.Starred):
                values.extend(materialise(self.evaluate(item.value, scope), self.limits))
            else:
                values.append(self.evaluate(item, scope))
            if len(values) > self.limits.max_sequence_length:
                guards.check_length(len(values), self.limits)
        return values

    def eval_List(self, node: ast.List, scope: Scope) -> list[Any]:
        return self.elements(node.elts, scope)

    def eval_Tuple(self, node: ast.Tuple, scope: Scope) -> tuple[Any, ...]:
        return tuple(self.elements(node.elts, scope))

    def eval_Set(self, node: ast.Set, scope: Scope) -> set[Any]:
        return set(self.elements(node.elts, scope))

    def eval_SetComp(self, node: ast.SetComp, scope: Scope) -> set[Any]:
        return set(self.comprehension(node, scope))

    def eval_Dict(self, node: ast.Dict, scope: Scope) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                result.update(self.evaluate(value, scope))
            else:
                k = self.evaluate(key, scope)
                result[k] = self.evaluate(value, scope)
            guards.check_length(len(result), self.limits)
        return result

    def operate(self, op: Callable[[Any, Any], Any], left: Any, right: Any, node: ast.AST) -> Any:
        """`left op right` with size checks first and Python's exceptions turned into errors."""
        if type(left) in USER_OBJECTS or type(right) in USER_OBJECTS:
            return self.user_operator(op, left, right)
        guards.check_binary(op, left, right, self.limits)
        offered_check = extensions.operation_check(left, right)
        if offered_check is not None:  # numpy arrays & co.: their module checks sizes first
            offered_check(op, left, right, self.limits)
        elif is_tensor(left) or is_tensor(right):
            key = "matmul" if op in (operator.matmul, operator.imatmul) else None
            guards.check_tensor_size("this operation", key, [left, right], {}, None, self.limits)
        self.observer.at_expression(node)
        try:
            result = op(left, right)
        except Exception as exc:
            raise runtime_error(exc, node) from None
        return checked(result, "this operation", self.limits)

    def eval_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        left = self.evaluate(node.left, scope)
        right = self.evaluate(node.right, scope)
        return self.operate(BIN_OPS[type(node.op)][0], left, right, node)

    def eval_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        operand = self.evaluate(node.operand, scope)
        if type(operand) in USER_OBJECTS and isinstance(node.op, ast.USub | ast.UAdd):
            neg = isinstance(node.op, ast.USub)
            return self.user_unary("__neg__" if neg else "__pos__", operand, "-" if neg else "+")
        self.observer.at_expression(node)
        try:
            return checked(UNARY_OPS[type(node.op)](operand), "this operation", self.limits)
        except GradtraceError:
            raise
        except Exception as exc:
            raise runtime_error(exc, node) from None

    def eval_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        value: Any = None
        for item in node.values:
            value = self.evaluate(item, scope)
            if self.truth(value, node) == isinstance(node.op, ast.Or):
                return value
        return value

    def truth(self, value: Any, node: ast.AST) -> bool:
        """bool(value), as Python does it (a tensor with several elements raises)."""
        try:
            return bool(value)
        except Exception as exc:
            raise runtime_error(exc, node) from None

    def eval_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.evaluate(node.left, scope)
        result: Any = True
        last = len(node.ops) - 1
        for i, (op, right_node) in enumerate(zip(node.ops, node.comparators, strict=True)):
            right = self.evaluate(right_node, scope)
            result = self.operate(COMPARE_OPS[type(op)], left, right, node)
            if i < last and not self.truth(result, node):
                return result
            left = right
        return result

    def eval_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        branch = node.body if self.truth(self.evaluate(node.test, scope), node) else node.orelse
        return self.evaluate(branch, scope)

    def eval_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> str:
        parts = [self.evaluate(part, scope) for part in node.values]
        text = "".join(parts)
        guards.check_length(len(text), self.limits)
        return text

    def eval_FormattedValue(self, node: ast.FormattedValue, scope: Scope) -> str:
        value = self.evaluate(node.value, scope)
        spec = "" if node.format_spec is None else self.evaluate(node.format_spec, scope)
        guards.check_format_spec(spec, self.limits)
        try:
            to_text(value, self.limits)  # refuses values whose text would be huge
            if node.conversion in _CONVERSIONS:
                value = _CONVERSIONS[node.conversion](value)
            return format(value, spec)
        except GradtraceError:
            raise
        except Exception as exc:
            raise runtime_error(exc, node) from None

    def eval_Call(self, node: ast.Call, scope: Scope) -> Any:
        func = self.evaluate(node.func, scope)
        args = self.elements(node.args, scope)
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            value = self.evaluate(kw.value, scope)
            if kw.arg is not None:
                kwargs[kw.arg] = value
            elif isinstance(value, dict) and all(isinstance(k, str) and not k.startswith("_") for k in value):
                kwargs.update(value)
            else:
                error = python_exception("TypeError", "argument after ** must be a dict of names")
                raise GradtraceError("runtime", error, node.lineno, code="runtime.type_error")
        if isinstance(func, HostFunction):  # the common case first
            return self.call_host(func, args, kwargs, node)
        return self.call_value(func, args, kwargs, node)

    def call_host(self, fn: HostFunction, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """Call torch or a builtin: check arguments and sizes first, then the result."""
        if fn.policy == "torch":
            for value in (*args, *kwargs.values()):
                check_argument(value, fn.name, allow_modules=fn.cls is not None)
            target = getattr(fn.fn, "__self__", None)
            guards.check_tensor_size(
                fn.name, fn.sized, args, kwargs, target if is_tensor(target) else None, self.limits
            )
        elif fn.policy == "callback":  # torch calls the program's functions back through us (hooks, jacobian)
            args = [host_callable(self, a, fn.name, node) for a in args]
        elif fn.policy == "math" and not all(is_number(v) for v in (*args, *kwargs.values())):
            refusal = Message("`{name}` works on numbers only; use the torch function for tensors", name=fn.name)
            raise GradtraceError("forbidden", refusal, code="forbidden.math_on_tensor")
        self.observer.at_expression(node)
        try:
            result = fn.fn(*args, **kwargs)
            if fn.listing:
                result = GeneratedList(materialise(result, self.limits))
        except GradtraceError as err:
            raise err.at(getattr(node, "lineno", None)) from None
        except Exception as exc:
            raise runtime_error(exc, node) from None
        check_result(result, fn.name)
        return checked(result, fn.name, self.limits)

    def comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.DictComp | ast.SetComp, scope: Scope
    ) -> list[Any]:
        """Run a comprehension eagerly in its own scope; yields a list of values or (key, value) pairs."""
        targets = frozenset(n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name))
        inner = Scope({}, targets, scope)
        out: list[Any] = []
        self.generate(node, 0, inner, scope, out)
        return out

    def generate(self, node: Any, level: int, inner: Scope, outer: Scope, out: list[Any]) -> None:
        """One `for ... in ... if ...` clause of a comprehension, recursing into the next."""
        gen: ast.comprehension = node.generators[level]
        if gen.is_async:
            refusal = Message("`async for` is not supported here; write a plain `for`")
            raise GradtraceError("forbidden", refusal, node.lineno, code="forbidden.construct")
        iterable = self.evaluate(gen.iter, outer if level == 0 else inner)
        for item in materialise(iterable, self.limits):
            self.step()
            self.bind_target(gen.target, item, inner, report=False)
            if not all(self.truth(self.evaluate(cond, inner), node) for cond in gen.ifs):
                continue
            if level + 1 < len(node.generators):
                self.generate(node, level + 1, inner, outer, out)
            elif isinstance(node, ast.DictComp):
                out.append((self.evaluate(node.key, inner), self.evaluate(node.value, inner)))
            else:
                out.append(self.evaluate(node.elt, inner))
            guards.check_length(len(out), self.limits)

    def eval_ListComp(self, node: ast.ListComp, scope: Scope) -> list[Any]:
        return self.comprehension(node, scope)

    def eval_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> list[Any]:
        # Evaluated eagerly: the builtins that take generators then need no callback into us.
        return self.comprehension(node, scope)

    def eval_DictComp(self, node: ast.DictComp, scope: Scope) -> dict[Any, Any]:
        return dict(self.comprehension(node, scope))

    def bind_target(self, target: ast.expr, value: Any, scope: Scope, report: bool = True) -> None:
        """Assign to a target (the Interpreter provides it)."""
        raise NotImplementedError

    def user_unary(self, dunder: str, operand: Any, symbol: str) -> Any:
        """`-x` for an instance of a user class (classes.ClassSupport provides it)."""
        raise NotImplementedError
