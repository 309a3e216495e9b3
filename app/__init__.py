"""gradtrace: draw the autograd graph of PyTorch code, with values and gradients."""

from __future__ import annotations

__version__ = "0.2.0"
