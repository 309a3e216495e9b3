"""`import numpy as np`: the small part of numpy teaching code uses, each entry here on purpose.

Arrays are real numpy arrays (so values and printed text are numpy's own), checked at the border
by numpy_arrays.py. np.random is a generator of this run only, seeded per request: a program sees
the numbers real numpy gives after the same np.random.seed(...), and nothing of the worker's state.
Files (load, save, fromfile, memmap, ...) and anything that takes a Python function are absent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .allowlist import names
from .numpy_arrays import (
    DTYPE_CLASSES,
    as_dtype,
    broadcast_elements,
    check_data,
    checked_result,
    clean_arguments,
    dot_elements,
    matmul_elements,
    numpy_call,
    refuse_size,
    shape_elements,
)
from .numpy_iteration import nditer
from .values import HostFunction, Namespace


def subset_refusal(shown: str) -> GradtraceError:
    """The refusal of a numpy name this subset lacks, saying what it offers and what to write instead."""
    return GradtraceError(
        "forbidden",
        Message(
            "`{name}` is not available: gradtrace offers a small numpy subset (array, zeros, ones, arange, "
            "linspace, random.seed/randn/rand, exp, log, dot, sum, mean, maximum, ...); the same work can be "
            "written with torch tensors",
            name=shown,
        ),
        code="forbidden.numpy",
    )


# Elementwise functions of one array: the result is as large as the input.
UNARY = names(
    """
    exp log sqrt tanh abs square sin cos tan log1p log2 log10 sign floor ceil negative
    """
)
# Elementwise functions of several arrays: the result is their broadcast.
BROADCAST = names(
    """
    maximum minimum power add subtract multiply divide where clip isclose
    """
)
# Reductions and same-size results.
REDUCING = names(
    """
    sum mean std var max min argmax argmin prod cumsum all any allclose array_equal round transpose
    """
)


def _first(*args: Any, **kwargs: Any) -> int | None:
    return shape_elements(args[0] if args else kwargs.get("shape"))


def _arange(*args: Any, **kwargs: Any) -> int | None:
    nums = [float(a) for a in args[:3]]
    start, stop, step = (0.0, nums[0], 1.0) if len(nums) == 1 else [*nums, 1.0][:3]
    step = float(kwargs.get("step", step))
    if step == 0 or not all(map(math.isfinite, (start, stop, step))):
        return None
    return max(math.ceil((stop - start) / step), 0)


def _linspace(*args: Any, **kwargs: Any) -> int | None:
    num = args[2] if len(args) > 2 else kwargs.get("num", 50)
    return int(num) if isinstance(num, int) else None


def _eye(*args: Any, **kwargs: Any) -> int | None:
    n = args[0] if args else kwargs.get("N", 0)
    m = args[1] if len(args) > 1 and args[1] is not None else kwargs.get("M") or n
    return int(n) * int(m)


def _broadcast(*args: Any, **kwargs: Any) -> int | None:
    return broadcast_elements(*[a for a in args if not isinstance(a, (str, type(None)))][:3])


def _joined(*args: Any, **kwargs: Any) -> int | None:
    seq = args[0] if args else kwargs.get("arrays", ())
    return sum(int(np.size(a)) for a in seq) if isinstance(seq, (list, tuple)) else None


def _outer(*args: Any, **kwargs: Any) -> int | None:
    return int(np.size(args[0])) * int(np.size(args[1]))


def _random_sizes(*args: Any, **kwargs: Any) -> int | None:
    dims = [a for a in args if isinstance(a, int)]
    return math.prod(max(d, 0) for d in dims) if len(dims) == len(args) else None


def _sized_kw(*args: Any, **kwargs: Any) -> int | None:
    return shape_elements(kwargs["size"]) if kwargs.get("size") is not None else None


def _array(limits: Limits) -> Callable[..., Any]:
    def array(data: Any, dtype: Any = None) -> Any:
        check_data("np.array", data, limits)
        (clean,), _ = clean_arguments("np.array", [data], {})
        return checked_result("np.array", np.array(clean, dtype=as_dtype(dtype)), limits)

    return array


def _scalar(cls: type) -> Callable[..., Any]:
    def make(value: Any = 0) -> Any:
        if isinstance(value, (str, list, tuple)):
            raise GradtraceError(
                "forbidden",
                Message("{function}(...) takes one number here", function="np." + cls.__name__),
                code="forbidden.numpy_argument",
            )
        return cls(value)

    return make


class RandomFunctions:
    """np.random for one run: a RandomState of its own, seeded per request (numbers as numpy's after
    the same np.random.seed)."""

    def __init__(self, seed: int) -> None:
        self.state = np.random.RandomState(seed)

    def seed(self, value: Any = None) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**32:
            raise GradtraceError(
                "runtime",
                Message("ValueError: np.random.seed takes an integer from 0 to 2**32 - 1 here"),
                code="runtime.value_error",
            )
        self.state.seed(value)

    def shuffle(self, values: Any) -> None:
        if not isinstance(values, (np.ndarray, list)):
            raise GradtraceError(
                "runtime", Message("TypeError: np.random.shuffle takes an array or a list"), code="runtime.type_error"
            )
        self.state.shuffle(values)

    def namespace(self, limits: Limits) -> Namespace:
        members = self.sampling(limits, "np.random")
        members["RandomState"] = HostFunction("np.random.RandomState", self.random_state(limits), policy="builtin")
        members["default_rng"] = HostFunction("np.random.default_rng", self.default_rng(limits), policy="builtin")
        return SubsetNamespace("numpy.random", members)

    @staticmethod
    def random_state(limits: Limits) -> Callable[..., Namespace]:
        """np.random.RandomState(seed): a generator of its own, as numpy's."""

        def make(seed: Any = None) -> Namespace:
            functions = RandomFunctions(_seed_of(seed))
            return SubsetNamespace("numpy.random.RandomState", functions.sampling(limits, "RandomState"))

        return make

    @staticmethod
    def default_rng(limits: Limits) -> Callable[..., Namespace]:
        """np.random.default_rng(seed): numpy's Generator (PCG64), with the sampling methods listed here."""

        def make(seed: Any = None) -> Namespace:
            generator = np.random.default_rng(_seed_of(seed))
            name = "Generator"
            members: dict[str, object] = {
                "random": numpy_call(f"{name}.random", generator.random, limits, _sized_kw_first),
                "standard_normal": numpy_call(
                    f"{name}.standard_normal", generator.standard_normal, limits, _sized_kw_first
                ),
                "normal": numpy_call(f"{name}.normal", generator.normal, limits, _third_size),
                "uniform": numpy_call(f"{name}.uniform", generator.uniform, limits, _third_size),
                "integers": numpy_call(f"{name}.integers", generator.integers, limits, _third_size),
                "permutation": numpy_call(f"{name}.permutation", generator.permutation, limits, _permutation),
                "choice": numpy_call(f"{name}.choice", generator.choice, limits, _choice),
            }
            return SubsetNamespace("numpy.random.Generator", members)

        return make

    def sampling(self, limits: Limits, prefix: str) -> dict[str, object]:
        """The sampling functions of this generator, sizes checked before numpy allocates."""
        state = self.state
        members: dict[str, object] = {
            "seed": HostFunction(f"{prefix}.seed", self.seed, policy="builtin"),
            "shuffle": HostFunction(f"{prefix}.shuffle", self.shuffle, policy="builtin"),
            "randn": numpy_call(f"{prefix}.randn", state.randn, limits, _random_sizes),
            "rand": numpy_call(f"{prefix}.rand", state.rand, limits, _random_sizes),
            "random": numpy_call(f"{prefix}.random", state.random_sample, limits, _sized_kw_first),
            "uniform": numpy_call(f"{prefix}.uniform", state.uniform, limits, _third_size),
            "normal": numpy_call(f"{prefix}.normal", state.normal, limits, _third_size),
            "randint": numpy_call(f"{prefix}.randint", state.randint, limits, _third_size),
            "permutation": numpy_call(f"{prefix}.permutation", state.permutation, limits, _permutation),
            "choice": numpy_call(f"{prefix}.choice", state.choice, limits, _choice),
        }
        return members


def _seed_of(seed: Any) -> int:
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32):
        raise GradtraceError(
            "runtime",
            Message("ValueError: a numpy seed is an integer from 0 to 2**32 - 1 here"),
            code="runtime.value_error",
        )
    return seed if seed is not None else 0  # unseeded: the request's seed, so answers stay the same


def _sized_kw_first(*args: Any, **kwargs: Any) -> int | None:
    return shape_elements(args[0] if args else kwargs.get("size")) if (args or kwargs.get("size")) else None


def _third_size(*args: Any, **kwargs: Any) -> int | None:
    size = args[2] if len(args) > 2 else kwargs.get("size")
    return None if size is None else shape_elements(size)


def _permutation(*args: Any, **kwargs: Any) -> int | None:
    return int(args[0]) if args and isinstance(args[0], int) else None


def _choice(*args: Any, **kwargs: Any) -> int | None:
    total = int(args[0]) if args and isinstance(args[0], int) else None
    size = args[1] if len(args) > 1 else kwargs.get("size")
    return max(total or 0, shape_elements(size) or 0) if size is not None or total is not None else None


class SubsetNamespace(Namespace):
    """A module offered in part: a missing name says what the subset offers."""

    def member(self, name: str, shown: str) -> object:
        if name not in self.members:
            raise subset_refusal(shown)
        return self.members[name]


extensions.register_kind("Namespace", SubsetNamespace)

_ESTIMATES: dict[str, Callable[..., int | None]] = {
    "zeros": _first,
    "ones": _first,
    "full": _first,
    "arange": _arange,
    "linspace": _linspace,
    "eye": _eye,
    "dot": lambda a, b, **k: dot_elements(a, b),
    "matmul": lambda a, b, **k: matmul_elements(a, b),
    "outer": _outer,
    "concatenate": _joined,
    "stack": _joined,
    "vstack": _joined,
    "hstack": _joined,
    **{name: _broadcast for name in BROADCAST},
}
_SAME_SIZE = ["zeros_like", "ones_like", "full_like", "reshape", "asarray", "copy"]


def _like(*args: Any, **kwargs: Any) -> int | None:
    """np.zeros_like(a) is as large as `a`, unless `shape=` says otherwise."""
    if kwargs.get("shape") is not None:
        return shape_elements(kwargs["shape"])
    return int(np.size(args[0])) if args else None


_ESTIMATES.update(dict.fromkeys(("zeros_like", "ones_like", "full_like"), _like))


def build_numpy(limits: Limits, seed: int) -> Namespace:
    """The `numpy` namespace of one run."""
    members: dict[str, object] = {}
    for name in (*UNARY, *REDUCING, *_SAME_SIZE, *_ESTIMATES):
        members[name] = numpy_call(f"np.{name}", getattr(np, name), limits, _ESTIMATES.get(name))
    members["array"] = HostFunction("np.array", _array(limits), policy="builtin")
    members["asarray"] = members["array"]
    for name, cls in DTYPE_CLASSES.items():
        members[name] = HostFunction(f"np.{name}", _scalar(cls), cls=cls, policy="builtin")
    members.update({"pi": np.pi, "e": np.e, "inf": np.inf, "nan": np.nan, "newaxis": None})
    members["ndarray"] = HostFunction("np.ndarray", _not_constructible, cls=np.ndarray, policy="builtin")
    members["random"] = RandomFunctions(seed).namespace(limits)
    members["nditer"] = HostFunction("np.nditer", nditer, cls=np.nditer, policy="builtin")
    return SubsetNamespace("numpy", members)


def _not_constructible(*args: Any, **kwargs: Any) -> None:
    raise GradtraceError(
        "forbidden",
        Message("np.ndarray(...) is not available here; use np.zeros(shape) or np.array(data)"),
        code="forbidden.numpy",
    )


# --- attributes of arrays -------------------------------------------------------------------------

ARRAY_VALUES = frozenset({"shape", "ndim", "size", "dtype", "T"})
ARRAY_METHODS = frozenset(
    names(
        """
    dot sum mean std var max min argmax argmin reshape astype item tolist copy flatten ravel
    transpose squeeze clip cumsum prod round all any fill
    """
    )
)


def read_array_attribute(obj: Any, name: str, shown: str, limits: Limits) -> object:
    """`array.name` for the listed values and methods; methods check sizes like numpy functions."""
    if name in ARRAY_VALUES:
        return getattr(obj, name)
    if name not in ARRAY_METHODS:
        raise subset_refusal(shown)
    method = getattr(obj, name)
    if name == "tolist":
        return HostFunction(shown, _checked_tolist(obj, limits), policy="builtin")
    if name == "dot":
        return numpy_call(shown, method, limits, lambda b, **k: dot_elements(obj, b))
    return numpy_call(shown, method, limits)


def _checked_tolist(obj: Any, limits: Limits) -> Callable[[], Any]:
    def tolist() -> Any:
        if int(np.size(obj)) > limits.max_sequence_length:
            raise GradtraceError(
                "limit",
                Message(
                    "`tolist()` would make a list of {count} elements; the limit is {limit}",
                    count=int(np.size(obj)),
                    limit=limits.max_sequence_length,
                ),
                code="limit.sequence_length",
            )
        return obj.tolist()

    return tolist


extensions.ATTRIBUTES["ndarray"] = read_array_attribute
extensions.ATTRIBUTES["npdtype"] = lambda obj, name, shown, limits: _no_attribute(shown)


def _no_attribute(shown: str) -> object:
    raise GradtraceError("forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute")


__all__ = ["build_numpy", "check_data", "checked_result", "refuse_size", "subset_refusal"]
