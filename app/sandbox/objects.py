"""Objects the interpreter makes for the program's own classes, exceptions and iterators.

They are plain data held by the interpreter: user code reaches their contents only through
app/sandbox/classes.py, never through a real Python class's internals (no `type()` per class).
"""

from __future__ import annotations

import builtins as py
from dataclasses import dataclass
from typing import Any, Protocol

# Dunder methods a user class may define; the interpreter calls them where Python would.
USER_DUNDERS: frozenset[str] = frozenset(
    {
        "__init__",
        "__call__",
        "__repr__",
        "__str__",
        "__len__",
        "__getitem__",
        "__setitem__",
        "__contains__",
        "__iter__",
        "__bool__",
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__floordiv__",
        "__rfloordiv__",
        "__mod__",
        "__rmod__",
        "__pow__",
        "__rpow__",
        "__matmul__",
        "__rmatmul__",
        "__neg__",
        "__pos__",
        "__abs__",
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__iadd__",
        "__isub__",
        "__imul__",
        "__itruediv__",
    }
)


# `_` attributes user code may read, only where classes.py answers them: `obj.__class__` of its
# own instances, `cls.__name__`, `x.__module__` (origin_names.py), and `self._modules` of its own
# nn.Module (d2l's MySequential).
SPECIAL_READS: frozenset[str] = frozenset({"__class__", "__name__", "__module__", "_modules"})


class Caller(Protocol):
    """The interpreter, as the objects below need it: to run a user method."""

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: object) -> object:
        """Call any callable value user code may hold."""

    def next_address(self) -> int:
        """A made-up, deterministic address for default reprs (`<__main__.A object at 0x...>`)."""


@dataclass(eq=False)
class UserClass:
    """A class the program defined: its name, bases and the attributes its body bound."""

    name: str
    bases: tuple[object, ...]
    attributes: dict[str, object]
    caller: Caller
    mro: tuple[UserClass, ...] = ()
    host: str | None = None  # "module", "function" or "exception": what real base it stands on
    host_class: type | None = None  # the real class behind it (a Function host, an exception type)

    def find(self, name: str) -> tuple[bool, object]:
        """(True, value) for the first class in the MRO that binds `name`."""
        for cls in self.mro:
            if name in cls.attributes:
                return True, cls.attributes[name]
        return False, None

    def is_subclass_of(self, other: UserClass) -> bool:
        """issubclass(self, other) among user classes."""
        return other in self.mro

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"


class UserInstance:
    """An instance of a user class: its class and a dict of attributes, nothing else."""

    __slots__ = ("address", "sandbox_attrs", "sandbox_class")

    def __init__(self, cls: UserClass) -> None:
        self.sandbox_class = cls
        self.sandbox_attrs: dict[str, object] = {}
        self.address = cls.caller.next_address()

    def call_dunder(self, name: str, *args: object) -> tuple[bool, object]:
        """(True, result) when the class defines `name`, run through the interpreter."""
        found, method = self.sandbox_class.find(name)
        if not found:
            return False, None
        return True, self.sandbox_class.caller.call_value(method, [self, *args], {}, None)

    def default_repr(self) -> str:
        """What object.__repr__ (or an exception's) prints, with a made-up address."""
        cls = self.sandbox_class
        if cls.host == "exception":
            return f"{cls.name}({', '.join(map(repr, self.exception_args()))})"
        return f"<__main__.{cls.name} object at 0x{self.address:x}>"

    def exception_args(self) -> tuple[object, ...]:
        """`e.args` of an instance of the program's own exception class."""
        args = self.sandbox_attrs.get("args", ())
        return args if isinstance(args, tuple) else (args,)

    def __repr__(self) -> str:
        found, text = self.call_dunder("__repr__")
        return _text_result(text, "__repr__") if found else self.default_repr()

    def __str__(self) -> str:
        found, text = self.call_dunder("__str__")
        if found:
            return _text_result(text, "__str__")
        host = self.sandbox_class.host_class
        if self.sandbox_class.host == "exception" and host is not None:
            return str(host(*self.exception_args()))
        return repr(self)

    def __len__(self) -> int:
        found, size = self.call_dunder("__len__")
        if not found:
            raise TypeError(f"object of type '{self.sandbox_class.name}' has no len()")
        if type(size) is not int or size < 0:
            raise TypeError("'__len__' should return a non-negative integer")
        return size

    def __contains__(self, item: object) -> bool:
        found, result = self.call_dunder("__contains__", item)
        if not found:
            raise TypeError(f"argument of type '{self.sandbox_class.name}' is not iterable")
        return bool(result)

    def __getitem__(self, index: object) -> object:
        found, result = self.call_dunder("__getitem__", index)
        if not found:
            raise TypeError(f"'{self.sandbox_class.name}' object is not subscriptable")
        return result

    def __iter__(self) -> Any:
        found, result = self.call_dunder("__iter__")
        if not found:
            raise TypeError(f"'{self.sandbox_class.name}' object is not iterable")
        if type(result) is UserInstance or not hasattr(result, "__iter__"):
            raise TypeError(f"iter() returned non-iterator of type '{type(result).__name__}'")
        return iter(result)

    def __bool__(self) -> bool:
        found, value = self.call_dunder("__bool__")
        if found:
            if type(value) is not bool:
                raise TypeError(f"__bool__ should return bool, returned {type(value).__name__}")
            return value
        if self.sandbox_class.find("__len__")[0]:
            return len(self) > 0
        return True


def _binary_operator(dunder: str) -> Any:
    # Python's own machinery (sum(), sorted(), reflected operands) then runs the user's method.
    def operate(self: UserInstance, other: object) -> object:
        found, result = self.call_dunder(dunder, other)
        return result if found else NotImplemented

    operate.__name__ = dunder
    return operate


def _unary_operator(dunder: str, symbol: str) -> Any:
    def operate(self: UserInstance) -> object:
        found, result = self.call_dunder(dunder)
        if not found:
            raise TypeError(f"bad operand type for {symbol}: '{self.sandbox_class.name}'")
        return result

    operate.__name__ = dunder
    return operate


# Operators Python itself may apply to instances (sum(), sorted(), a reflected `1 + a`).
_BINARY_DUNDERS = (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __floordiv__ __rfloordiv__ "
    "__mod__ __rmod__ __pow__ __rpow__ __matmul__ __rmatmul__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__"
)
for _dunder in _BINARY_DUNDERS.split():
    setattr(UserInstance, _dunder, _binary_operator(_dunder))
for _dunder, _symbol in (("__neg__", "unary -"), ("__pos__", "unary +"), ("__abs__", "abs()")):
    setattr(UserInstance, _dunder, _unary_operator(_dunder, _symbol))
UserInstance.__hash__ = object.__hash__  # type: ignore[method-assign]  # identity, as Python's default


def _text_result(text: object, dunder: str) -> str:
    if type(text) is not str:
        raise TypeError(f"{dunder} returned non-string (type {type(text).__name__})")
    return text


@dataclass(eq=False)
class BoundMethod:
    """`obj.method`: a user function with its first argument bound."""

    function: Any  # UserFunction, or a callable value for classmethods of host-backed classes
    receiver: object

    def __repr__(self) -> str:
        owner = self.receiver if isinstance(self.receiver, UserClass) else class_of(self.receiver)
        name = getattr(getattr(self.function, "node", None), "name", "method")
        return f"<bound method {getattr(owner, 'name', '?')}.{name} of {self.receiver!r}>"


@dataclass(eq=False)
class StaticMethod:
    """`@staticmethod`: found on a class or instance, it is the plain function."""

    function: object


@dataclass(eq=False)
class ClassMethod:
    """`@classmethod`: bound to the class it is found on."""

    function: object


@dataclass(eq=False)
class Property:
    """`@property` (and `@name.setter`): run on attribute access."""

    getter: object
    setter_function: object = None


@dataclass(eq=False)
class SuperProxy:
    """`super()`: looks attributes up in the receiver's MRO after `start`."""

    start: UserClass
    receiver: object

    def __repr__(self) -> str:
        return f"<super: <class '{self.start.name}'>, <{self.start.name} object>>"


@dataclass(eq=False)
class SandboxException:
    """An instance of a built-in exception type, made by `ValueError(...)` or caught by `except`."""

    cls: type[BaseException]
    args: tuple[object, ...]

    def real(self) -> BaseException:
        """The same exception as Python's (for its str/repr only; it is never raised)."""
        return self.cls(*self.args)

    def __str__(self) -> str:
        return str(self.real())

    def __repr__(self) -> str:
        return repr(self.real())


class GeneratedList(list):  # type: ignore[type-arg]
    """What `model.parameters()` & co. hand out: the generator's items as a list (so optimizers,
    `for` and `list()` take it), which `next()` also steps through as it would the generator."""

    position = 0


@dataclass(eq=False)
class SandboxIterator:
    """`iter(xs)`: a position in a list the interpreter built (so `next` runs no user code)."""

    items: list[Any]
    position: int = 0

    def __iter__(self) -> SandboxIterator:
        return self

    def __next__(self) -> Any:
        if self.position >= len(self.items):
            raise StopIteration
        self.position += 1
        return self.items[self.position - 1]

    def __len__(self) -> int:  # what materialise() checks before copying
        return len(self.items) - self.position

    def __repr__(self) -> str:
        return "<list_iterator object>"


# The built-in exception types user code may name, raise and catch.
EXCEPTION_TYPES: dict[str, type[BaseException]] = {
    name: getattr(py, name)
    for name in (
        "Exception",
        "ArithmeticError",
        "LookupError",
        "ValueError",
        "TypeError",
        "RuntimeError",
        "KeyError",
        "IndexError",
        "ZeroDivisionError",
        "AssertionError",
        "NotImplementedError",
        "StopIteration",
        "AttributeError",
        "NameError",
        "OverflowError",
    )
}


def class_of(value: object) -> UserClass | None:
    """The user class of a user instance (plain or nn.Module-backed), else None."""
    cls = getattr(value, "sandbox_class", None) if is_user_instance(value) else None
    return cls if isinstance(cls, UserClass) else None


def is_user_instance(value: object) -> bool:
    """True for instances of user classes: UserInstance, or the nn.Module host when user-made."""
    return type(value) is UserInstance or getattr(type(value), "is_sandbox_module", False) is True
