"""Run a parsed Program with our own interpreter: statements, user functions, limits, grad mode."""

from __future__ import annotations

import ast
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message, Text
from . import extensions, guards
from .addresses import AddressMask
from .builtins import build_builtins, materialise
from .calls import CallSupport
from .classes import ClassSupport, offer_class_bases
from .echo import Echo, Echoes, echoed_statements
from .exceptions import ExceptionSupport
from .expressions import BIN_OPS, USER_OBJECTS, Evaluator, dispatch_table, runtime_error
from .extensions import OwnContext
from .functions import bind_arguments
from .higher_builtins import build_class_builtins
from .imports import ImportedModules
from .namespaces import build_namespaces
from .objects import SandboxIterator
from .parse import Program, dotted_name
from .python_errors import python_exception, syntax_error
from .user_modules import ModuleTable
from .user_operators import OperatorSupport, is_user_object
from .values import GradMode, HostFunction, Namespace, Scope, UserFunction, kind_of

# Dicts a program may fill by item (collections' own too).
_DICTS = (dict, defaultdict, Counter)


class Observer(Protocol):
    """Told about each statement about to run and each plain-name binding."""

    def at_line(self, line: int) -> None:
        """Called right before each statement runs."""

    def at_expression(self, node: ast.AST) -> None:
        """Called right before an operator or a torch/builtin call runs: the sub-expression whose
        tensors are about to be made."""

    def bound(self, name: str, value: object, *, top_level: bool = True, loop: bool = False) -> None:
        """Called after each binding of a plain name, in any scope (`top_level`: the module's; `loop`:
        a `for` target)."""

    def bound_attribute(self, name: str, value: object, *, top_level: bool = True) -> None:
        """Called after `obj.attr = value` on an object of the program's own class (`name`: as written,
        `self.weight`)."""


@dataclass
class Execution:
    """What a run left behind: the user's top-level names (binding order) and printed text."""

    names: dict[str, object]
    stdout: str
    warnings: list[Text] = field(default_factory=list)  # about imported modules (plots not drawn)
    outputs: list[Echo] = field(default_factory=list)  # what bare expression lines showed


# Control flow travels as exceptions outside the Exception hierarchy, so no handler converts them.
class _Break(BaseException):
    pass


class _Continue(BaseException):
    pass


class _Return(BaseException):
    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


_HIDDEN_KINDS = frozenset(
    {"Namespace", "HostFunction", "UserFunction", "UserClass", "BoundMethod", "GradModeFunction", "StaticMethod"}
)


def run_program(program: Program, inputs: Mapping[str, object], limits: Limits, observer: Observer) -> Execution:
    """Run `program` with `inputs` bound as globals; raises GradtraceError only, restores grad mode."""
    grad_enabled = torch.is_grad_enabled()
    interpreter = Interpreter(limits, observer)
    try:
        interpreter.run(program.tree, inputs)
    except GradtraceError as err:
        raise _keeping_what_ran(err, interpreter) from None
    except _Return:
        raise syntax_error("'return' outside function", interpreter.line) from None
    except (_Break, _Continue):
        raise syntax_error("'break' or 'continue' outside loop", interpreter.line) from None
    except Exception as exc:
        raise _keeping_what_ran(runtime_error(exc).at(interpreter.line), interpreter) from None
    finally:
        torch.set_grad_enabled(grad_enabled)
    return Execution(
        names=interpreter.user_names(),
        stdout="".join(interpreter.output),
        warnings=interpreter.imports.warnings(),
        outputs=interpreter.echoes.shown,
    )


def _keeping_what_ran(error: GradtraceError, interpreter: Interpreter) -> GradtraceError:
    """A runtime error carries the Execution of the lines before it (`error.partial`), so the
    answer can still draw what ran."""
    if error.kind == "runtime" and error.partial is None:
        echoes = getattr(interpreter, "echoes", None)
        error.partial = Execution(
            names=interpreter.user_names(),
            stdout="".join(interpreter.output),
            warnings=interpreter.imports.warnings(),
            outputs=echoes.shown if echoes is not None else [],
        )
    return error


class Interpreter(ClassSupport, OperatorSupport, CallSupport, ExceptionSupport, Evaluator):
    """Executes statements; expressions come from Evaluator; classes, calls and try from the mixins."""

    def __init__(self, limits: Limits, observer: Observer) -> None:
        self.limits = limits
        self.observer = observer
        self.steps = 0
        self.depth = 0
        self.line: int | None = None
        self.output: list[str] = []
        self.output_chars = 0
        self.address_mask = AddressMask()
        self.namespaces = build_namespaces()
        self.imports = ImportedModules(self.namespaces, limits, lambda: self.line, self)
        offer_class_bases(self.namespaces)
        self.builtins: dict[str, object] = {
            **build_builtins(self),
            **build_class_builtins(self),
            **self.namespaces,
        }
        self.globals = Scope({}, None, None)
        self.bound_order: dict[str, None] = {}
        self.evaluators = _EVALUATORS
        self.executors = _EXECUTORS
        self.shown_names = {}
        self.addresses = 0
        self.frames: list[tuple[UserFunction, Scope]] = []  # running user functions (for super())
        self.handling: list[GradtraceError] = []  # errors whose `except` block runs (for bare `raise`)
        self.lambdas: dict[ast.Lambda, ast.FunctionDef] = {}
        self.tensor_attributes: dict[int, tuple[object, dict[str, object]]] = {}
        self.yielded: list[list[Any]] = []  # what each running generator function yielded so far
        self.builtins["__name__"] = "__main__"  # `if __name__ == "__main__":` runs, as in a script

    def write(self, text: str) -> None:
        """Collect printed text, refusing output past max_stdout_chars."""
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate ('\ud800'): Python's print fails too
                error = python_exception("UnicodeEncodeError", exc.reason)
                raise GradtraceError("runtime", error, code="runtime.unicode_encode_error") from None
        text = self.address_mask(text)
        self.output_chars += len(text)
        if self.output_chars > self.limits.max_stdout_chars:
            raise GradtraceError(
                "limit",
                Message("the program printed more than {limit} characters", limit=self.limits.max_stdout_chars),
                code="limit.printed_chars",
            )
        self.output.append(text)

    def run(self, tree: ast.Module, inputs: Mapping[str, object]) -> None:
        """Bind the inputs and run the module body."""
        for name, value in inputs.items():
            if name.startswith("_") or kind_of(value) is None:
                raise GradtraceError(
                    "request",
                    Message("input `{name}` cannot be given to a program", name=name),
                    code="request.input_name",
                )
            self.globals.values[name] = value
        self.echoed = echoed_statements(tree)
        self.echoes = Echoes(self.limits, self.address_mask)
        self.run_block(tree.body, self.globals)

    def user_names(self) -> dict[str, object]:
        """Top-level names the program bound, minus namespaces, functions and builtins."""
        values = self.globals.values
        return {
            name: values[name]
            for name in self.bound_order
            if name in values and kind_of(values[name]) not in _HIDDEN_KINDS
        }

    def run_block(self, body: list[ast.stmt], scope: Scope) -> None:
        """Run statements in order."""
        for stmt in body:
            self.run_statement(stmt, scope)

    def run_statement(self, stmt: ast.stmt, scope: Scope) -> None:
        """Run one statement, turning any Python/torch exception into a GradtraceError at its line."""
        self.line = stmt.lineno
        self.observer.at_line(stmt.lineno)
        self.steps += 1  # step(), inlined: this runs for every statement
        if self.steps > self.limits.max_steps:
            raise self.too_many_steps()
        method = self.executors.get(type(stmt))
        if method is None:
            refusal = Message("`{construct}` is not supported here", construct=type(stmt).__name__)
            raise GradtraceError("forbidden", refusal, stmt.lineno, code="forbidden.construct")
        try:
            method(self, stmt, scope)
        except GradtraceError as err:
            raise err.at(stmt.lineno) from None
        except Exception as exc:
            raise runtime_error(exc).at(stmt.lineno, stmt.col_offset) from None

    # --- bindings -------------------------------------------------------------------------------

    def bind_name(self, name: str, value: object, scope: Scope, report: bool = True, loop: bool = False) -> None:
        """Bind a plain name in `scope` and tell the observer (`loop`: a `for` target, which names a
        tensor only when nothing better does, app/leaf_names.py)."""
        scope.values[name] = value
        if scope is self.globals:
            self.bound_order.setdefault(name, None)
        if report:
            self.observer.bound(name, value, top_level=scope is self.globals, loop=loop)

    def bind_target(self, target: ast.expr, value: Any, scope: Scope, report: bool = True, loop: bool = False) -> None:
        """Assign to a name, a (nested, starred) tuple/list, `a[i]` or a settable tensor attribute."""
        if isinstance(target, ast.Name):
            self.bind_name(target.id, value, scope, report, loop)
        elif isinstance(target, ast.Tuple | ast.List):
            self.unpack(target.elts, value, scope, report, loop)
        elif isinstance(target, ast.Subscript):
            obj = self.evaluate(target.value, scope)
            index = self.evaluate(target.slice, scope)
            self.store_item(obj, index, value)
        elif isinstance(target, ast.Attribute):
            obj = self.evaluate(target.value, scope)
            shown = dotted_name(target)
            self.assign_attribute(obj, target.attr, value, shown)
            if report and is_user_object(obj) and "(" not in shown:
                self.observer.bound_attribute(shown, value, top_level=scope is self.globals)
        else:
            refusal = Message("cannot assign to `{target}` here", target=type(target).__name__)
            raise GradtraceError("forbidden", refusal, target.lineno, code="forbidden.assignment")

    def store_item(self, obj: Any, index: Any, value: Any) -> None:
        """`obj[index] = value` for lists, dicts and tensors only (and user classes with __setitem__)."""
        if type(obj) in USER_OBJECTS:
            self.user_dunder(obj, "__setitem__", [index, value], "does not support item assignment")
            return
        if kind_of(obj) == "module" and kind_of(value) == "module" and hasattr(type(obj), "__setitem__"):
            obj[index] = value  # model[2] = nn.Linear(16, 3) on a Sequential
            return
        if type(obj) is OrderedDict or type(obj) is ModuleTable:
            obj[index] = value  # a state_dict, or d2l's `self._modules[name] = block`
            guards.check_length(len(obj), self.limits)
            return
        if not (
            type(obj) in _DICTS or type(obj) is list or kind_of(obj) in ("tensor", *extensions.ITEM_ASSIGNABLE_KINDS)
        ):
            error = python_exception("TypeError", f"'{type(obj).__name__}' object does not support item assignment")
            raise GradtraceError("runtime", error, code="runtime.type_error")
        obj[index] = value
        if type(obj) in _DICTS:
            guards.check_length(len(obj), self.limits)

    def unpack(self, targets: list[ast.expr], value: Any, scope: Scope, report: bool, loop: bool = False) -> None:
        """Python's unpacking, with its error messages."""
        items = materialise(value, self.limits)
        stars = [i for i, t in enumerate(targets) if isinstance(t, ast.Starred)]
        if not stars:
            if len(items) != len(targets):
                few = len(items) < len(targets)
                msg = (
                    f"not enough values to unpack (expected {len(targets)}, got {len(items)})"
                    if few
                    else f"too many values to unpack (expected {len(targets)})"
                )
                raise GradtraceError("runtime", python_exception("ValueError", msg), code="runtime.value_error")
            for target, item in zip(targets, items, strict=True):
                self.bind_target(target, item, scope, report, loop)
            return
        star = stars[0]
        after = len(targets) - star - 1
        if len(items) < len(targets) - 1:
            msg = f"not enough values to unpack (expected at least {len(targets) - 1}, got {len(items)})"
            raise GradtraceError("runtime", python_exception("ValueError", msg), code="runtime.value_error")
        for target, item in zip(targets[:star], items[:star], strict=True):
            self.bind_target(target, item, scope, report, loop)
        starred = targets[star]
        assert isinstance(starred, ast.Starred)
        self.bind_target(starred.value, items[star : len(items) - after], scope, report, loop)
        for target, item in zip(targets[star + 1 :], items[len(items) - after :], strict=True):
            self.bind_target(target, item, scope, report, loop)

    # --- simple statements ----------------------------------------------------------------------

    def exec_Expr(self, stmt: ast.Expr, scope: Scope) -> None:
        value = self.evaluate(stmt.value, scope)
        if stmt in self.echoed:
            self.echoes.show(stmt.lineno, value, self.output_chars)

    def exec_Pass(self, stmt: ast.Pass, scope: Scope) -> None:
        pass

    def exec_Assign(self, stmt: ast.Assign, scope: Scope) -> None:
        value = self.evaluate(stmt.value, scope)
        for target in stmt.targets:
            self.bind_target(target, value, scope)

    def exec_AugAssign(self, stmt: ast.AugAssign, scope: Scope) -> None:
        # operator.iadd & co. call __iadd__ when it exists: `t += 1` is in-place on a tensor, as in Python.
        inplace = BIN_OPS[type(stmt.op)][1]
        target = stmt.target
        if isinstance(target, ast.Name):
            old = self.lookup(target.id, scope, target)
            new = self.operate(inplace, old, self.evaluate(stmt.value, scope), stmt)
            self.bind_name(target.id, new, scope, report=new is not old)
            if new is old:  # `param -= lr * param.grad` in place: it names nothing, as a loop variable
                self.observer.bound(target.id, new, top_level=scope is self.globals, loop=True)
        elif isinstance(target, ast.Subscript):
            obj = self.evaluate(target.value, scope)
            index = self.evaluate(target.slice, scope)
            self.check_indexable(obj)
            new = self.operate(inplace, obj[index], self.evaluate(stmt.value, scope), stmt)
            self.store_item(obj, index, new)
        elif isinstance(target, ast.Attribute):
            obj = self.evaluate(target.value, scope)
            shown = dotted_name(target)
            old = self.attribute_of(obj, target.attr, shown)
            new = self.operate(inplace, old, self.evaluate(stmt.value, scope), stmt)
            if new is not old:
                self.assign_attribute(obj, target.attr, new, shown)

    def exec_Delete(self, stmt: ast.Delete, scope: Scope) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                if target.id not in scope.values:
                    error = python_exception("NameError", f"name '{target.id}' is not defined")
                    raise GradtraceError("runtime", error, code="runtime.name_error")
                del scope.values[target.id]
            elif isinstance(target, ast.Subscript):
                obj = self.evaluate(target.value, scope)
                if type(obj) not in (list, dict):
                    error = python_exception(
                        "TypeError", f"'{type(obj).__name__}' object doesn't support item deletion"
                    )
                    raise GradtraceError("runtime", error, code="runtime.type_error")
                del obj[self.evaluate(target.slice, scope)]
            else:
                refusal = Message("only names and items can be deleted here, as in `del x` or `del d['key']`")
                raise GradtraceError("forbidden", refusal, code="forbidden.delete")

    def exec_Assert(self, stmt: ast.Assert, scope: Scope) -> None:
        if not self.truth(self.evaluate(stmt.test, scope), stmt):
            text = "" if stmt.msg is None else str(self.evaluate(stmt.msg, scope))
            raise GradtraceError("runtime", python_exception("AssertionError", text), code="runtime.assertion_error")

    def exec_Import(self, stmt: ast.Import, scope: Scope) -> None:
        # A module gradtrace does not offer binds a stand-in refused where it is used (imports.py).
        for alias in stmt.names:
            name, module = self.imports.bind_import(alias)
            self.bind_name(name, module, scope, report=False)

    def exec_ImportFrom(self, stmt: ast.ImportFrom, scope: Scope) -> None:
        for alias in stmt.names:
            value = self.imports.from_import(stmt.module or "", alias.name)
            self.bind_name(alias.asname or alias.name, value, scope, report=False)

    # --- compound statements --------------------------------------------------------------------

    def exec_If(self, stmt: ast.If, scope: Scope) -> None:
        branch = stmt.body if self.truth(self.evaluate(stmt.test, scope), stmt) else stmt.orelse
        self.run_block(branch, scope)

    def loop_body(self, body: list[ast.stmt], scope: Scope) -> bool:
        """Run a loop body once; False when it hit `break`."""
        try:
            self.run_block(body, scope)
        except _Break:
            return False
        except _Continue:
            pass
        return True

    def exec_While(self, stmt: ast.While, scope: Scope) -> None:
        while self.truth(self.evaluate(stmt.test, scope), stmt):
            self.line = stmt.lineno
            if not self.loop_body(stmt.body, scope):
                return
        self.run_block(stmt.orelse, scope)

    def exec_For(self, stmt: ast.For, scope: Scope) -> None:
        iterable = self.evaluate(stmt.iter, scope)
        if type(iterable) in USER_OBJECTS:
            iterable = self.user_dunder(iterable, "__iter__", [], "is not iterable")
        kind = kind_of(iterable)
        if kind not in ("plain", "container", "tensor", "size", "return_types", "module", "SandboxIterator") and (
            kind not in extensions.ITERABLE_KINDS
        ):
            error = python_exception("TypeError", f"'{type(iterable).__name__}' object is not iterable")
            raise GradtraceError("runtime", error, code="runtime.type_error")
        for item in iterable:  # lazy: allowed values iterate without calling user code
            self.line = stmt.lineno
            self.step()
            self.bind_target(stmt.target, item, scope, loop=True)
            if not self.loop_body(stmt.body, scope):
                return
        self.run_block(stmt.orelse, scope)

    def exec_Break(self, stmt: ast.Break, scope: Scope) -> None:
        raise _Break

    def exec_Continue(self, stmt: ast.Continue, scope: Scope) -> None:
        raise _Continue

    def exec_Return(self, stmt: ast.Return, scope: Scope) -> None:
        raise _Return(None if stmt.value is None else self.evaluate(stmt.value, scope))

    def exec_With(self, stmt: ast.With, scope: Scope) -> None:
        if not stmt.items:
            self.run_block(stmt.body, scope)
            return
        item, rest = stmt.items[0], stmt.items[1:]
        manager = self.evaluate(item.context_expr, scope)
        if kind_of(manager) in extensions.CONTEXT_KINDS:
            manager = OwnContext(manager)
        if not isinstance(manager, GradMode | OwnContext):
            refusal = Message(
                "`with` works only with torch.no_grad(), torch.enable_grad(), torch.set_grad_enabled(...), "
                "torch.inference_mode() and np.nditer(...)"
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.with")
        manager.enter()
        try:
            if item.optional_vars is not None:
                bound = manager.value if isinstance(manager, OwnContext) else manager
                self.bind_target(item.optional_vars, bound, scope)
            self.exec_With(ast.With(items=rest, body=stmt.body), scope)
        finally:
            manager.exit()

    def exec_FunctionDef(self, stmt: ast.FunctionDef, scope: Scope) -> None:
        decorators = [self.evaluate(d, scope) for d in stmt.decorator_list]
        value: object = self.make_function(stmt, scope)
        for decorator in reversed(decorators):
            value = self.call_value(decorator, [value], {}, stmt)
        self.bind_name(stmt.name, value, scope, report=False)

    def call_user(self, fn: UserFunction, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> object:
        """Bind arguments like Python does, then run the body in a fresh scope."""
        if self.depth >= self.limits.max_call_depth:
            raise GradtraceError(
                "limit",
                Message("functions call each other more than {limit} deep", limit=self.limits.max_call_depth),
                getattr(node, "lineno", None),
                code="limit.call_depth",
            )
        local = Scope(bind_arguments(fn, args, kwargs), fn.local_names, fn.scope)
        self.depth += 1
        line = self.line
        self.frames.append((fn, local))
        yielded: list[Any] | None = [] if fn.generator else None  # a generator runs to its end at once
        if yielded is not None:
            self.yielded.append(yielded)
        try:
            self.run_block(fn.node.body, local)
        except _Return as ret:
            if yielded is None:
                return ret.value
        except (_Break, _Continue):
            raise syntax_error("'break' or 'continue' outside loop", self.line) from None
        finally:
            self.depth -= 1
            self.line = line
            self.frames.pop()
            if yielded is not None:
                self.yielded.pop()
        return None if yielded is None else SandboxIterator(yielded)


_EVALUATORS = dispatch_table(Interpreter, "eval_")
_EXECUTORS = dispatch_table(Interpreter, "exec_")

__all__ = ["Execution", "HostFunction", "Namespace", "Observer", "run_program"]
