"""Operators, items and iteration on instances of the program's own classes: their dunder methods decide."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from .objects import SandboxException, UserInstance, class_of, is_user_instance
from .python_errors import type_error

# operator -> (method on the left operand, reflected method on the right operand, symbol)
OPERATOR_DUNDERS: dict[Callable[[Any, Any], Any], tuple[str, str | None, str]] = {
    operator.add: ("__add__", "__radd__", "+"),
    operator.sub: ("__sub__", "__rsub__", "-"),
    operator.mul: ("__mul__", "__rmul__", "*"),
    operator.truediv: ("__truediv__", "__rtruediv__", "/"),
    operator.floordiv: ("__floordiv__", "__rfloordiv__", "//"),
    operator.mod: ("__mod__", "__rmod__", "%"),
    operator.pow: ("__pow__", "__rpow__", "** or pow()"),
    operator.matmul: ("__matmul__", "__rmatmul__", "@"),
    operator.eq: ("__eq__", "__eq__", "=="),
    operator.ne: ("__ne__", "__ne__", "!="),
    operator.lt: ("__lt__", "__gt__", "<"),
    operator.le: ("__le__", "__ge__", "<="),
    operator.gt: ("__gt__", "__lt__", ">"),
    operator.ge: ("__ge__", "__le__", ">="),
}
_ORDERINGS = frozenset({"<", "<=", ">", ">="})
_INPLACE: dict[Callable[[Any, Any], Any], tuple[str, Callable[[Any, Any], Any]]] = {
    operator.iadd: ("__iadd__", operator.add),
    operator.isub: ("__isub__", operator.sub),
    operator.imul: ("__imul__", operator.mul),
    operator.itruediv: ("__itruediv__", operator.truediv),
    operator.ifloordiv: ("", operator.floordiv),
    operator.imod: ("", operator.mod),
    operator.ipow: ("", operator.pow),
    operator.imatmul: ("", operator.matmul),
}


def type_name(value: object) -> str:
    """The class name Python would print for `value` (the user's class name for its instances)."""
    cls = class_of(value)
    if cls is not None:
        return cls.name
    if isinstance(value, SandboxException):
        return value.cls.__name__
    return type(value).__name__


def is_user_object(value: object) -> bool:
    """Values whose operators and attributes the program's own class decides."""
    return type(value) is UserInstance or is_user_instance(value)


class OperatorSupport:
    """The Interpreter's part for operators on user instances (mixed in; uses its call_value)."""

    call_value: Callable[..., Any]

    def user_operator(self, op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        """`left op right` where an operand is an instance of a user class: its dunder methods decide."""
        if op in _INPLACE:
            dunder, op = _INPLACE[op]
            if dunder and is_user_object(left):
                found, method = left.sandbox_class.find(dunder)
                if found:
                    return self.call_value(method, [left, right], {}, None)
        if op not in OPERATOR_DUNDERS:
            return op(left, right)  # `is`, `in`: identity and membership need no method
        forward, reflected, symbol = OPERATOR_DUNDERS[op]
        for receiver, other, method_name in ((left, right, forward), (right, left, reflected)):
            if method_name is not None and is_user_object(receiver):
                found, method = receiver.sandbox_class.find(method_name)
                if found:
                    result = self.call_value(method, [receiver, other], {}, None)
                    if result is not NotImplemented:
                        return result
        if op is operator.eq:
            return left is right
        if op is operator.ne:
            return left is not right
        operands = f"'{type_name(left)}' and '{type_name(right)}'"
        if symbol in _ORDERINGS:
            raise type_error(f"'{symbol}' not supported between instances of {operands}")
        raise type_error(f"unsupported operand type(s) for {symbol}: {operands}")

    def user_unary(self, dunder: str, operand: Any, symbol: str) -> Any:
        """`-x` / `+x` for an instance of a user class."""
        found, method = operand.sandbox_class.find(dunder)
        if not found:
            raise type_error(f"bad operand type for unary {symbol}: '{type_name(operand)}'")
        return self.call_value(method, [operand], {}, None)

    def user_dunder(self, obj: Any, dunder: str, args: list[Any], what: str) -> Any:
        """Call `obj.<dunder>(*args)` (getitem, setitem, iter, contains, call), or Python's TypeError."""
        found, method = obj.sandbox_class.find(dunder)
        if not found:
            raise type_error(f"'{type_name(obj)}' object {what}")
        return self.call_value(method, [obj, *args], {}, None)
