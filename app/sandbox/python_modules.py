"""`collections` and `pprint`, offered in part: what teaching code uses of them, as CPython does it.

collections offers OrderedDict (the real class: DLwPT builds `nn.Sequential(OrderedDict([...]))`
with it, and state_dict() hands one out), defaultdict and Counter (real ones too; a defaultdict's
factory is a type such as `list`, or the program's function, run by the interpreter). pprint
prints a value as CPython's pprint prints it (width 80 unless told), into the run's output; it
never receives a stream. Anything else of these modules is refused where it is used, saying what
is offered.
"""

from __future__ import annotations

import pprint as py_pprint
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions, guards
from .builtins import materialise, to_text
from .values import HostFunction, Namespace, check_result, kind_of

COLLECTIONS_NAMES = frozenset({"OrderedDict", "defaultdict", "Counter"})
# What a defaultdict may make for a missing key without running the program's code.
_FACTORY_TYPES: frozenset[type] = frozenset({list, dict, set, tuple, int, float, str})
# Values of the program a defaultdict's factory may be: the interpreter runs them.
_FACTORY_KINDS = frozenset({"UserFunction", "BoundMethod", "UserClass", "GradModeFunction"})
PPRINT_NAMES = frozenset({"pprint", "pformat", "pp"})
# What pprint's functions take besides the value; `stream=` is never offered (no files here).
_PPRINT_OPTIONS = frozenset({"indent", "width", "depth", "compact", "sort_dicts", "underscore_numbers"})
# Nesting deeper than this is refused: each level indents every line below it (quadratic text).
MAX_PPRINT_NESTING = 100


class Printer(Protocol):
    """Where pprint writes (the run's output), and what runs a defaultdict's factory."""

    limits: Limits

    def write(self, text: str) -> None:
        """Append printed text."""

    def call_value(self, func: object, args: list[Any], kwargs: dict[str, Any], node: Any) -> object:
        """Call any callable value of the program."""


class PartialModule(Namespace):
    """A Python module offered in part: a missing name says what is offered instead."""

    def member(self, name: str, shown: str) -> object:
        if name not in self.members:
            offered = ", ".join(sorted(self.members))
            raise GradtraceError(
                "forbidden",
                Message(
                    "`{name}` is not available: gradtrace offers {offered} of `{module}`",
                    name=shown,
                    offered=offered,
                    module=self.name,
                ),
                code="forbidden.attribute",
            )
        return self.members[name]


extensions.register_kind("Namespace", PartialModule)


def _ordered_dict(limits: Limits) -> Callable[..., OrderedDict[Any, Any]]:
    def make(items: Any = (), **kwargs: Any) -> OrderedDict[Any, Any]:
        pairs = materialise(items.items() if isinstance(items, dict) else items, limits)
        guards.check_length(len(pairs) + len(kwargs), limits)
        made: OrderedDict[Any, Any] = OrderedDict(pairs)
        made.update(kwargs)
        return made

    return make


def _factory(run: Printer, given: object) -> Callable[[], object] | None:
    """What a real defaultdict may call for a missing key: a plain type, or a closure that runs
    the program's function in the interpreter and hands back only a value it may hold."""
    if given is None:
        return None
    if isinstance(given, HostFunction) and given.cls in _FACTORY_TYPES:
        return given.cls
    if kind_of(given) not in _FACTORY_KINDS:
        raise GradtraceError(
            "forbidden",
            Message("defaultdict's factory is a type (list, int, float, dict, set) or a function of your program"),
            code="forbidden.argument",
        )

    def make() -> object:
        return check_result(run.call_value(given, [], {}, None), "defaultdict's factory")

    node = getattr(given, "node", None)
    make.__name__ = make.__qualname__ = getattr(node, "name", "function")  # repr as Python's: <function <lambda>>
    return make


def _default_dict(run: Printer) -> Callable[..., defaultdict[Any, Any]]:
    def make(factory: object = None, items: Any = (), **kwargs: Any) -> defaultdict[Any, Any]:
        pairs = materialise(items.items() if isinstance(items, dict) else items, run.limits)
        guards.check_length(len(pairs) + len(kwargs), run.limits)
        made: defaultdict[Any, Any] = defaultdict(_factory(run, factory), pairs)
        made.update(kwargs)
        return made

    return make


def _counter(limits: Limits) -> Callable[..., Counter[Any]]:
    def make(items: Any = (), **kwargs: Any) -> Counter[Any]:
        counted = materialise(items.items() if isinstance(items, dict) else items, limits)
        guards.check_length(len(counted) + len(kwargs), limits)
        made: Counter[Any] = Counter(dict(counted)) if isinstance(items, dict) else Counter(counted)
        made.update(kwargs)
        return made

    return make


def build_collections(run: Printer) -> Namespace:
    """The `collections` namespace of one run."""
    limits = run.limits
    members: dict[str, object] = {
        "OrderedDict": HostFunction(
            "collections.OrderedDict", _ordered_dict(limits), cls=OrderedDict, policy="builtin"
        ),
        "defaultdict": HostFunction("collections.defaultdict", _default_dict(run), cls=defaultdict, policy="builtin"),
        "Counter": HostFunction("collections.Counter", _counter(limits), cls=Counter, policy="builtin"),
    }
    assert set(members) == COLLECTIONS_NAMES
    return PartialModule("collections", members)


def nesting_depth(value: object, most: int) -> int:
    """How deeply lists, tuples, sets and dicts nest in `value` (stops counting past `most`)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, list | tuple | set | frozenset | dict) or id(item) in seen:
            continue
        seen.add(id(item))  # a list holding itself is printed as <Recursion ...>, once
        deepest = max(deepest, depth)
        if deepest > most:
            return deepest
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else list(item)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _formatter(limits: Limits, sort_default: bool) -> Callable[..., str]:
    def pformat(value: object, *args: Any, **options: Any) -> str:
        if args:
            raise GradtraceError(
                "runtime", Message("TypeError: give pprint's options by name (width=60)"), code="runtime.type_error"
            )
        unknown = sorted(set(options) - _PPRINT_OPTIONS)
        if unknown:
            where = (
                Message("gradtrace prints to the output only")
                if unknown[0] == "stream"
                else Message("it is not offered")
            )
            raise GradtraceError(
                "forbidden",
                Message("pprint's `{option}=` is not available here: {why}", option=unknown[0], why=where),
                code="forbidden.argument",
            )
        for key, option in options.items():
            if type(option) not in (int, bool) and not (key == "depth" and option is None):
                raise GradtraceError(
                    "runtime",
                    Message("TypeError: pprint's {option}= takes a number here", option=key),
                    code="runtime.type_error",
                )
        if options.get("indent", 1) > 1000 or options.get("width", 80) > 100_000:
            raise GradtraceError(
                "limit", Message("pprint's indent= or width= is larger than gradtrace prints"), code="limit.pprint"
            )
        if nesting_depth(value, MAX_PPRINT_NESTING) > MAX_PPRINT_NESTING:
            raise GradtraceError(
                "limit",
                Message("pprint prints values nested at most {most} levels deep here", most=MAX_PPRINT_NESTING),
                code="limit.pprint",
            )
        to_text(value, limits)  # refuses values whose text would pass the output limits
        options.setdefault("sort_dicts", sort_default)
        text = py_pprint.pformat(value, **options)
        guards.check_length(len(text), limits)
        return text

    return pformat


def build_pprint(out: Printer) -> Namespace:
    """The `pprint` namespace of one run: pprint and pp write to `out`, pformat returns the text."""
    limits = out.limits
    formats = {"pprint": _formatter(limits, True), "pp": _formatter(limits, False)}

    def printing(format_: Callable[..., str]) -> Callable[..., None]:
        def print_(value: object, *args: Any, **options: Any) -> None:
            out.write(format_(value, *args, **options) + "\n")

        return print_

    members: dict[str, object] = {
        "pprint": HostFunction("pprint.pprint", printing(formats["pprint"]), policy="builtin"),
        "pp": HostFunction("pprint.pp", printing(formats["pp"]), policy="builtin"),
        "pformat": HostFunction("pprint.pformat", formats["pprint"], policy="builtin"),
    }
    assert set(members) == PPRINT_NAMES
    return PartialModule("pprint", members)
