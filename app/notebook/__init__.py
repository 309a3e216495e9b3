"""gradtrace for notebooks and scripts: `gradtrace.trace(loss)` draws the autograd graph of real tensors."""

from __future__ import annotations

from .picture import GraphPicture
from .tracing import trace

draw = trace  # the name micrograd's draw_dot readers look for

__all__ = ["GraphPicture", "draw", "trace"]
