"""A request's inputs: the free names of a program and the values they are given (JSON, numbers or nested lists).

Each becomes one float32 leaf tensor with requires_grad=True; names are read in NFKC form, as Python reads the
program's names, and a name the program never assigns is said in a warning (with the name it probably misspells).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

import torch

from .config import Limits
from .errors import GradtraceError
from .i18n import Message, Text

MAX_INPUT_DEPTH = 8  # nested lists in one input value (pickling and torch.tensor recurse per level)


def make_inputs(
    free_names: tuple[str, ...],
    inputs: Mapping[str, Any],
    limits: Limits,
    warnings: list[Text],
    typos: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """One float32 leaf tensor with requires_grad=True per free name: the request's value, or 1.0.
    `typos`: free name -> the assigned name it is probably a misspelling of (said in its warning)."""
    check_inputs(inputs)
    inputs = _as_python_names(inputs)
    for name in inputs:
        if name not in free_names:
            warnings.append(Message("input `{name}` is not used: the code assigns it or never reads it", name=name))
    given: dict[str, Any] = {}
    tensors: dict[str, torch.Tensor] = {}
    total = 0
    for name in free_names:
        value = inputs.get(name, 1.0)
        if name not in inputs and name in (typos or {}):
            warnings.append(
                Message(
                    "`{name}` is never assigned; did you mean `{guess}`? As written it is an input: "
                    "a scalar tensor 1.0 with requires_grad=True",
                    name=name,
                    guess=(typos or {})[name],
                )
            )
        elif name not in inputs:
            warnings.append(
                Message(
                    "`{name}` is never assigned, so it is an input: a scalar tensor 1.0 with "
                    "requires_grad=True (give it another value in the inputs)",
                    name=name,
                )
            )
        tensor = _input_tensor(name, value)
        total += tensor.numel()
        if total > limits.max_inputs_elements:
            raise GradtraceError(
                "limit",
                Message("inputs hold more than {limit} numbers", limit=limits.max_inputs_elements),
                code="limit.inputs_elements",
            )
        given[name] = value
        tensors[name] = tensor
    return given, tensors


def check_inputs(inputs: Mapping[str, Any]) -> None:
    """Refuse (`request`) input names that are not plain identifiers and values that are not numbers
    or lists of numbers nested at most MAX_INPUT_DEPTH deep.

    The web layer calls this before it builds a worker Job: a value nested hundreds deep makes
    pickling it for the worker raise RecursionError."""
    for name, value in inputs.items():
        # Any Python name, Chinese too (PEP 3131): isidentifier() admits no control or bidi character,
        # so a name is safe to echo in warnings.
        if not (isinstance(name, str) and name.isidentifier()):
            raise GradtraceError(
                "request",
                Message("input names must be plain Python names such as `x` or `w1`"),
                code="request.input_name",
            )
        if not is_numeric_nest(value):
            raise GradtraceError(
                "request",
                Message(
                    "input `{name}` must be a number or lists of numbers nested at most {depth} deep",
                    name=name,
                    depth=MAX_INPUT_DEPTH,
                ),
                code="request.input_value",
            )


def _as_python_names(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Input names as the program's names are: Python reads identifiers in NFKC form, so the program's
    `ｘ` is `x`, and an input named `ｘ` must be that `x` too."""
    named: dict[str, Any] = {}
    for name, value in inputs.items():
        python_name = unicodedata.normalize("NFKC", name)
        if python_name in named:
            raise GradtraceError(
                "request",
                Message("input `{name}` is given twice; give each input once", name=python_name),
                code="request.input_twice",
            )
        named[python_name] = value
    return named


def _input_tensor(name: str, value: Any) -> torch.Tensor:
    try:
        return torch.tensor(value, dtype=torch.float32, requires_grad=True)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise GradtraceError(
            "request",
            Message("input `{name}` is not a rectangular array of numbers: {error}", name=name, error=str(exc)),
            code="request.input_value",
        ) from None


def is_numeric_nest(value: Any, depth: int = 0) -> bool:
    """A number (bools count), or lists of them at most MAX_INPUT_DEPTH - depth deep; never recurses
    deeper than that, whatever `value` holds."""
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, list) and depth < MAX_INPUT_DEPTH:
        return all(is_numeric_nest(v, depth + 1) for v in value)
    return False


def parse_inputs(raw: str | None) -> dict[str, Any]:
    """The `inputs` query parameter: a JSON object, or nothing."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise GradtraceError(
            "request", Message("`inputs` is not valid JSON: {error}", error=str(exc)), code="request.inputs_json"
        ) from None
    except RecursionError:  # json nests deeper than the interpreter's stack: not ours to draw either
        raise GradtraceError("request", Message("`inputs` nests too deeply"), code="request.inputs_json") from None
    if not isinstance(value, dict):
        raise GradtraceError(
            "request",
            Message("`inputs` must be a JSON object such as {example}", example='{"x": [1, 2]}'),
            code="request.inputs_json",
        )
    check_inputs(value)
    return value
