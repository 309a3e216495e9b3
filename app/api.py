"""The Python API: draw or run a source string in-process, through the sandbox and limits the server uses.

    >>> import gradtrace
    >>> svg = gradtrace.render("a = torch.tensor(2.0, requires_grad=True)\\nb = a * a\\nb.backward()")

Unlike the server there is no worker process here: the sandbox, the size limits and Graphviz are the
same, but a program that runs too long is not stopped by a timer (the CLI's `render` does the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypedDict, Unpack, get_args

from .batch_render import OutputFormat, out_of_memory, render_output, too_deep
from .config import Limits, Settings
from .errors import GradtraceError
from .i18n import DEFAULT_LANGUAGE, Message, parse_language
from .rendering.options import Direction, RenderOptions, Theme
from .result import Result

FORMATS: tuple[str, ...] = get_args(OutputFormat)


class DrawOptions(TypedDict, total=False):
    """The drawing options, named as in image URLs and fences (each optional)."""

    theme: Theme  # light, dark, or auto (follows prefers-color-scheme)
    direction: Direction
    precision: int  # significant digits, 1 to 10
    values: bool
    grads: bool
    collapse: bool  # False draws every step of long runs of one op
    graph: int  # which graph when backward() runs often (-1: the last)
    lang: str  # en or zh-CN (also zh, zh-Hans, en-US...): the drawing's words and the messages


def render_options(
    *,
    theme: Theme = "light",
    direction: Direction = "TB",
    precision: int = 4,
    values: bool = True,
    grads: bool = True,
    collapse: bool = True,
    graph: int = -1,
    lang: str = DEFAULT_LANGUAGE,
) -> RenderOptions:
    """RenderOptions from the option names image URLs and fences use; a bad value is a `request` error."""
    if theme not in get_args(Theme):
        raise _not_one_of("theme", theme, get_args(Theme))
    if direction not in get_args(Direction):
        raise _not_one_of("direction", direction, get_args(Direction))
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 10:
        message = Message(
            "{name}={value!r} must be a whole number from {low} to {high}",
            name="precision",
            value=precision,
            low=1,
            high=10,
        )
        raise GradtraceError("request", message, code="request.option")
    if isinstance(graph, bool) or not isinstance(graph, int):
        message = Message("graph={value!r} must be a whole number (-1: the last graph)", value=graph)
        raise GradtraceError("request", message, code="request.option")
    language = parse_language(lang) if isinstance(lang, str) else None
    if language is None:
        raise GradtraceError("request", _choices("lang", lang, ("en", "zh-CN")), code="request.lang")
    options = RenderOptions(theme, direction, precision, bool(values), bool(grads), bool(collapse), graph)
    return replace(options, lang=language)


def _not_one_of(name: str, value: object, choices: tuple[str, ...]) -> GradtraceError:
    return GradtraceError("request", _choices(name, value, choices), code="request.option")


def _choices(name: str, value: object, choices: tuple[str, ...]) -> Message:
    return Message("{name}={value!r} is not one of {choices}", name=name, value=value, choices=", ".join(choices))


def render(
    code: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    format: str = "svg",
    limits: Limits | None = None,
    **options: Unpack[DrawOptions],
) -> bytes:
    """Draw the autograd graph of `code` as svg, png, pdf or dot bytes (json: the JSON API's answer).

    `options` are those of image URLs: theme, direction, precision, values, grads, collapse, graph, lang.
    `limits` default to the server's (GRADTRACE_* environment variables). Raises GradtraceError."""
    if format not in FORMATS:
        raise _not_one_of("format", format, FORMATS)
    chosen = render_options(**options)
    return render_output(code, _checked(inputs), chosen, format, limits or Settings.from_env().limits)  # type: ignore[arg-type]


def run(
    code: str, inputs: Mapping[str, Any] | None = None, *, limits: Limits | None = None, **options: Unpack[DrawOptions]
) -> Result:
    """Run `code` and return the Result the JSON API serialises (every graph, variables, output, warnings)."""
    from . import pipeline

    chosen = render_options(**options)
    try:
        return pipeline.run(code, _checked(inputs), chosen, limits or Settings.from_env().limits)
    except RecursionError:  # as render_output: in-process, Python's own limits are the last line
        raise too_deep() from None
    except MemoryError:
        raise out_of_memory() from None


def _checked(inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    from .pipeline import check_inputs

    given = dict(inputs or {})
    check_inputs(given)
    return given
