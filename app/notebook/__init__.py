"""gradtrace for notebooks and scripts: `gradtrace.trace(loss)` draws the autograd graph of real tensors.

Installed as the top-level package `gradtrace` (pyproject maps it to app/notebook)."""

from __future__ import annotations

from app import __version__

from .picture import GraphPicture
from .tracing import trace

draw = trace  # the name micrograd's draw_dot readers look for

__all__ = ["GraphPicture", "__version__", "draw", "trace"]
