"""Attribute access by (kind of object, attribute name), only as the allowlist says."""

from __future__ import annotations

import functools
import string
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import allowlist, extensions, guards
from .builtins import materialise
from .optimizer_steps import unwatched_method
from .python_errors import python_exception
from .suggestions import not_available_here, value_refusal
from .user_modules import ModuleTable
from .values import HostFunction, Namespace, check_argument, check_result, kind_of, text_size

_PYTHON_METHODS: dict[type, frozenset[str]] = {
    list: allowlist.LIST_METHODS,
    tuple: allowlist.TUPLE_METHODS,
    dict: allowlist.DICT_METHODS,
    OrderedDict: allowlist.DICT_METHODS,
    defaultdict: allowlist.DICT_METHODS,
    Counter: allowlist.DICT_METHODS | allowlist.COUNTER_METHODS,
    ModuleTable: allowlist.DICT_METHODS,
    str: allowlist.STR_METHODS | {"format"},
    set: allowlist.SET_METHODS,
}
_PADDING = frozenset({"ljust", "rjust", "center", "zfill"})


def _not_available(shown: str) -> GradtraceError:
    return GradtraceError("forbidden", not_available_here(shown), code="forbidden.attribute")


def unavailable_assignment(shown: str) -> GradtraceError:
    """`obj.name = value` refused: the program may set only its own objects' names and a tensor's
    requires_grad, grad and data."""
    refusal = Message(
        "assigning to `{name}` is not available here; a program may set its own objects' attributes "
        "and a tensor's requires_grad, grad and data",
        name=shown,
    )
    return GradtraceError("forbidden", refusal, code="forbidden.assignment")


def get_attribute(obj: object, name: str, shown: str, limits: Limits) -> object:
    """`obj.name` when the allowlist has it for obj's kind; otherwise a forbidden error."""
    if isinstance(obj, Namespace) and name in allowlist.PUBLIC_DUNDERS:
        return obj.member(name, shown)  # torch.__version__: a string
    if allowlist.is_saved_name(name) and kind_of(obj) == "grad_fn":
        # What a node saved for backward, read-only (the PyTorch docs' saved-tensors page).
        return check_result(getattr(obj, name), shown)
    if name.startswith("_"):
        raise _not_available(shown)
    value: object
    if isinstance(obj, Namespace):
        return obj.member(name, shown)
    kind = kind_of(obj)
    reader = extensions.ATTRIBUTES.get(kind) if kind is not None else None
    if reader is not None:  # values of offered modules (numpy subset, data loading, ...)
        return reader(obj, name, shown, limits)
    if kind == "tensor":
        if name in extensions.TENSOR_METHODS:  # methods an offered module reads differently (.type(FloatTensor))
            return extensions.TENSOR_METHODS[name](obj, shown)
        if name in allowlist.TENSOR_ATTRIBUTES:
            return check_result(getattr(obj, name), shown)
        if name in allowlist.TENSOR_METHODS:
            return HostFunction(shown, getattr(obj, name), sized=allowlist.SIZED_TENSOR_METHODS.get(name))
        if name in allowlist.CALLBACK_TENSOR_METHODS:  # the program's hook runs in the interpreter
            return HostFunction(shown, getattr(obj, name), policy="callback")
    elif kind == "module":
        if name in allowlist.MODULE_ATTRIBUTES:
            return check_result(getattr(obj, name), shown)
        if name in allowlist.MODULE_METHODS:
            return HostFunction(shown, getattr(obj, name), listing=name in allowlist.MODULE_LISTING_METHODS)
        if name in allowlist.CALLBACK_MODULE_METHODS:  # the program's function runs in the interpreter
            return HostFunction(shown, getattr(obj, name), policy="callback")
    elif kind == "optimizer":
        if name in allowlist.OPTIMIZER_ATTRIBUTES:
            return check_result(getattr(obj, name), shown)
        if name in allowlist.OPTIMIZER_METHODS:
            return HostFunction(
                shown, unwatched_method(obj, name, limits, functools.partial(check_param_groups, obj, shown))
            )
    elif kind == "grad_fn":
        if name in allowlist.GRAD_FN_ATTRIBUTES:
            return check_result(getattr(obj, name), shown)
        if name in allowlist.GRAD_FN_METHODS:
            return HostFunction(shown, getattr(obj, name))
    elif kind == "return_types" and name in allowlist.RETURN_TYPE_ATTRIBUTES:
        return check_result(getattr(obj, name), shown)
    elif kind == "size" and name in allowlist.SIZE_METHODS:
        return HostFunction(shown, getattr(obj, name))
    elif type(obj) in _PYTHON_METHODS and name in _PYTHON_METHODS[type(obj)]:
        value = HostFunction(shown, _guarded_method(obj, name, limits), policy="builtin")
        return value
    if obj is None:  # the common learner slip (`x.grad_fn` of a leaf): say it as Python does
        error = python_exception("AttributeError", f"'NoneType' object has no attribute '{name}'")
        raise GradtraceError("runtime", error, code="runtime.attribute_error")
    raise GradtraceError("forbidden", not_available_here(shown, value_refusal(kind, name)), code="forbidden.attribute")


def check_param_groups(optimizer: Any, callee: str) -> None:
    """Refuse an optimizer whose groups the program filled with anything but data (torch reads
    `group['lr']` with Python operators, which must never reach an object of the program)."""
    for group in optimizer.param_groups:
        try:
            check_argument(group, callee, allow_modules=False)
        except GradtraceError:
            refusal = Message(
                "`{name}`: the optimizer's param_groups may hold only numbers and tensors "
                "(set group['lr'] to a number)",
                name=callee,
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.param_groups") from None


def after_param_groups_check(optimizer: Any, method: Callable[..., Any], shown: str) -> Callable[..., Any]:
    """`method` of `optimizer` (or of its scheduler), run once its groups hold only data."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        check_param_groups(optimizer, shown)
        return method(*args, **kwargs)

    return call


def safe_format(template: str, limits: Limits) -> Callable[..., str]:
    """`template.format`: plain `{}`, `{0}`, `{name}` fields only, so a field cannot walk
    attributes or items (`{0.__class__}`); each spec is size-checked like an f-string's."""
    fields = list(string.Formatter().parse(template))
    for _, field_name, spec, _ in fields:
        if field_name is None:
            continue
        if field_name and not (field_name.isdigit() or field_name.isidentifier()):
            refusal = Message(
                "the format field `{field}` is not available here; name a value by position or name, as in `{example}`",
                field=f"{{{field_name}}}",
                example="{0}",
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.format_field")
        if spec and "{" in spec:
            refusal = Message(
                "nested format fields are not available here; write the width in the text, as in `{example}`",
                example="{:5}",
            )
            raise GradtraceError("forbidden", refusal, code="forbidden.format_field")
        guards.check_format_spec(spec or "", limits)

    def format_(*args: Any, **kwargs: Any) -> str:
        budget = max(limits.max_stdout_chars, limits.max_sequence_length)
        if len(template) + sum(text_size(v, budget) for v in (*args, *kwargs.values())) > budget:
            raise GradtraceError(
                "limit",
                Message("the text of this value would be longer than {limit} characters", limit=budget),
                code="limit.text_length",
            )
        return template.format(*args, **kwargs)

    return format_


def _guarded_method(obj: Any, name: str, limits: Limits) -> Callable[..., Any]:
    """A bound method of a list/dict/str that checks the size it would build first."""
    if name == "format":
        return safe_format(obj, limits)
    method = getattr(obj, name)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        extra = 0
        if name in ("append", "insert"):
            extra = 1
        elif name in ("extend", "update") and args and hasattr(args[0], "__len__"):
            extra = len(args[0])
        elif name in _PADDING and args and isinstance(args[0], int):
            extra = args[0]
        elif name == "join" and args and isinstance(args[0], (list, tuple)):
            extra = sum(len(s) if isinstance(s, str) else 0 for s in args[0]) + len(obj) * len(args[0])
        elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
            extra = (len(obj) + 1) * len(args[1])
        guards.check_length(len(obj) + extra, limits)
        result = method(*args, **kwargs)
        if isinstance(result, (list, str)):
            guards.check_length(len(result), limits)
        if name in ("keys", "values", "items", "elements"):
            result = materialise(result, limits)  # views and iterators are not values user code may hold
        return result

    return call


def set_attribute(obj: object, name: str, value: object, shown: str) -> None:
    """`obj.name = value`, only for settable tensor attributes (requires_grad, grad, data)."""
    if kind_of(obj) != "tensor" or name not in allowlist.TENSOR_SETTABLE or name.startswith("_"):
        raise unavailable_assignment(shown)
    if name != "requires_grad" and value is not None and kind_of(value) != "tensor":
        refusal = Message("`{name}` can only be set to a tensor", name=shown)
        raise GradtraceError("forbidden", refusal, code="forbidden.assignment")
    setattr(obj, name, value)
