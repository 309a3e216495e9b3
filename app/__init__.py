"""gradtrace: draw the autograd graph of PyTorch code, with values and gradients.

The distribution installs this one import name (the repository keeps it in app/). The notebook
API (`trace`, `draw`, `GraphPicture`) and the in-process `render`/`run` load torch on first use, so
`import gradtrace` stays cheap for the command line."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from .api import render, run
    from .notebook import GraphPicture, draw, trace

_LAZY = {"trace": "notebook", "draw": "notebook", "GraphPicture": "notebook", "render": "api", "run": "api"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'gradtrace' has no attribute {name!r}")


class _RenderFunction:
    """`gradtrace.render` is the function, although a subpackage has that name too.

    Importing a subpackage sets it as an attribute of its parent, which would replace the function
    the first time anything draws. This descriptor keeps the function (which also answers the
    subpackage's attributes, see `api.PackageRender`); the subpackage stays in sys.modules."""

    def __get__(self, module: object, owner: type | None = None) -> Any:
        from .api import package_render

        return package_render

    def __set__(self, module: object, value: object) -> None:
        pass  # the import system naming the subpackage; sys.modules keeps it


class _Package(ModuleType):
    render = _RenderFunction()


sys.modules[__name__].__class__ = _Package


__all__ = ["GraphPicture", "__version__", "draw", "render", "run", "trace"]
