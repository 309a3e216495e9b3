"""Which name a leaf tensor is drawn with, when several names held it while the program ran.

A learner names a leaf where they bind it (`x = torch.arange(4.0)`), often before they set
`requires_grad` (`x.requires_grad_()`), so every tensor bound to a name is remembered by identity,
whatever its requires_grad then; only those that end up in a graph are ever drawn.

When several names held the same tensor, the one the learner reads as its name wins:

1. a name assigned at top level (`w1 = model[0].weight` draws `w1`);
2. the module path under a top-level name (`model.0.weight`, `model.fc1.bias`);
3. a name assigned inside a function (`w` in `def init(): w = torch.randn(3) ...`);
4. the module path under a name assigned inside a function;
5. a loop variable (`for name, p in model.named_parameters()` never renames a parameter `p`), and
   an in-place update (`param -= lr * param.grad` names nothing new).

Among names of the same rank the first one bound wins (`y = x` keeps `x`).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

import torch

from .live_objects import LiveLeafTable

LOOP, LOCAL_MODULE_PATH, LOCAL, MODULE_PATH, TOP_LEVEL = range(5)


def binding_rank(top_level: bool, loop: bool, module_path: bool) -> int:
    """The rank of a name bound this way (higher wins)."""
    if loop:
        return LOOP
    if module_path:
        return MODULE_PATH if top_level else LOCAL_MODULE_PATH
    return TOP_LEVEL if top_level else LOCAL


class LeafNamer:
    """The best-ranked name bound to each tensor so far, by identity, with the line it was bound on.

    One weak reference per tensor (torch makes each cost ~20 us), forgotten when the tensor dies,
    so a reused id never inherits a name. Copied to the graph's leaves when they are drawn."""

    def __init__(self) -> None:
        self.bindings = LiveLeafTable()  # id(tensor) -> (rank, name, line first bound on)

    def offer(self, tensor: torch.Tensor, name: str, rank: int, line: int | None) -> None:
        """Name `tensor` `name` unless a name of the same or a higher rank came first."""
        key = id(tensor)
        held = self.bindings.get(key)
        if held is None:
            self.bindings.watch(tensor)
            self.bindings[key] = (rank, name, line)
        elif rank > held[0]:
            self.bindings[key] = (rank, name, held[2])

    def offer_module(self, module: torch.nn.Module, name: str, rank: int, line: int | None) -> None:
        """Name each parameter of `module` by its path under `name` (`model.0.weight`)."""
        for path, parameter in module.named_parameters():
            self.offer(parameter, f"{name}.{path}", rank, line)

    def resolve(
        self,
        leaves: Iterable[torch.Tensor],
        names: MutableMapping[int, str],
        lines: MutableMapping[int, int | None],
    ) -> None:
        """Write each leaf's name (and, unless the line that made it is known, the line it was bound
        on) where the graph walker reads them. The leaves are kept alive by the captures."""
        for leaf in leaves:
            key = id(leaf)
            held = self.bindings.get(key)
            if held is not None:
                names[key] = held[1]
                lines.setdefault(key, held[2])
