"""Which name a leaf tensor is drawn with, when several names held it while the program ran.

A learner names a leaf where they bind it (`x = torch.arange(4.0)`), often before they set
`requires_grad` (`x.requires_grad_()`), so every tensor bound to a name is remembered by identity,
whatever its requires_grad then; only those that end up in a graph are ever drawn.

When several names held the same tensor, the one the learner reads as its name wins:

1. a name assigned at top level (`w1 = model[0].weight` draws `w1`);
2. the module path under a top-level name (`model.0.weight`, `model.fc1.bias`), also of a layer put
   in later (`model[2] = nn.Linear(16, 3)` draws `model.2.weight`), and an attribute of the
   program's own object set at top level (`layer.w = ...`);
3. a name assigned inside a function (`w` in `def init(): w = torch.randn(3) ...`);
4. the module path under a name assigned inside a function, and the attribute a method set
   (`self.weight = torch.randn(...)` in makemore's `Linear`, drawn `self.weight`);
5. a loop variable (`for name, p in model.named_parameters()` never renames a parameter `p`), and
   an in-place update (`param -= lr * param.grad` names nothing new).

Among names of the same rank the first one bound wins (`y = x` keeps `x`). A loop variable names
only the tensor it holds: when it moves on (`for p in parameters: p.grad = None`), the tensor it
left loses that name, unless a backward() drew it while the variable held it.
"""

from __future__ import annotations

import weakref
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
        # id(tensor) -> (rank, name, line first bound on, held only while a loop variable holds it)
        self.bindings = LiveLeafTable()
        self.loop_holders: dict[str, int] = {}  # loop-variable name -> id of the tensor it alone names
        # name -> rank -> the module bound to that name: its parameters are named again at each
        # backward() and at the end, so a layer put in after binding is named too.
        self.modules: dict[str, dict[int, tuple[weakref.ref[torch.nn.Module], int | None]]] = {}

    def offer(self, tensor: torch.Tensor, name: str, rank: int, line: int | None) -> None:
        """Name `tensor` `name` unless a name of the same or a higher rank came first."""
        key = id(tensor)
        if rank == LOOP:
            self.release(name)
        held = self.bindings.get(key)
        if held is None:
            self.bindings.watch(tensor)
            self.bindings[key] = (rank, name, line, rank == LOOP)
            if rank == LOOP:
                self.loop_holders[name] = key
        elif rank > held[0]:
            self.bindings[key] = (rank, name, held[2], False)

    def release(self, name: str) -> None:
        """`name` (a loop variable) no longer holds the tensor it named: that tensor loses the name."""
        key = self.loop_holders.pop(name, None)
        if key is None:
            return
        held = self.bindings.get(key)
        if held is not None and held[3] and held[1] == name:
            del self.bindings[key]

    def offer_module(self, module: torch.nn.Module, name: str, rank: int, line: int | None) -> None:
        """Name each parameter of `module` by its path under `name` (`model.0.weight`), now and,
        unless a loop variable holds it, again when leaves are drawn."""
        for path, parameter in module.named_parameters():
            self.offer(parameter, f"{name}.{path}", rank, line)
        if rank != LOOP:
            self.modules.setdefault(name, {})[rank] = (weakref.ref(module), line)

    def forget_module(self, name: str) -> None:
        """`name` was bound to something else: its old module's later parameters are not its."""
        self.modules.pop(name, None)

    def at_backward(self, leaves: Iterable[torch.Tensor]) -> None:
        """A backward() call draws `leaves`: name the parameters modules hold now, and keep the
        names loop variables give them now (the variables may move on before the drawing)."""
        self._name_module_parameters()
        for leaf in leaves:
            key = id(leaf)
            held = self.bindings.get(key)
            if held is not None and held[3]:
                self.bindings[key] = (*held[:3], False)

    def _name_module_parameters(self) -> None:
        for name, by_rank in list(self.modules.items()):
            for rank, (ref, line) in list(by_rank.items()):
                module = ref()
                if module is not None:
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
        self._name_module_parameters()  # what the modules hold at the end of the program
        for leaf in leaves:
            key = id(leaf)
            held = self.bindings.get(key)
            if held is not None:
                names[key] = held[1]
                lines.setdefault(key, held[2])
