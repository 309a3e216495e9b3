"""Builtins that call back into the program or know its classes: map, filter, sorted(key=),
min/max(key=), iter/next, getattr/hasattr, isinstance, super, staticmethod/classmethod/property,
set, slice, callable, object and the built-in exception types."""

from __future__ import annotations

import builtins as py
import operator
import types
from collections.abc import Callable
from typing import Any, Protocol

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .builtins import materialise
from .calls import CALLABLE_KINDS
from .objects import (
    EXCEPTION_TYPES,
    BoundMethod,
    ClassMethod,
    GeneratedList,
    Property,
    SandboxException,
    SandboxIterator,
    StaticMethod,
    SuperProxy,
    UserClass,
    class_of,
    is_user_instance,
)
from .python_errors import type_error
from .values import HostFunction, Namespace, Scope, UserFunction, kind_of


class Interpreter(Protocol):
    """What these builtins need from the interpreter."""

    limits: Limits
    frames: list[tuple[UserFunction, Scope]]

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: object) -> object:
        """Call any callable value."""

    def attribute_of(self, obj: object, name: str, shown: str) -> object:
        """`obj.name` as user code reads it."""

    def user_dunder(self, obj: Any, dunder: str, args: list[Any], what: str) -> Any:
        """Call a dunder method of a user instance."""

    def class_tokens(self) -> list[HostFunction]:
        """The class-like values user code can name (builtins, torch, nn, optim members)."""

    def assign_attribute(self, obj: object, name: str, value: object, shown: str) -> None:
        """`obj.name = value` as user code writes it."""

    def operate(self, op: Callable[[Any, Any], Any], left: Any, right: Any, node: Any) -> Any:
        """`left op right`, size-checked first."""


_NO_DEFAULT = object()
_MISSING = object()


def _is_instance(value: object, kinds: object) -> bool:
    tokens = kinds if isinstance(kinds, tuple) else (kinds,)
    user_class = class_of(value)
    for token in tokens:
        if isinstance(token, UserClass):
            if user_class is not None and user_class.is_subclass_of(token):
                return True
            continue
        if not isinstance(token, HostFunction) or token.cls is None:
            raise type_error("isinstance() arg 2 must be a type or tuple of types")
        classes = token.cls if isinstance(token.cls, tuple) else (token.cls,)
        if isinstance(value, SandboxException):
            found = issubclass(value.cls, classes)
        elif user_class is not None and user_class.host == "exception" and user_class.host_class is not None:
            found = issubclass(user_class.host_class, classes)
        elif user_class is not None and user_class.host != "module":  # nn.Module ones are real modules
            found = object in classes
        else:
            found = py.isinstance(value, classes)
        if found:
            return True
    return False


# type(x) of the sandbox's stand-ins names what Python would: type(print) is builtin_function_or_method.
_AS_PYTHON_NAMES_IT: dict[type, type] = {
    HostFunction: types.BuiltinFunctionType,
    UserFunction: types.FunctionType,
    BoundMethod: types.MethodType,
    UserClass: type,
    Namespace: types.ModuleType,
    GeneratedList: list,
    StaticMethod: staticmethod,
    ClassMethod: classmethod,
    Property: property,
    SuperProxy: super,
}
_PACKAGE = __name__.partition(".")[0]


class _ClassBuiltins:
    def __init__(self, interpreter: Interpreter) -> None:
        self.run = interpreter
        self.limits = interpreter.limits
        self.ids: dict[int, tuple[object, int]] = {}  # id(x) -> (x kept alive, the number shown)

    def call(self, func: object, *args: Any) -> Any:
        return self.run.call_value(func, list(args), {}, None)

    def map_(self, func: object, *iterables: Any) -> list[Any]:
        columns = [materialise(it, self.limits) for it in iterables]
        return [self.call(func, *items) for items in zip(*columns, strict=False)]

    def filter_(self, func: object, iterable: Any) -> list[Any]:
        items = materialise(iterable, self.limits)
        return [x for x in items if (bool(x) if func is None else bool(self.call(func, x)))]

    def sorted_(self, iterable: Any, *, key: object = None, reverse: bool = False) -> list[Any]:
        items = materialise(iterable, self.limits)
        if key is None:
            return py.sorted(items, reverse=reverse)
        keys = [self.call(key, x) for x in items]
        order = py.sorted(range(len(items)), key=keys.__getitem__, reverse=reverse)
        return [items[i] for i in order]

    def extreme(self, pick: Callable[..., Any]) -> Callable[..., Any]:
        def choose(*args: Any, key: object = None, default: Any = _NO_DEFAULT) -> Any:
            items = materialise(args[0], self.limits) if len(args) == 1 else list(args)
            extra = {} if default is _NO_DEFAULT else {"default": default}
            if key is None:
                return pick(items, **extra)
            keys = [self.call(key, x) for x in items]
            best = pick(range(len(items)), key=keys.__getitem__, **({"default": None} if extra else {}))
            return default if best is None else items[best]

        return choose

    def iter_(self, value: Any) -> SandboxIterator:
        if isinstance(value, SandboxIterator):
            return value
        if is_user_instance(value):
            result = self.run.user_dunder(value, "__iter__", [], "is not iterable")
            return self.iter_(result)
        kind = kind_of(value)
        if kind not in ("plain", "container", "tensor", "size", "return_types", "module") and (
            kind not in extensions.ITERABLE_KINDS  # numpy arrays, data loaders
        ):
            raise TypeError(f"'{type(value).__name__}' object is not iterable")
        return SandboxIterator(materialise(value, self.limits))

    def next_(self, iterator: Any, default: Any = _NO_DEFAULT) -> Any:
        if type(iterator) is GeneratedList:  # next(model.parameters())
            if iterator.position >= len(iterator):
                if default is _NO_DEFAULT:
                    raise StopIteration
                return default
            iterator.position += 1
            return iterator[iterator.position - 1]
        if not isinstance(iterator, SandboxIterator):
            raise TypeError(f"'{type(iterator).__name__}' object is not an iterator")
        if iterator.position >= len(iterator.items):
            if default is _NO_DEFAULT:
                raise StopIteration
            return default
        iterator.position += 1
        return iterator.items[iterator.position - 1]

    def getattr_(self, obj: object, name: object, default: Any = _NO_DEFAULT) -> object:
        if type(name) is not str:
            raise TypeError("attribute name must be string")
        try:
            owner = obj.name if isinstance(obj, Namespace) else type(obj).__name__  # `torch.os`, never `Namespace.os`
            return self.run.attribute_of(obj, name, f"{owner}.{name}")
        except GradtraceError as err:
            # A public name gradtrace does not offer is missing, as far as the program can tell;
            # a `_` name stays refused, so probing internals is never quietly answered.
            missing = err.message.startswith("AttributeError") or (err.kind == "forbidden" and name[:1] != "_")
            if default is _NO_DEFAULT or not missing:
                raise
            return default

    def hasattr_(self, obj: object, name: object) -> bool:
        return self.getattr_(obj, name, _MISSING) is not _MISSING

    def super_(self, *args: Any) -> SuperProxy:
        if len(args) == 2 and isinstance(args[0], UserClass):
            return SuperProxy(args[0], args[1])
        if args or not self.run.frames:
            raise RuntimeError("super(): no arguments")
        function, local = self.run.frames[-1]
        params = [*function.node.args.posonlyargs, *function.node.args.args]
        if function.owner is None:
            raise RuntimeError("super(): __class__ cell not found")
        if not params or params[0].arg not in local.values:
            raise RuntimeError("super(): no arguments")
        return SuperProxy(function.owner, local.values[params[0].arg])

    def setattr_(self, obj: object, name: object, value: object) -> None:
        """setattr(obj, 'fc%i' % i, layer): the same gate as `obj.name = value`."""
        if type(name) is not str or not name.isidentifier():
            raise TypeError("attribute name must be an identifier string")
        if name.startswith("_"):
            refusal = Message(
                "{name} is not available: names starting with `_` are not available",
                name=f"`setattr(..., '{name}', ...)`",
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.underscore_name")
        self.run.assign_attribute(obj, name, value, f"{type(obj).__name__}.{name}")

    def pow_(self, base: Any, exp: Any, mod: Any = None) -> Any:
        """pow(a, b) as `a ** b` (size-checked first); pow(a, b, m) for ints."""
        if mod is None:
            return self.run.operate(operator.pow, base, exp, None)
        if not all(type(v) is int for v in (base, exp, mod)):
            raise TypeError("pow() 3rd argument not allowed unless all arguments are integers")
        return py.pow(base, exp, mod)

    def set_(self, iterable: Any = ()) -> set[Any]:
        return set(materialise(iterable, self.limits))

    def type_(self, *args: Any) -> object:
        """type(x): the program's class, or the class token user code already holds (`int`,
        `torch.Tensor`, `nn.Linear`), so `type(x) == torch.Tensor` holds; never a real class."""
        if len(args) != 1:
            refusal = Message("type(name, bases, dict) is not available here; write a `class`")
            raise GradtraceError("forbidden", refusal, code="forbidden.builtin")
        value = args[0]
        user_class = class_of(value)
        if user_class is not None:
            return user_class
        cls: type = value.cls if isinstance(value, SandboxException) else type(value)
        cls = _AS_PYTHON_NAMES_IT.get(cls, cls)
        if cls.__module__.partition(".")[0] == _PACKAGE:  # no name of the sandbox's own reaches the program
            cls = object
        for token in self.run.class_tokens():
            if token.cls is cls:
                return token
        return HostFunction(cls.__qualname__, _not_called(cls.__qualname__), cls=cls, policy="builtin")

    def dir_(self, value: object) -> list[str]:
        """dir(x) for namespaces and the program's own objects: the names user code may read."""
        if isinstance(value, Namespace):
            return sorted(n for n in value.members if not n.startswith("_"))
        user_class = value if isinstance(value, UserClass) else class_of(value)
        if user_class is None:
            refusal = Message("dir() works on modules and your own classes and objects here")
            raise GradtraceError("forbidden", refusal, code="forbidden.builtin")
        names = {n for cls in user_class.mro for n in cls.attributes}
        names.update(getattr(value, "sandbox_attrs", {}))
        return sorted(names)

    def id_(self, value: object) -> int:
        """id(x): a made-up number per object, the same for the same object (no real addresses)."""
        entry = self.ids.get(id(value))
        if entry is None:
            entry = self.ids[id(value)] = (value, 0x7F0000000000 + 16 * len(self.ids))
        return entry[1]


def _not_called(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        refusal = Message("`{name}()` is not available here; use it as a base class", name=name)
        raise GradtraceError("forbidden", refusal, code="forbidden.base_only")

    return refuse


def _exception_maker(cls: type[BaseException]) -> Callable[..., SandboxException]:
    def make(*args: Any) -> SandboxException:
        return SandboxException(cls, tuple(args))

    return make


def build_class_builtins(interpreter: Interpreter) -> dict[str, HostFunction]:
    """The builtins of one run that call back into the interpreter or know user classes."""
    run = _ClassBuiltins(interpreter)
    fns: dict[str, tuple[Callable[..., Any], type | None]] = {
        "map": (run.map_, None),
        "filter": (run.filter_, None),
        "sorted": (run.sorted_, None),
        "min": (run.extreme(py.min), None),
        "max": (run.extreme(py.max), None),
        "iter": (run.iter_, None),
        "next": (run.next_, None),
        "getattr": (run.getattr_, None),
        "hasattr": (run.hasattr_, None),
        "isinstance": (_is_instance, None),
        "callable": (lambda value: kind_of(value) in CALLABLE_KINDS or is_user_instance(value), None),
        "super": (run.super_, None),
        "staticmethod": (StaticMethod, None),
        "classmethod": (ClassMethod, None),
        "property": (Property, None),
        "set": (run.set_, set),
        "slice": (py.slice, slice),
        "object": (_not_called("object"), object),
        "type": (run.type_, None),
        "setattr": (run.setattr_, None),
        "pow": (run.pow_, None),
        "dir": (run.dir_, None),
        "id": (run.id_, None),
    }
    table = {name: HostFunction(name, fn, cls=cls, policy="builtin") for name, (fn, cls) in fns.items()}
    for name, cls in EXCEPTION_TYPES.items():
        table[name] = HostFunction(name, _exception_maker(cls), cls=cls, policy="builtin")
    return table
