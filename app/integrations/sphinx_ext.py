"""Sphinx extension: the `gradtrace` directive (and MyST's ```{gradtrace} fence), drawn at build time.

    extensions = ["gradtrace.integrations.sphinx_ext"]

    .. gradtrace::
       :direction: LR

       x = torch.tensor(2.0, requires_grad=True)
       (x * x).backward()

One image node per block with two candidates drawn from the same source by gradtrace's own renderer:
SVG (HTML builders) and PDF (LaTeX). Sphinx picks the one its builder supports and copies it. A broken
snippet is a warning at its file and line (an error with `-W`), and the page shows the error instead.
"""

from __future__ import annotations

import logging as pylogging
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import __version__
from ..config import Settings
from ..errors import ERROR_TITLES, GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language, Message, render
from .drawing import CodeBlock, DrawingCache, book_language, code_block
from .figures import svg_title

logger = logging.getLogger(__name__)

# Image files by mime type: HTML builders take SVG first, LaTeX takes PDF.
FORMATS = {"image/svg+xml": "svg", "application/pdf": "pdf"}


class gradtrace_figure(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils names nodes in lower case
    """A drawn block until doctree-read makes it an image (after Sphinx's image collector ran)."""


class GradtraceDirective(SphinxDirective):
    """`.. gradtrace::` with the code as content and the fence options as directive options."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "theme": directives.unchanged,  # checked with the other options, so errors read alike
        "direction": directives.unchanged,
        "graph": directives.unchanged,
        "values": directives.unchanged,
        "grads": directives.unchanged,
        "collapse": directives.unchanged,
        "precision": directives.unchanged,
        "inputs": directives.unchanged,
        "lang": directives.unchanged,
        "alt": directives.unchanged,
        "width": directives.length_or_percentage_or_unitless,
    }

    def run(self) -> list[nodes.Node]:
        options = {k: str(v) for k, v in self.options.items() if k not in ("alt", "width")}
        language = DEFAULT_LANGUAGE
        try:
            language = book_language(self.config.gradtrace_lang, self.config.language)
            defaults = {"theme": "light", "lang": language, **self.config.gradtrace_defaults}
            block = code_block("\n".join(self.content), options, defaults)
            if block.options.theme == "auto":  # a PDF has one scheme; pages that switch use MkDocs
                block = code_block(block.code, {**options, "theme": "light"}, defaults)
            files = _draw_files(self.env.app, block)
        except GradtraceError as exc:
            # Sphinx names the file and the directive's line; the message names the snippet's line.
            message = snippet_message(exc, language)
            logger.warning(message, location=(self.env.docname, self.lineno), type="gradtrace", subtype="snippet")
            return [nodes.literal_block(message, message, classes=["gradtrace-error"])]
        figure = gradtrace_figure(candidates=files, alt=self.options.get("alt") or files.pop("alt"))
        if "width" in self.options:
            figure["width"] = self.options["width"]
        self.set_source_info(figure)
        return [figure]


def snippet_message(error: GradtraceError, language: Language) -> str:
    """`gradtrace forbidden error: snippet line 2: ...` in `language` (Sphinx adds the file and line)."""
    shown = error.display_message(language)
    if error.line is not None:
        where = Message("snippet line {line}", line=error.line)
        shown = Message("{where}: {message}", where=where, message=render(error.text, language)).render(language)
    return Message("gradtrace {error}: {message}", error=ERROR_TITLES[error.kind], message=shown).render(language)


def _cache(app: Sphinx) -> DrawingCache:
    cache: DrawingCache | None = getattr(app, "_gradtrace_cache", None)
    if cache is None:
        folder = Path(app.config.gradtrace_cache_dir or Path(app.doctreedir) / "gradtrace")
        cache = DrawingCache(folder.resolve(), Settings.from_env().limits)
        app._gradtrace_cache = cache  # type: ignore[attr-defined]
    return cache


def _draw_files(app: Sphinx, block: CodeBlock) -> dict[str, str]:
    """{mime type: absolute path} of the snippet's SVG and PDF, drawn or found in the cache; plus its alt text."""
    cache = _cache(app)
    theme = block.options.theme
    files: dict[str, str] = {}
    for mime, fmt in FORMATS.items():
        key, data = cache.draw(block, theme, fmt)  # type: ignore[arg-type]
        files[mime] = str(cache.folder / f"{key}.{fmt}")
        if fmt == "svg":
            files["alt"] = svg_title(data.decode("utf-8"))
    return files


def images_from_figures(app: Sphinx, doctree: nodes.document) -> None:
    """Make each drawn block an image node whose candidates Sphinx's builders choose from.

    Runs after Sphinx's image collector (which would otherwise replace the candidates with files
    it finds beside the page) and registers the files as the collector would, so builders copy them."""
    for figure in list(doctree.findall(gradtrace_figure)):
        candidates: dict[str, str] = figure["candidates"]
        image = nodes.image(uri=candidates["image/svg+xml"], alt=figure["alt"], candidates=dict(candidates))
        if "width" in figure:
            image["width"] = figure["width"]
        image.source, image.line = figure.source, figure.line
        for path in candidates.values():
            app.env.images.add_file(app.env.docname, path)
        figure.replace_self(image)


def report_drawings(app: Sphinx, exception: Exception | None) -> None:
    cache: DrawingCache | None = getattr(app, "_gradtrace_cache", None)
    if cache is not None and exception is None:
        logger.info("gradtrace: %d drawn, %d from the cache", cache.drawn, cache.reused)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive; `gradtrace_defaults` sets options for every block, `gradtrace_cache_dir`
    where drawings are kept between builds (default: in the doctrees folder)."""
    app.add_config_value("gradtrace_defaults", {}, "env", dict)
    app.add_config_value("gradtrace_cache_dir", "", "env", str)
    # en or zh-CN; empty: Sphinx's own `language` (zh_CN draws Chinese), else English.
    app.add_config_value("gradtrace_lang", "", "env", str)
    app.add_node(gradtrace_figure)
    app.add_directive("gradtrace", GradtraceDirective)
    app.connect("doctree-read", images_from_figures, priority=900)
    app.connect("build-finished", report_drawings)
    pylogging.getLogger("gradtrace.graphviz").propagate = False  # Graphviz chatter never reaches the build log
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
