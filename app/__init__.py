"""gradtrace: draw the autograd graph of PyTorch code, with values and gradients.

The distribution installs this one import name (the repository keeps it in app/). The notebook
API (`trace`, `draw`, `GraphPicture`) and the in-process `render`/`run` load torch on first use, so
`import gradtrace` stays cheap for the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.5.0"

if TYPE_CHECKING:
    from .api import render, run
    from .notebook import GraphPicture, draw, trace

_LAZY = {"trace": "notebook", "draw": "notebook", "GraphPicture": "notebook", "render": "api", "run": "api"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'gradtrace' has no attribute {name!r}")


__all__ = ["GraphPicture", "__version__", "draw", "render", "run", "trace"]
