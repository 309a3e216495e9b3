"""Parts of torch offered beyond tensors and nn: autograd.grad, Variable, torch.utils.data,
torch.cuda (absent: CPU only), Generator, legacy tensor types, print options, nn.init, nn.utils,
optim.lr_scheduler. Each entry is here on purpose; sizes are checked before allocation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.autograd.functional
from torch import nn

from ..capture import undrawn_backward_calls
from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import extensions
from .allowlist import names
from .data_loading import build_data_namespace
from .members import after_param_groups_check
from .python_errors import python_exception
from .values import GradMode, HostFunction, Namespace, check_argument, kind_of

INIT_FUNCTIONS = frozenset(
    names(
        """
    xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_ normal_ uniform_ zeros_ ones_
    constant_ eye_ calculate_gain trunc_normal_ orthogonal_
    """
    )
)
NN_UTILS_FUNCTIONS = frozenset({"clip_grad_norm_", "clip_grad_value_"})
SCHEDULER_CLASSES = frozenset({"StepLR", "ExponentialLR", "MultiStepLR"})
SCHEDULER_METHODS = frozenset({"step", "get_last_lr"})
SCHEDULER_VALUES = frozenset({"last_epoch"})
GENERATOR_METHODS = frozenset({"manual_seed", "initial_seed"})
PRINT_OPTIONS = frozenset({"precision", "threshold", "edgeitems", "linewidth", "sci_mode", "profile"})

extensions.register_kind("generator", torch.Generator)
_SCHEDULER_TYPES = tuple(getattr(torch.optim.lr_scheduler, name) for name in sorted(SCHEDULER_CLASSES))
extensions.register_kind("scheduler", *_SCHEDULER_TYPES)


def _read_generator(obj: Any, name: str, shown: str, limits: Limits) -> object:
    if name not in GENERATOR_METHODS:
        raise GradtraceError(
            "forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute"
        )
    return HostFunction(shown, getattr(obj, name))


def _read_scheduler(obj: Any, name: str, shown: str, limits: Limits) -> object:
    if name in SCHEDULER_VALUES:
        return getattr(obj, name)
    if name not in SCHEDULER_METHODS:
        raise GradtraceError(
            "forbidden", Message("`{name}` is not available here", name=shown), code="forbidden.attribute"
        )
    return HostFunction(shown, after_param_groups_check(obj.optimizer, getattr(obj, name), shown))


extensions.ATTRIBUTES["generator"] = _read_generator
extensions.ATTRIBUTES["scheduler"] = _read_scheduler


def _scheduler(cls: type) -> HostFunction:
    def make(optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        if kind_of(optimizer) != "optimizer":
            raise GradtraceError(
                "runtime",
                Message("TypeError: {function} takes an optimizer first", function=cls.__name__),
                code="runtime.type_error",
            )
        for value in (*args, *kwargs.values()):
            check_argument(value, cls.__name__, allow_modules=False)
        return cls(optimizer, *args, **kwargs)

    return HostFunction(f"torch.optim.lr_scheduler.{cls.__name__}", make, cls=cls, policy="builtin")


def _legacy_tensor(name: str, dtype: torch.dtype, limits: Limits) -> HostFunction:
    """torch.FloatTensor(2, 3) (zero-filled, not uninitialised) or torch.FloatTensor([1, 2])."""

    def make(*args: Any) -> torch.Tensor:
        if args and all(type(a) is int for a in args):
            count = 1
            for dim in args:
                count *= max(dim, 0)
            if count > limits.max_tensor_elements:
                raise GradtraceError(
                    "limit",
                    Message(
                        "`{name}` would make a tensor of {count} elements; the limit is {limit}",
                        name="torch." + name,
                        count=count,
                        limit=limits.max_tensor_elements,
                    ),
                    code="limit.tensor_elements",
                )
            return torch.zeros(args, dtype=dtype)
        if len(args) == 1:
            return torch.tensor(args[0], dtype=dtype)
        if not args:
            return torch.zeros(0, dtype=dtype)
        raise GradtraceError(
            "runtime",
            Message("TypeError: {function} takes sizes or one list of numbers", function="torch." + name),
            code="runtime.type_error",
        )

    return HostFunction(f"torch.{name}", make, cls=getattr(torch, name), sized="data")


_PRINT_OPTION_BOUNDS = {"threshold": 100_000, "edgeitems": 1_000, "linewidth": 10_000, "precision": 50}


def _set_printoptions(**options: Any) -> None:
    unknown = set(options) - PRINT_OPTIONS
    if unknown:
        raise GradtraceError(
            "runtime",
            python_exception(
                "TypeError", f"set_printoptions() got an unexpected keyword argument '{sorted(unknown)[0]}'"
            ),
            code="runtime.type_error",
        )
    for value in options.values():
        if type(value) not in (int, bool, str, type(None)):
            raise GradtraceError(
                "runtime",
                Message("TypeError: set_printoptions takes numbers, booleans or a profile name"),
                code="runtime.type_error",
            )
    for key, most in _PRINT_OPTION_BOUNDS.items():
        value = options.get(key)
        if type(value) is int and value > most:  # formatting millions of elements takes the run's time
            raise GradtraceError(
                "limit",
                Message(
                    "set_printoptions({key}={value}) asks for more than gradtrace prints; at most {most}",
                    key=key,
                    value=value,
                    most=most,
                ),
                code="limit.print_options",
            )
    torch.set_printoptions(**options)  # type: ignore[no-untyped-call]


@contextmanager
def printoptions_restored() -> Iterator[None]:
    """Run the block, then give back torch's print options (a program may change them for itself)."""
    from torch._tensor_str import PRINT_OPTS

    saved = dict(vars(PRINT_OPTS))
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(PRINT_OPTS, key, value)


def _is_available() -> bool:
    return False  # gradtrace runs on the CPU


def _device_count() -> int:
    return 0


def _variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> torch.Tensor:
    """torch.autograd.Variable(t, requires_grad=...): today a plain tensor, as in PyTorch."""
    if not isinstance(data, torch.Tensor):
        raise GradtraceError("runtime", Message("TypeError: Variable takes a tensor"), code="runtime.type_error")
    return torch.autograd.Variable(data, requires_grad=requires_grad)


# Functions of a program's function; the interpreter runs it when torch calls it (callbacks.py).
def _undrawn(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` with its inner backward passes left out of the drawings (one per output element)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        with undrawn_backward_calls():
            return fn(*args, **kwargs)

    return call


_AUTOGRAD_FUNCTIONAL: dict[str, Any] = {
    name: _undrawn(getattr(torch.autograd.functional, name)) for name in ("jacobian", "hessian", "vjp", "jvp")
}


class InferenceMode(GradMode):
    """`with torch.inference_mode():` — PyTorch's own mode for the block, left on exit."""

    def __init__(self) -> None:
        super().__init__("inference_mode", False)
        self.context: Any = None

    def enter(self) -> None:
        self.context = torch.inference_mode()
        self.context.__enter__()

    def exit(self) -> None:
        if self.context is not None:
            self.context.__exit__(None, None, None)
            self.context = None


extensions.register_kind("GradMode", InferenceMode)


def _inference_mode(mode: bool = True) -> GradMode:
    if mode is not True:
        raise GradtraceError(
            "forbidden",
            Message("torch.inference_mode(False) is not available here; use torch.enable_grad()"),
            code="forbidden.argument",
        )
    return InferenceMode()


def _set_default_device(device: Any) -> None:
    """Only the CPU exists here, so only setting it is accepted (and changes nothing)."""
    if str(device) != "cpu":
        raise GradtraceError(
            "forbidden",
            Message(
                "gradtrace runs on the CPU: torch.set_default_device({device}) is not available", device=repr(device)
            ),
            code="forbidden.device",
        )


_LEGACY_TYPES = frozenset({torch.FloatTensor, torch.DoubleTensor, torch.LongTensor, torch.IntTensor, torch.BoolTensor})


def _tensor_type(tensor: torch.Tensor, shown: str) -> HostFunction:
    """`t.type()`, `t.type(torch.float64)`, `t.type('torch.DoubleTensor')` or `t.type(torch.FloatTensor)`."""

    def call(dtype: Any = None, non_blocking: bool = False) -> Any:
        if isinstance(dtype, HostFunction) and dtype.cls in _LEGACY_TYPES:
            dtype = dtype.cls
        elif dtype is not None and not isinstance(dtype, str | torch.dtype):
            raise GradtraceError(
                "runtime",
                Message("TypeError: type() takes a dtype, a type name or a tensor type"),
                code="runtime.type_error",
            )
        return tensor.type() if dtype is None else tensor.type(dtype, non_blocking)

    return HostFunction(shown, call, policy="builtin")


extensions.TENSOR_METHODS["type"] = _tensor_type


def build_torch_extras(limits: Limits) -> dict[str, object]:
    """Members added to the torch namespace, and to its nn and optim namespaces (keys 'nn.*', 'optim.*')."""
    autograd = Namespace(
        "torch.autograd",
        {
            "grad": HostFunction("torch.autograd.grad", torch.autograd.grad),
            "backward": HostFunction("torch.autograd.backward", torch.autograd.backward),
            "Variable": HostFunction("torch.autograd.Variable", _variable, cls=torch.Tensor),
            "gradcheck": HostFunction(
                "torch.autograd.gradcheck", _undrawn(torch.autograd.gradcheck), policy="callback"
            ),
            "gradgradcheck": HostFunction(
                "torch.autograd.gradgradcheck", _undrawn(torch.autograd.gradgradcheck), policy="callback"
            ),
            "functional": Namespace(
                "torch.autograd.functional",
                {
                    name: HostFunction(f"torch.autograd.functional.{name}", fn, policy="callback")
                    for name, fn in _AUTOGRAD_FUNCTIONAL.items()
                },
            ),
        },
    )
    init = Namespace(
        "torch.nn.init",
        {name: HostFunction(f"torch.nn.init.{name}", getattr(nn.init, name)) for name in sorted(INIT_FUNCTIONS)},
    )
    nn_utils = Namespace(
        "torch.nn.utils",
        {name: HostFunction(f"torch.nn.utils.{name}", getattr(nn.utils, name)) for name in sorted(NN_UTILS_FUNCTIONS)},
    )
    scheduler = Namespace(
        "torch.optim.lr_scheduler",
        {name: _scheduler(getattr(torch.optim.lr_scheduler, name)) for name in sorted(SCHEDULER_CLASSES)},
    )
    cuda = Namespace(
        "torch.cuda",
        {
            "is_available": HostFunction("torch.cuda.is_available", _is_available),
            "device_count": HostFunction("torch.cuda.device_count", _device_count),
        },
    )
    return {
        "autograd": autograd,
        "utils": Namespace("torch.utils", {"data": build_data_namespace()}),
        "cuda": cuda,
        "__version__": torch.__version__,
        "Generator": HostFunction("torch.Generator", torch.Generator, cls=torch.Generator),
        "FloatTensor": _legacy_tensor("FloatTensor", torch.float32, limits),
        "DoubleTensor": _legacy_tensor("DoubleTensor", torch.float64, limits),
        "LongTensor": _legacy_tensor("LongTensor", torch.int64, limits),
        "IntTensor": _legacy_tensor("IntTensor", torch.int32, limits),
        "BoolTensor": _legacy_tensor("BoolTensor", torch.bool, limits),
        "set_printoptions": HostFunction("torch.set_printoptions", _set_printoptions, policy="builtin"),
        "set_default_device": HostFunction("torch.set_default_device", _set_default_device, policy="builtin"),
        "inference_mode": HostFunction("torch.inference_mode", _inference_mode),
        "nn.init": init,
        "nn.utils": nn_utils,
        "optim.lr_scheduler": scheduler,
    }


def add_torch_extras(namespaces: dict[str, Namespace], limits: Limits) -> None:
    """Put the extras into a run's torch, nn and optim namespaces."""
    for key, value in build_torch_extras(limits).items():
        owner, _, name = key.rpartition(".")
        target = namespaces[owner] if owner else namespaces["torch"]
        target.members[name] = value
