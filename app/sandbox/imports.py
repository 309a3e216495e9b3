"""What `import` binds: offered modules (whole or in part), or stand-ins that refuse at first use.

An import never refuses a program by itself: `import os` or `from sklearn.datasets import
make_moons` binds a stand-in, and the program is refused only on the line that uses it, with
what to write instead. Offered in part: numpy, random, collections, pprint, matplotlib.pyplot (ignored) and torch's
autograd, utils.data, nn.init, nn.utils, optim.lr_scheduler and cuda.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message, Text
from . import extensions
from .allowlist import names
from .numpy_subset import build_numpy
from .plotting import IgnoredPlotting, build_pyplot
from .python_modules import Printer, build_collections, build_pprint
from .random_subset import build_random
from .torch_surface import add_torch_extras
from .values import HostFunction, Namespace

SEED = 0  # np.random and random start from the same state every request (as torch does)

# Module tops whose names gradtrace knows entirely (torch's own and math): offered or refused by name.
TORCH_TOPS = frozenset({"torch", "math"})
# Module tops offered in part; a name they lack is refused where it is used.
OFFERED_TOPS = frozenset({"numpy", "random", "matplotlib", "collections", "pprint"})

_SYSTEM = Message("gradtrace runs tensor code only: files, processes, the network and the system are out of reach")
_HINTS: dict[str, Message] = {
    **dict.fromkeys(
        names(
            """
    os sys pathlib shutil subprocess socket io pickle urllib requests ctypes importlib builtins
    glob tempfile json csv time datetime threading multiprocessing signal gc inspect
    """
        ),
        _SYSTEM,
    ),
    "sklearn": Message("build the data with torch instead (torch.randn, torch.linspace, torch.randint)"),
    "pandas": Message("hold the data in tensors or lists instead"),
    "scipy": Message("use the torch function of the same name instead"),
    "torchvision": Message("make images with torch.rand(N, C, H, W) instead of loading a dataset"),
    "tqdm": Message("loop over the iterable itself instead (for batch in loader:)"),
    "IPython": Message("print the value instead"),
    "seaborn": Message("plots are not drawn; print the numbers instead"),
    "torch": Message("gradtrace offers torch's tensor, autograd, nn, optim and utils.data functions"),
}
_DEFAULT_HINT = Message(
    "gradtrace offers torch, math, numpy (a small subset), random, collections (OrderedDict, defaultdict, "
    "Counter), pprint and matplotlib.pyplot (calls ignored)"
)


def hint_for(module: str) -> Message:
    """What the learner can write instead of using `module`."""
    return _HINTS.get(module.split(".")[0], _DEFAULT_HINT)


class UnofferedModule(Namespace):
    """`import os`: bound, but any use of it is refused on that line, saying what to write instead."""

    def member(self, name: str, shown: str) -> object:
        raise GradtraceError(
            "forbidden",
            Message(
                "`{name}` is not available: gradtrace does not offer the module `{module}`; {hint}",
                name=shown,
                module=self.name,
                hint=hint_for(self.name),
            ),
            code="forbidden.import",
        )


extensions.register_kind("Namespace", UnofferedModule)


def unoffered_name(dotted: str) -> HostFunction:
    """`from os import getcwd`: bound, refused when called."""
    module = dotted.rpartition(".")[0]

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise GradtraceError(
            "forbidden",
            Message("`{name}` is not available in gradtrace; {hint}", name=dotted, hint=hint_for(module)),
            code="forbidden.import",
        )

    return HostFunction(dotted, refuse, policy="builtin")


class ImportedModules:
    """The modules one run can import, built when first imported (numpy's costs are paid by its users)."""

    def __init__(
        self, prebound: dict[str, Namespace], limits: Limits, line: Callable[[], int | None], printer: Printer
    ) -> None:
        self.prebound = prebound
        self.limits = limits
        self.line = line
        self.printer = printer  # where pprint writes, and what runs a defaultdict's factory
        self.built: dict[str, Namespace] = {}
        self.plotting: IgnoredPlotting | None = None
        add_torch_extras(prebound, limits)

    def module(self, dotted: str) -> Namespace:
        """The namespace `import dotted` refers to, or a stand-in refusing its use."""
        parts = dotted.split(".")
        top = self._top(parts[0])
        if top is None:
            return UnofferedModule(dotted, {})
        current: object = top
        for part in parts[1:]:
            members = current.members if isinstance(current, Namespace) else {}
            current = members.get(part)
            if not isinstance(current, Namespace) or isinstance(current, UnofferedModule):
                return UnofferedModule(dotted, {})
        assert isinstance(current, Namespace)
        return current

    def _top(self, name: str) -> Namespace | None:
        if name in TORCH_TOPS:
            return self.prebound[name]
        if name not in OFFERED_TOPS:
            return None
        if name not in self.built:
            self.built[name] = self._build(name)
        return self.built[name]

    def _build(self, name: str) -> Namespace:
        if name == "numpy":
            return build_numpy(self.limits, SEED)
        if name == "random":
            return build_random(self.limits, SEED)
        if name == "collections":
            return build_collections(self.printer)
        if name == "pprint":
            return build_pprint(self.printer)
        pyplot, self.plotting = build_pyplot(self.line)
        return Namespace("matplotlib", {"pyplot": pyplot})

    def bind_import(self, alias: ast.alias) -> tuple[str, Namespace]:
        """`import a.b.c [as d]`: the name bound and its value (a.b.c as d, else the top package a)."""
        if alias.asname:
            return alias.asname, self.module(alias.name)
        top = alias.name.split(".")[0]
        self.module(alias.name)  # builds the submodule (matplotlib.pyplot) so `a.b` resolves
        return top, self.module(top)

    def from_import(self, module_name: str, name: str) -> object:
        """`from module import name`: the member, a submodule, or a stand-in refusing its use."""
        module = self.module(module_name)
        if isinstance(module, UnofferedModule):
            return unoffered_name(f"{module_name}.{name}")
        if name in module.members:
            return module.members[name]
        submodule = self.module(f"{module_name}.{name}")
        if not isinstance(submodule, UnofferedModule):
            return submodule
        return unoffered_name(f"{module.name}.{name}")

    def warnings(self) -> list[Text]:
        """Warnings about imported modules (plots that were not drawn)."""
        warning = self.plotting.warning() if self.plotting is not None else None
        return [] if warning is None else [warning]
