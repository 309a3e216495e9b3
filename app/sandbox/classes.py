"""User-defined classes: the `class` statement, instances, attribute access, super() and operators.

Every class and instance is an object of app/sandbox/objects.py (or the fixed nn.Module host of
app/sandbox/user_modules.py); attribute access on them reads only the program's own dicts, the
parameters/submodules torch registered, or the allowlist. Dunder names other than the methods a
class may define never resolve.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, cast

import torch
from torch import nn
from torch.utils.data import Dataset

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import allowlist
from .autograd_function import CONTEXT_ATTRIBUTES, CONTEXT_METHODS, FunctionContext, function_host
from .builtins import materialise
from .expressions import runtime_error
from .members import get_attribute, set_attribute, unavailable_assignment
from .objects import (
    EXCEPTION_TYPES,
    USER_DUNDERS,
    BoundMethod,
    ClassMethod,
    Property,
    SandboxException,
    StaticMethod,
    SuperProxy,
    UserClass,
    UserInstance,
    class_of,
)
from .origin_names import module_name, module_of
from .python_errors import python_exception
from .suggestions import not_available_here
from .user_modules import SandboxModule
from .user_operators import is_user_object, type_name
from .values import (
    GradModeFunction,
    HostFunction,
    Namespace,
    Scope,
    UserFunction,
    check_result,
    is_tensor,
    kind_of,
)

# The real bases a user class may stand on, by what they make of it.
_HOST_BASES: dict[type, str] = {nn.Module: "module", torch.autograd.Function: "function"}
_HOST_SHOWN: dict[str, str] = {"module": "nn.Module", "function": "torch.autograd.Function", "exception": "Exception"}
# Objects of the program (not instances) whose attributes user_attribute answers.
_PROGRAM_OBJECTS: frozenset[type] = frozenset({UserClass, SuperProxy, SandboxException, Property})
_PLAIN_BASES: frozenset[type] = frozenset({object, Dataset})


def linearise(name: str, bases: list[UserClass]) -> tuple[UserClass, ...]:
    """C3 linearisation, as Python orders base classes (without the class itself)."""
    sequences = [list(b.mro) for b in bases] + [list(bases)]
    order: list[UserClass] = []
    while any(sequences):
        for seq in sequences:
            if not seq:
                continue
            head = seq[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:
            text = f"Cannot create a consistent method resolution order for {name}"
            raise GradtraceError("runtime", python_exception("TypeError", text), code="runtime.type_error")
        order.append(head)
        sequences = [s[1:] if s and s[0] is head else s for s in sequences]
    return tuple(order)


class ClassSupport:
    """The Interpreter's part for classes (mixed in; uses its evaluate/run_block/call_value)."""

    limits: Limits
    evaluate: Callable[..., Any]
    run_block: Callable[..., None]
    bind_name: Callable[..., None]
    call_value: Callable[..., Any]
    addresses: int
    tensor_attributes: dict[int, tuple[object, dict[str, object]]]  # id(tensor) -> (tensor kept alive, names)
    builtins: dict[str, object]
    namespaces: dict[str, Namespace]

    def next_address(self) -> int:
        """A deterministic made-up address for default reprs."""
        self.addresses += 0x30
        return 0x7F0000001000 + self.addresses

    def exec_ClassDef(self, stmt: ast.ClassDef, scope: Scope) -> None:
        if stmt.keywords:
            refusal = Message("class keywords such as `metaclass=` are not supported here")
            raise GradtraceError("forbidden", refusal, code="forbidden.class_keyword")
        decorators = [self.evaluate(d, scope) for d in stmt.decorator_list]
        bases = [self.evaluate(b, scope) for b in stmt.bases]
        body = Scope({}, None, scope, is_class=True)
        self.run_block(stmt.body, body)
        value: object = self.make_class(stmt.name, bases, body.values)
        for decorator in reversed(decorators):
            value = self.call_value(decorator, [value], {}, stmt)
        self.bind_name(stmt.name, value, scope, report=False)

    def make_class(self, name: str, bases: list[object], attributes: dict[str, object]) -> UserClass:
        """A UserClass from evaluated bases and the names its body bound."""
        user_bases: list[UserClass] = []
        host: str | None = None
        host_class: type | None = None
        for base in bases:
            if isinstance(base, UserClass):
                user_bases.append(base)
                base_host, base_class = base.host, base.host_class
            elif isinstance(base, HostFunction) and base.cls in _HOST_BASES:
                base_host, base_class = _HOST_BASES[base.cls], None
            elif isinstance(base, HostFunction) and base.cls in EXCEPTION_TYPES.values():
                base_host, base_class = "exception", base.cls  # type: ignore[assignment]
            elif isinstance(base, HostFunction) and base.cls in _PLAIN_BASES:
                continue  # object, and torch's Dataset (DataLoader reads it through __getitem__)
            else:
                refusal = Message(
                    "`{statement}`: a class may derive from your own classes, nn.Module, torch.autograd.Function, "
                    "object or an exception",
                    # A builtin base by the name the learner wrote (`dict`), not its repr (`<class 'dict'>`).
                    statement=f"class {name}({base.name if isinstance(base, HostFunction) else repr(base)})",
                )
                raise GradtraceError("forbidden", refusal, code="forbidden.class_base")
            if base_host is not None and host is not None and base_host != host:
                refusal = Message(
                    "`class {name}` mixes `{host}` and `{other}` bases; derive from one of them",
                    name=name,
                    host=_HOST_SHOWN[host],
                    other=_HOST_SHOWN[base_host],
                )
                raise GradtraceError("forbidden", refusal, code="forbidden.class_base")
            host = base_host or host
            host_class = host_class or base_class
        cls = UserClass(name, tuple(bases), attributes, self, host=host, host_class=host_class)
        cls.mro = (cls, *linearise(name, user_bases))
        for attr in attributes.values():
            inner = attr.function if isinstance(attr, StaticMethod | ClassMethod) else attr
            inner = inner.getter if isinstance(inner, Property) else inner
            if isinstance(inner, UserFunction) and inner.owner is None:
                inner.owner = cls
        if host == "function":
            cls.host_class = function_host(cls)
        return cls

    def instantiate(self, cls: UserClass, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> object:
        """`Cls(...)`: a new instance, initialised by the class's __init__ as Python does."""
        if cls.host == "function":
            message = Message("TypeError: call `{name}.apply(...)`, not `{name}(...)`", name=cls.name)
            raise GradtraceError("runtime", message, code="runtime.type_error")
        instance: object = SandboxModule.make(cls) if cls.host == "module" else UserInstance(cls)
        found, init = cls.find("__init__")
        if not found:
            if cls.host == "module":
                instance.set_up()  # type: ignore[attr-defined]
            if cls.host == "exception":
                instance.sandbox_attrs["args"] = tuple(args)  # type: ignore[attr-defined]
            elif args or kwargs:
                error = python_exception("TypeError", f"{cls.name}() takes no arguments")
                raise GradtraceError("runtime", error, code="runtime.type_error")
            return instance
        if cls.host == "exception":
            instance.sandbox_attrs["args"] = tuple(args)  # type: ignore[attr-defined]
        result = self.call_value(self.bind_found(init, instance, cls), args, kwargs, node)
        if result is not None:
            error = python_exception("TypeError", f"__init__() should return None, not '{type_name(result)}'")
            raise GradtraceError("runtime", error, code="runtime.type_error")
        return instance

    @staticmethod
    def bind_found(value: object, receiver: object, cls: UserClass) -> object:
        """What `receiver.name` gives for a class attribute `value` (methods bind)."""
        if isinstance(value, UserFunction):
            return BoundMethod(value, receiver)
        if isinstance(value, StaticMethod):
            return value.function
        if isinstance(value, ClassMethod):
            return BoundMethod(value.function, cls)
        return value

    # --- attribute access -------------------------------------------------------------------------

    def user_attribute(self, obj: object, name: str, shown: str) -> object:
        """`obj.name` for classes, instances, super() and exceptions of the program."""
        if name.startswith("__") and name not in USER_DUNDERS:
            special = self.special_attribute(obj, name)
            if special is None:
                raise GradtraceError("forbidden", not_available_here(shown), code="forbidden.attribute")
            return special
        if isinstance(obj, UserClass):
            return self.class_attribute(obj, name, shown)
        if isinstance(obj, SuperProxy):
            return self.super_attribute(obj, name, shown)
        if isinstance(obj, SandboxException):
            if name == "args":
                return obj.args
            error = python_exception("AttributeError", f"'{obj.cls.__name__}' object has no attribute '{name}'")
            raise GradtraceError("runtime", error, code="runtime.attribute_error")
        if isinstance(obj, Property):
            if name != "setter":
                refusal = Message("`{name}` is not available here; a property offers `.setter`", name=shown)
                raise GradtraceError("forbidden", refusal, code="forbidden.attribute")
            return HostFunction("setter", lambda fn: Property(obj.getter, fn), policy="builtin")
        return self.instance_attribute(obj, name, shown)

    def module_class(self, module: object) -> object:
        """`layer.__class__` of a torch module: the nn class token (`.__name__` gives 'Linear')."""
        for token in self.class_tokens():
            if token.cls is type(module):
                return token
        refusal = not_available_here(f"{type(module).__name__}.__class__")
        raise GradtraceError("forbidden", refusal, code="forbidden.attribute")

    @staticmethod
    def special_attribute(obj: object, name: str) -> object:
        """`x.__class__` of the program's instances and `Cls.__name__`; None where not offered."""
        if name == "__class__":
            return class_of(obj)
        if name == "__name__" and isinstance(obj, UserClass):
            return obj.name
        return None

    def instance_attribute(self, obj: Any, name: str, shown: str) -> object:
        cls: UserClass = obj.sandbox_class
        found, value = cls.find(name)
        if found and isinstance(value, Property):
            return self.call_value(value.getter, [obj], {}, None)
        if name in obj.sandbox_attrs:
            return obj.sandbox_attrs[name]
        if isinstance(obj, SandboxModule):
            registered = registered_member(obj, name)
            if registered is not None:
                return registered
        if found:
            return self.bind_found(value, obj, cls)
        if isinstance(obj, SandboxModule) and not name.startswith("_"):
            return get_attribute(obj, name, shown, self.limits)
        if isinstance(obj, SandboxModule) and name == "_modules" and "_modules" in vars(obj):
            return vars(obj)["_modules"]  # d2l's MySequential registers children through it
        error = python_exception("AttributeError", f"'{cls.name}' object has no attribute '{name}'")
        raise GradtraceError("runtime", error, code="runtime.attribute_error")

    def class_attribute(self, cls: UserClass, name: str, shown: str) -> object:
        found, value = cls.find(name)
        if found:
            if isinstance(value, StaticMethod):
                return value.function
            if isinstance(value, ClassMethod):
                return BoundMethod(value.function, cls)
            return value
        if cls.host == "function" and name == "apply" and cls.host_class is not None:
            return HostFunction(f"{cls.name}.apply", cls.host_class.apply)  # type: ignore[attr-defined]
        error = python_exception("AttributeError", f"type object '{cls.name}' has no attribute '{name}'")
        raise GradtraceError("runtime", error, code="runtime.attribute_error")

    def super_attribute(self, proxy: SuperProxy, name: str, shown: str) -> object:
        receiver = proxy.receiver
        own = receiver if isinstance(receiver, UserClass) else class_of(receiver)
        if own is None:
            error = python_exception("TypeError", "super(type, obj): obj must be an instance or subtype of type")
            raise GradtraceError("runtime", error, code="runtime.type_error")
        mro = own.mro
        after = mro[mro.index(proxy.start) + 1 :] if proxy.start in mro else ()
        for cls in after:
            if name in cls.attributes:
                return self.bind_found(cls.attributes[name], receiver, own)
        if name == "__init__":
            return HostFunction(f"{own.name}.__init__", host_initialiser(own, receiver), policy="builtin")
        error = python_exception("AttributeError", f"'super' object has no attribute '{name}'")
        raise GradtraceError("runtime", error, code="runtime.attribute_error")

    def set_user_attribute(self, obj: Any, name: str, value: object, shown: str) -> None:
        """`obj.name = value` on an instance of a user class (a Property runs its setter)."""
        if name.startswith("__") or not is_user_object(obj):
            raise unavailable_assignment(shown)
        cls: UserClass = obj.sandbox_class
        found, current = cls.find(name)
        if found and isinstance(current, Property):
            if current.setter_function is None:
                error = python_exception("AttributeError", f"property '{name}' of '{cls.name}' object has no setter")
                raise GradtraceError("runtime", error, code="runtime.attribute_error")
            self.call_value(current.setter_function, [obj, value], {}, None)
            return
        if isinstance(obj, SandboxModule) and registers(obj, name, value):
            if name in vars(obj):
                refusal = Message("`{name}` would replace a part of nn.Module; choose another name", name=shown)
                raise GradtraceError("forbidden", refusal, code="forbidden.module_attribute")
            try:
                nn.Module.__setattr__(obj, name, cast(Any, value))
            except (AttributeError, TypeError, KeyError) as exc:
                raise runtime_error(exc) from None
            obj.sandbox_attrs.pop(name, None)
            return
        obj.sandbox_attrs[name] = value

    def attribute_of(self, obj: object, name: str, shown: str) -> object:
        """`obj.name` as user code reads it: the program's own objects first, then the allowlist."""
        if name == "__module__":
            return module_of(obj, shown)
        if name == "__name__" and isinstance(obj, Namespace):
            return module_name(obj, shown)
        if type(obj) in _PROGRAM_OBJECTS or is_user_object(obj):
            return self.user_attribute(obj, name, shown)
        if type(obj) is FunctionContext:
            return context_attribute(obj, name, shown)
        if name == "__name__" and (function_name := _function_name(obj)) is not None:
            return function_name
        if name == "__class__" and kind_of(obj) == "module":
            return self.module_class(obj)
        if isinstance(obj, HostFunction) and obj.cls is dict and name == "fromkeys":
            return HostFunction("dict.fromkeys", self.dict_from_keys, policy="builtin")
        if kind_of(obj) == "module" and not name.startswith("_"):
            child = vars(obj).get("_modules", {}).get(name)
            if child is not None:  # a named child: Sequential(OrderedDict([("hidden", ...)])).hidden
                return child
        if is_tensor(obj) and not name.startswith("__"):
            extra = self.tensor_attributes.get(id(obj))
            if extra is not None and name in extra[1]:
                return extra[1][name]
        return get_attribute(obj, name, shown, self.limits)

    def assign_attribute(self, obj: object, name: str, value: object, shown: str) -> None:
        """`obj.name = value`: user objects, ctx, a side table for tensors (fast.ai's `inp.g`), or torch."""
        if name.startswith("__"):
            raise unavailable_assignment(shown)
        if is_user_object(obj):
            self.set_user_attribute(obj, name, value, shown)
        elif isinstance(obj, UserClass):
            obj.attributes[name] = value  # a class attribute (`A.count += 1`)
        elif type(obj) is FunctionContext:
            if name in CONTEXT_METHODS | CONTEXT_ATTRIBUTES:
                raise unavailable_assignment(shown)
            obj.attributes[name] = value
        elif is_tensor(obj) and name not in allowlist.TENSOR_SETTABLE and not _tensor_member(name):
            # Never set on the real tensor: the program's own names live beside it, keyed by it.
            self.tensor_attributes.setdefault(id(obj), (obj, {}))[1][name] = value
        else:
            set_attribute(obj, name, value, shown)

    def class_tokens(self) -> list[HostFunction]:
        """Class-like values user code can name: builtins first, then torch, nn, optim members."""
        tokens = [v for v in self.builtins.values() if isinstance(v, HostFunction) and v.cls is not None]
        for key in ("torch", "nn", "optim"):
            members = self.namespaces[key].members.values()
            tokens.extend(v for v in members if isinstance(v, HostFunction) and v.cls is not None)
        return tokens

    def dict_from_keys(self, keys: Any, value: object = None) -> dict[Any, Any]:
        """dict.fromkeys(keys, value), size-checked."""
        return dict.fromkeys(materialise(keys, self.limits), value)


def _function_name(value: object) -> str | None:
    """`f.__name__` of a class token, a def (also decorated with @torch.no_grad()) or a lambda."""
    if isinstance(value, HostFunction) and isinstance(value.cls, type):
        return value.cls.__name__
    if isinstance(value, GradModeFunction):
        return _function_name(value.function)
    if isinstance(value, UserFunction):
        return value.node.name
    return None


def _tensor_member(name: str) -> bool:
    return name in allowlist.TENSOR_ATTRIBUTES or name in allowlist.TENSOR_METHODS


def context_attribute(ctx: FunctionContext, name: str, shown: str) -> object:
    """`ctx.name` in a custom Function: its allowlisted members or the program's own attributes."""
    if name in CONTEXT_METHODS:
        return HostFunction(f"ctx.{name}", getattr(ctx.ctx, name))
    if name in CONTEXT_ATTRIBUTES:
        return check_result(getattr(ctx.ctx, name), shown)
    if name in ctx.attributes:
        return ctx.attributes[name]
    error = python_exception("AttributeError", f"'{type(ctx.ctx).__name__}' object has no attribute '{name}'")
    raise GradtraceError("runtime", error, code="runtime.attribute_error")


def registers(module: SandboxModule, name: str, value: object) -> bool:
    """True when torch's nn.Module.__setattr__ must see this assignment (parameters and submodules)."""
    if isinstance(value, nn.Parameter | nn.Module):
        return True
    tables = ("_parameters", "_modules", "_buffers")
    return any(name in vars(module).get(t, {}) for t in tables)


def registered_member(module: SandboxModule, name: str) -> object:
    """A parameter, buffer or submodule torch registered under `name`, else None."""
    for table in ("_parameters", "_buffers", "_modules"):
        members = vars(module).get(table)
        if members is not None and name in members:
            return members[name]
    return None


def host_initialiser(cls: UserClass, receiver: object) -> Callable[..., None]:
    """`super().__init__(...)` past the last user class: nn.Module's, an exception's, or object's."""

    def initialise(*args: Any, **kwargs: Any) -> None:
        if cls.host == "module" and isinstance(receiver, SandboxModule):
            receiver.set_up(*args, **kwargs)
        elif cls.host == "exception" and is_user_object(receiver):
            receiver.sandbox_attrs["args"] = tuple(args)  # type: ignore[attr-defined]
        elif args or kwargs:
            raise TypeError("object.__init__() takes exactly one argument (the instance to initialize)")

    return initialise


def offer_class_bases(namespaces: dict[str, Namespace]) -> None:
    """Put nn.Module and torch.autograd.Function into a run's namespaces: bases for user classes.

    Calling either directly is refused; they serve `class Net(nn.Module)`, `super()` and isinstance."""
    namespaces["nn"].members["Module"] = HostFunction(
        "torch.nn.Module", _base_only("nn.Module"), cls=nn.Module, policy="builtin"
    )
    torch_members = namespaces["torch"].members
    autograd = torch_members.get("autograd")
    if not isinstance(autograd, Namespace):
        autograd = torch_members["autograd"] = Namespace("torch.autograd", {})
    autograd.members["Function"] = HostFunction(
        "torch.autograd.Function", _base_only("torch.autograd.Function"), cls=torch.autograd.Function, policy="builtin"
    )
    # For isinstance(updater, torch.optim.Optimizer) (d2l's training loop).
    namespaces["optim"].members["Optimizer"] = HostFunction(
        "torch.optim.Optimizer", _base_only("torch.optim.Optimizer"), cls=torch.optim.Optimizer, policy="builtin"
    )


def _base_only(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        refusal = Message("`{name}()` is used as a base class here: write `class Net({name}):`", name=name)
        raise GradtraceError("forbidden", refusal, code="forbidden.base_only")

    return refuse
