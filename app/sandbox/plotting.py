"""`import matplotlib.pyplot as plt`: plotting calls are accepted and ignored, with one warning.

Nothing of matplotlib is imported or run: every call returns an inert stand-in whose methods are
ignored too, so a training script that plots its loss still runs and shows its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..config import Limits
from ..i18n import Message
from . import extensions
from .values import HostFunction, Namespace


class PlotStandIn:
    """What any plotting call returns: a figure, axes or line that ignores what is done to it."""

    def __init__(self, owner: IgnoredPlotting) -> None:
        self.owner = owner  # user code reads attributes only through _read_stand_in

    def __getitem__(self, index: object) -> PlotStandIn:
        return self  # axes[0, 1]

    def __repr__(self) -> str:
        return "<plot (not drawn)>"


class IgnoredPlotting:
    """Counts the ignored calls and the lines they came from, for one warning per answer."""

    def __init__(self, line: Callable[[], int | None]) -> None:
        self.line = line
        self.lines: list[int] = []
        self.stand_in = PlotStandIn(self)

    def call(self, name: str) -> HostFunction:
        def ignored(*args: Any, **kwargs: Any) -> Any:
            line = self.line()
            if line is not None and line not in self.lines:
                self.lines.append(line)
            if name == "subplots":
                return (self.stand_in, self.stand_in)
            return self.stand_in

        return HostFunction(f"plt.{name}", ignored, policy="builtin")

    def warning(self) -> Message | None:
        """The warning to give, or None when no plotting call ran."""
        if not self.lines:
            return None
        shown = ", ".join(map(str, self.lines[:10])) + (", ..." if len(self.lines) > 10 else "")
        return Message("plots are not drawn: gradtrace ran the matplotlib calls as no-ops (lines {lines})", lines=shown)


class PyplotNamespace(Namespace):
    """matplotlib.pyplot: every public name is an ignored call."""

    def __init__(self, plotting: IgnoredPlotting) -> None:
        super().__init__("matplotlib.pyplot", {})
        self.plotting = plotting

    def member(self, name: str, shown: str) -> object:
        return self.plotting.call(name)


def _read_stand_in(obj: PlotStandIn, name: str, shown: str, limits: Limits) -> object:
    return obj.owner.call(name)


def build_pyplot(line: Callable[[], int | None]) -> tuple[PyplotNamespace, IgnoredPlotting]:
    """The pyplot namespace of one run and the record of its ignored calls."""
    plotting = IgnoredPlotting(line)
    return PyplotNamespace(plotting), plotting


extensions.register_kind("Namespace", PyplotNamespace)
extensions.register_kind("plot", PlotStandIn)
extensions.ATTRIBUTES["plot"] = _read_stand_in
extensions.INDEXABLE_KINDS.add("plot")
