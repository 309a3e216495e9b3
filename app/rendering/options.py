"""How a graph is drawn: the per-request options every renderer takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import DEFAULT_LANGUAGE, Language

Theme = Literal["light", "dark", "auto"]
Direction = Literal["TB", "LR", "BT", "RL"]
ColorBy = Literal["none", "grad"]


@dataclass(frozen=True)
class RenderOptions:
    """Options a request may set; the defaults are what a bare request gets."""

    theme: Theme = "light"
    direction: Direction = "TB"
    precision: int = 4  # significant digits of every printed number
    show_values: bool = True
    show_grads: bool = True
    collapse_runs: bool = True  # draw long runs of one op as their ends and one folded box
    graph: int = -1  # which graph an image endpoint draws when there are several
    color_by: ColorBy = "none"  # "grad": fill nodes on a log ramp of mean |grad|, the ramp in the drawing
    gradcheck: bool = False  # a ✓/✗ row in each leaf box: its numeric gradient check (app/gradcheck.py)
    edge_labels: bool | None = None  # chain rule on the edges; None: on while the drawing stays readable
    step: int | None = None  # draw the stepper's step k: forward values first, then gradients (graph/steps.py)
    lang: Language = DEFAULT_LANGUAGE  # the words in the drawing and in the answer's messages (app/i18n)

    def __post_init__(self) -> None:
        if not 1 <= self.precision <= 10:
            raise ValueError("precision must be between 1 and 10")
        if self.step is not None and self.step < 0:
            raise ValueError("step must be 0 or more")
