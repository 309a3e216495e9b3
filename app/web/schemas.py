"""Request bodies of the JSON API (their OpenAPI schema is what fuzzers and clients read)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..i18n import Language
from ..rendering.options import RenderOptions

# `graph` (which backward() call an image draws) is bounded alike in JSON bodies and query strings.
GRAPH_INDEX_LIMIT = 100
STEP_LIMIT = 1_000_000  # past every graph's forward + backward steps: such a step draws the whole graph


class OptionsBody(BaseModel):
    """How to draw the graphs."""

    model_config = ConfigDict(extra="forbid")

    theme: Literal["light", "dark", "auto"] = "light"
    direction: Literal["TB", "LR", "BT", "RL"] = "TB"
    precision: int = Field(default=4, ge=1, le=10)
    show_values: bool = True
    show_grads: bool = True
    collapse_runs: bool = Field(
        default=True, description="draw long runs of one op or of a repeated block as their ends and one folded box"
    )
    graph: int = Field(default=-1, ge=-GRAPH_INDEX_LIMIT, le=GRAPH_INDEX_LIMIT)
    color_by: Literal["none", "grad"] = Field(
        default="none",
        description="grad: fill nodes on a log ramp of their gradient's mean |value|, the ramp drawn as a legend",
    )
    gradcheck: bool = Field(
        default=False,
        description="draw each leaf's numeric gradient check (✓/✗ and its largest relative error) in its box; "
        "the JSON answer lists the checks in graphs[].gradcheck either way",
    )
    edge_labels: bool | None = Field(
        default=None,
        description="write the chain rule on each edge (local derivative, gradient that flowed back); "
        "null: on for drawings of up to 30 boxes",
    )
    step: int | None = Field(
        default=None,
        ge=0,
        le=STEP_LIMIT,
        description="draw the stepper's step k: values of the first k forward steps (graphs[].steps.forward = F), "
        "then gradients of the first k - F backward steps, numbered; past the end: the whole graph",
    )

    lang: str | None = Field(
        default=None,
        description="the language of the answer's messages and the drawing's words: en or zh-CN (also zh, "
        "zh-Hans, en-US...); null: the Accept-Language header's, else English",
        examples=["zh-CN"],
    )

    def to_options(self, language: Language) -> RenderOptions:
        """The renderer's own options value, speaking `language` (the request's, see web/language.py)."""
        return RenderOptions(**self.model_dump(exclude={"lang"}), lang=language)


class GraphRequest(BaseModel):
    """`POST /api/graph`: PyTorch code, optional values for its free names, drawing options."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., description="PyTorch code, run by gradtrace's own interpreter")
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="values (numbers or nested lists) for names the code reads but never assigns"
    )
    options: OptionsBody = Field(default_factory=lambda: OptionsBody())
