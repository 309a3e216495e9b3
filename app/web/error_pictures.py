"""Errors as pictures in every image format, so an <img> shows the author what went wrong."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..errors import GradtraceError
from ..rendering.drawing_text import drawing_text
from ..rendering.svg import ImageFormat, layout
from .errors import error_headers, error_svg, wrap_lines

MEDIA_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
MAX_LINES = 8
LINE_CHARS = 70

# Graphviz is not thread-safe. Only our own fixed-size error text is drawn in the web process;
# user graphs are always drawn in workers.
_GRAPHVIZ = threading.Lock()


def error_dot(error: GradtraceError) -> str:
    """A one-node DOT graph that shows the error kind, message and line, bounded in size."""
    lines = wrap_lines(error.display_message(), LINE_CHARS)[:MAX_LINES]
    rows = "".join(f'<BR ALIGN="LEFT"/>{drawing_text(line, quote=False) or " "}' for line in lines)
    heading = f"<B>gradtrace: {drawing_text(error.kind)} error</B>"
    label = f'<{heading}<BR ALIGN="LEFT"/><FONT FACE="Courier">{rows}</FONT><BR ALIGN="LEFT"/>>'
    return (
        'digraph error { bgcolor="white" pad=0.1;\n'
        '  node [shape=box style="rounded,filled" fillcolor="#fef2f2" color="#dc2626" fontname="Helvetica" '
        'fontcolor="#7f1d1d" fontsize=12 margin="0.2,0.12"];\n'
        f"  error [label={label}];\n}}\n"
    )


def draw_error(error: GradtraceError, fmt: ImageFormat) -> bytes:
    """The error drawn as PNG or PDF bytes."""
    with _GRAPHVIZ:
        return layout(error_dot(error), fmt)


async def error_picture(error: GradtraceError, fmt: ImageFormat) -> Response:
    """The error's status with a picture of it in `fmt`; never cached."""
    if fmt == "svg":
        return error_svg(error)
    body = await run_in_threadpool(draw_error, error, fmt)
    return Response(body, status_code=error.status, media_type=MEDIA_TYPES[fmt], headers=error_headers(error))
