"""Errors as pictures in every image format, so an <img> shows the author what went wrong."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..errors import GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language
from ..rendering.drawing_text import drawing_text
from ..rendering.svg import ImageFormat, layout
from .errors import error_headers, error_heading, error_svg, wrap_lines

MEDIA_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
MAX_LINES = 8
LINE_CHARS = 70

# Graphviz is not thread-safe. Only our own fixed-size error text is drawn in the web process;
# user graphs are always drawn in workers.
_GRAPHVIZ = threading.Lock()


def error_dot(error: GradtraceError, language: Language = DEFAULT_LANGUAGE) -> str:
    """A one-node DOT graph that shows the error kind, message and line in `language`, bounded in size."""
    lines = wrap_lines(error.display_message(language), LINE_CHARS, max_lines=MAX_LINES)
    rows = "".join(f'<BR ALIGN="LEFT"/>{drawing_text(line, quote=False) or " "}' for line in lines)
    heading = f"<B>{drawing_text(error_heading(error, language), quote=False)}</B>"
    label = f'<{heading}<BR ALIGN="LEFT"/><FONT FACE="Courier">{rows}</FONT><BR ALIGN="LEFT"/>>'
    return (
        'digraph error { bgcolor="white" pad=0.1;\n'
        '  node [shape=box style="rounded,filled" fillcolor="#fef2f2" color="#dc2626" fontname="Helvetica" '
        'fontcolor="#7f1d1d" fontsize=12 margin="0.2,0.12"];\n'
        f"  error [label={label}];\n}}\n"
    )


def draw_error(error: GradtraceError, fmt: ImageFormat, language: Language = DEFAULT_LANGUAGE) -> bytes:
    """The error drawn as PNG or PDF bytes."""
    with _GRAPHVIZ:
        return layout(error_dot(error, language), fmt)


async def error_picture(error: GradtraceError, fmt: ImageFormat, language: Language = DEFAULT_LANGUAGE) -> Response:
    """The error's status with a picture of it in `fmt` and `language`; never cached."""
    if fmt == "svg":
        return error_svg(error, language)
    body = await run_in_threadpool(draw_error, error, fmt, language)
    return Response(body, status_code=error.status, media_type=MEDIA_TYPES[fmt], headers=error_headers(error, language))
