"""The torch state every sandboxed run starts from, and gets back afterwards.

Two process-wide torch settings make a run independent of whatever ran before it in the same process:

- Uninitialised memory is filled. `torch.empty`, the legacy `torch.Tensor(3, 4)` constructor,
  `new_empty`, `empty_strided`, `resize_` and every other path that hands out storage nobody wrote
  would otherwise show bytes an earlier request left in the worker's heap (its inputs, its source,
  pipe framing). PyTorch's deterministic mode fills such storage with a known value (NaN for floating
  dtypes, the largest value for integers, True for bool) inside torch's own allocation functions,
  so it holds for every constructor, whatever the arguments are. `warn_only` keeps the few CPU ops
  without a deterministic kernel running as they do by default (their notice is dropped as ours, not
  the program's: see `is_determinism_notice`).
- Warn-once warnings warn every time. PyTorch says some things only once per process (TORCH_WARN_ONCE);
  in a long-lived worker, later users would never see what the first one was told. With warn-always each
  run sees its own; the pipeline keeps one copy of each text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.utils.deterministic

_DETERMINISM_NOTICE = "does not have a deterministic implementation"


@contextmanager
def isolated_torch_state() -> Iterator[None]:
    """Run the block with uninitialised memory filled and warn-once warnings always shown; restore after."""
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    fill = torch.utils.deterministic.fill_uninitialized_memory  # type: ignore[attr-defined]
    warn_always = torch.is_warn_always_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = True  # type: ignore[attr-defined]
    torch.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(warn_always)
        torch.utils.deterministic.fill_uninitialized_memory = fill  # type: ignore[attr-defined]
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


def is_determinism_notice(message: str) -> bool:
    """True for the notice deterministic mode gives about an op without a deterministic kernel."""
    return _DETERMINISM_NOTICE in message
