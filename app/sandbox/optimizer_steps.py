"""`optimizer.step()` and `optimizer.zero_grad()` run unwatched, their new state counted afterwards.

Inside them torch's own optimizer code runs some thirty tensor operations and attribute reads per
step (`p.grad`, `buf.mul_(momentum).add_(grad)`, `p.grad = None`), all under no_grad: they make no
autograd node, nothing a drawing shows, and no tensor larger than a parameter. Watched one by one
by the recorder they were most of a training loop's time (the PyTorch tutorial's 30,000-step
DynamicNet spent 2 of every 3 recorded calls there). So they run with torch-function dispatch off,
and what they keep (momentum buffers, Adam's moments) is counted against max_live_elements once
the call returns, like any tensor the program holds. Their short-lived temporaries stay below a
few times the parameters' size, which the live limit already bounds.

No program code can run inside: the sandbox offers no optimizer hooks and no closures
(`step(closure)` is refused as any host call given a program function is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from ..live_objects import RUN_ELEMENTS


def unwatched_method(
    optimizer: Any, name: str, limits: Limits, before: Callable[[], None] | None = None
) -> Callable[..., Any]:
    """`optimizer.<name>` (step or zero_grad), run without the recorder watching each operation,
    after `before` (the param_groups check). One plain closure: a training loop reads `opt.step`
    every step, and a second wrapper made with functools.wraps cost about 2% of the loop."""
    method = getattr(optimizer, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before()
        with torch._C.DisableTorchFunction():
            result = method(*args, **kwargs)
            count_state(optimizer, limits)
        return result

    return call


def count_state(optimizer: torch.optim.Optimizer, limits: Limits) -> None:
    """Count the tensors the optimizer keeps between steps (each storage once, until freed)."""
    live = RUN_ELEMENTS.get()
    if live is None:
        return
    for state in optimizer.state.values():
        for value in state.values():
            if isinstance(value, torch.Tensor):
                live.add(value)
    if live.count > limits.max_live_elements:
        raise GradtraceError(
            "limit",
            Message(
                "the program holds more than {limit} tensor elements alive at once", limit=limits.max_live_elements
            ),
            code="limit.live_elements",
        )
