"""The query options every image endpoint shares: one parser, errors as GradtraceError (a picture)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Query

from ..errors import GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language, Message
from ..pipeline import parse_inputs
from ..rendering.options import RenderOptions
from .language import named_language
from .schemas import GRAPH_INDEX_LIMIT, STEP_LIMIT

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_CHOICES = {"theme": ("light", "dark", "auto"), "direction": ("TB", "LR", "BT", "RL"), "color_by": ("none", "grad")}


@dataclass(frozen=True)
class ImageQuery:
    """The raw query values; None where the URL does not set one (a stored snippet's option stays)."""

    theme: str | None = None
    direction: str | None = None
    precision: str | None = None
    values: str | None = None
    grads: str | None = None
    collapse: str | None = None
    graph: str | None = None
    inputs: str | None = None
    color_by: str | None = None
    gradcheck: str | None = None
    edge_labels: str | None = None
    step: str | None = None
    lang: str | None = None

    def options(self, base: RenderOptions | None = None, accepted: Language = DEFAULT_LANGUAGE) -> RenderOptions:
        """`base` with every option this query sets, speaking `lang` or else `accepted` (the Accept-Language
        header's choice); a bad value is a `request` error."""
        changes: dict[str, Any] = {"lang": named_language(self.lang) if self.lang else accepted}
        for name in ("theme", "direction", "color_by"):
            raw = getattr(self, name)
            if raw is not None:
                changes[name] = _choice(name, raw)
        if self.precision is not None:
            changes["precision"] = _integer("precision", self.precision, 1, 10)
        if self.graph is not None:
            changes["graph"] = _integer("graph", self.graph, -GRAPH_INDEX_LIMIT, GRAPH_INDEX_LIMIT)
        if self.values is not None:
            changes["show_values"] = _flag("values", self.values)
        if self.grads is not None:
            changes["show_grads"] = _flag("grads", self.grads)
        if self.collapse is not None:
            changes["collapse_runs"] = _flag("collapse", self.collapse)
        if self.gradcheck is not None:
            changes["gradcheck"] = _flag("gradcheck", self.gradcheck)
        if self.edge_labels is not None:
            changes["edge_labels"] = (
                None if self.edge_labels.lower() == "auto" else _flag("edge_labels", self.edge_labels)
            )
        if self.step is not None:
            changes["step"] = _integer("step", self.step, 0, STEP_LIMIT)
        return RenderOptions(**{**asdict(base or RenderOptions()), **changes})

    def input_values(self) -> dict[str, Any]:
        """The `inputs` JSON object, or {}."""
        return parse_inputs(self.inputs)


def image_query(
    theme: Annotated[str | None, Query(description="light, dark, or auto (follows prefers-color-scheme)")] = None,
    direction: Annotated[str | None, Query(description="layout direction: TB or LR (also BT, RL)")] = None,
    precision: Annotated[str | None, Query(description="significant digits, 1 to 10 (default 4)")] = None,
    values: Annotated[str | None, Query(description="false hides the values")] = None,
    grads: Annotated[str | None, Query(description="false hides the gradients")] = None,
    collapse: Annotated[str | None, Query(description="false draws every step of long runs of one op")] = None,
    graph: Annotated[str | None, Query(description="which graph when backward() runs often (-1: last)")] = None,
    inputs: Annotated[str | None, Query(description="JSON object of input values")] = None,
    color_by: Annotated[str | None, Query(description="grad colours nodes by gradient size (log ramp); none")] = None,
    gradcheck: Annotated[str | None, Query(description="true draws each leaf's numeric gradient check (✓/✗)")] = None,
    edge_labels: Annotated[str | None, Query(description="true/false: the chain rule on each edge; auto")] = None,
    step: Annotated[str | None, Query(description="draw the stepper's step k (forward, then backward steps)")] = None,
    lang: Annotated[
        str | None, Query(description="en or zh-CN: the drawing's words and error text; else Accept-Language")
    ] = None,
) -> ImageQuery:
    """FastAPI dependency: the query as plain strings, checked later so errors can be pictures."""
    return ImageQuery(
        theme,
        direction,
        precision,
        values,
        grads,
        collapse,
        graph,
        inputs,
        color_by=color_by,
        gradcheck=gradcheck,
        edge_labels=edge_labels,
        step=step,
        lang=lang,
    )


def _choice(name: str, raw: str) -> str:
    allowed = _CHOICES[name]
    if raw not in allowed:
        raise GradtraceError(
            "request",
            Message("{name}={value!r} is not one of {choices}", name=name, value=raw, choices=", ".join(allowed)),
            code="request.option",
        )
    return raw


def _integer(name: str, raw: str, low: int, high: int) -> int:
    try:
        number = int(raw)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise GradtraceError(
            "request",
            Message(
                "{name}={value!r} must be a whole number from {low} to {high}", name=name, value=raw, low=low, high=high
            ),
            code="request.option",
        )
    return number


def _flag(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise GradtraceError(
        "request", Message("{name}={value!r} must be true or false", name=name, value=raw), code="request.option"
    )
