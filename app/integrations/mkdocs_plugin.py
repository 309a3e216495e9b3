"""MkDocs plugin: ```gradtrace blocks drawn at build time, no server needed.

    plugins:
      - gradtrace:            # options below are optional
          output: inline      # or `file`: SVG files under assets/gradtrace/, shown with <img>
          cache_dir: .cache/gradtrace
          defaults: {direction: LR}
          lang: zh-CN         # the drawings' words and build errors; default: the theme's locale, else en

A block's options follow the language name: ```gradtrace theme=dark direction=LR values=false.
With theme auto (the default) both schemes are drawn and the page shows the one MkDocs Material's
palette toggle chose (`data-md-color-scheme="slate"` on <body>), or the OS setting on other themes.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..config import Settings
from ..errors import GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language
from .drawing import CodeBlock, DrawingCache, book_language, code_block, located_message
from .figures import FIGURE_CSS, inline_svg, svg_title

log = logging.getLogger("mkdocs.plugins.gradtrace")

LANGUAGE = "gradtrace"
ASSETS = "assets/gradtrace"
STYLESHEET = f"{ASSETS}/gradtrace.css"  # which scheme shows; a file, so pages and search stay free of CSS
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")


class GradtracePluginConfig(Config):  # type: ignore[no-untyped-call]
    output = c.Choice(("inline", "file"), default="inline")
    cache_dir = c.Type(str, default=".cache/gradtrace")
    defaults = c.Type(dict, default={})
    lang = c.Type(str, default="")


@dataclass(frozen=True)
class Fence:
    """A fenced block: its first line (0-based), the line after its end, indent, info string and code."""

    start: int
    end: int
    indent: str
    info: str
    code: str


def find_fences(lines: list[str]) -> Iterator[Fence]:
    """Every fenced block at any indent, outermost only: a ```gradtrace shown inside a ````markdown
    block is an example, not a drawing."""
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening.group("fence"), opening.group("indent")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i])), None)
        if end is None:
            return  # an unclosed fence runs to the end of the page
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[index + 1 : end]]
        yield Fence(index, end + 1, indent, opening.group("info").strip(), "\n".join(body))
        index = end + 1


class GradtracePlugin(BasePlugin[GradtracePluginConfig]):  # type: ignore[no-untyped-call]
    """Replaces each ```gradtrace block with its drawing; see the module docstring."""

    def __init__(self) -> None:
        self.cache: DrawingCache | None = None
        self.figures: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.language: Language = DEFAULT_LANGUAGE

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.language = book_language(self.config.lang, _theme_locale(config))
        except GradtraceError as exc:
            raise PluginError(f"gradtrace: {exc.display_message()}") from None
        self.cache = DrawingCache(root / self.config.cache_dir, Settings.from_env().limits)
        self.figures, self.files = {}, {STYLESHEET: FIGURE_CSS.encode("utf-8")}
        if STYLESHEET not in [str(sheet) for sheet in config.extra_css]:
            config.extra_css.append(STYLESHEET)
        return config

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        lines = markdown.split("\n")
        if not any(LANGUAGE in line for line in lines):
            return None
        offset = _front_matter_lines(page, markdown)
        out: list[str] = []
        done = 0
        for fence in find_fences(lines):
            words = fence.info.split(maxsplit=1)
            if not words or words[0] != LANGUAGE:
                continue
            token = f"GRADTRACEFIGURE{len(self.figures)}X"
            self.figures[token] = self._figure(fence, words[1] if len(words) > 1 else "", page, offset)
            out += [*lines[done : fence.start], fence.indent + token]
            done = fence.end
        return "\n".join(out + lines[done:])

    def _figure(self, fence: Fence, options: str, page: Page, offset: int) -> str:
        assert self.cache is not None
        first_code_line = offset + fence.start + 2
        where = os.path.relpath(page.file.abs_src_path or page.file.src_path)
        try:
            defaults = {"lang": self.language, **{k: str(v) for k, v in self.config.defaults.items()}}
            block = code_block(fence.code, options, defaults)
            return self._drawn_figure(block, page)
        except GradtraceError as exc:
            raise PluginError(located_message(exc, where, first_code_line, self.language)) from None

    def _drawn_figure(self, block: CodeBlock, page: Page) -> str:
        assert self.cache is not None
        parts: list[str] = []
        for scheme in block.schemes():
            key, data = self.cache.draw(block, scheme, "svg")
            svg = data.decode("utf-8")
            css_class = f"gradtrace-{scheme}" if len(block.schemes()) > 1 else "gradtrace-only"
            if self.config.output == "inline":
                parts.append(f'<div class="{css_class}">{inline_svg(svg, key)}</div>')
                continue
            name = f"{ASSETS}/{key}.svg"
            self.files[name] = data
            src = get_relative_url(name, page.url)
            alt = html.escape(svg_title(svg))
            parts.append(f'<img class="{css_class}" src="{html.escape(src)}" alt="{alt}">')
        return f'<div class="gradtrace">{"".join(parts)}</div>'

    def on_page_content(self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        def figure(match: re.Match[str]) -> str:
            return self.figures.get(match.group(1), match.group(0))

        # A block on its own became a paragraph; one inside a list item or a table cell did not.
        html_text = re.sub(r"<p>(GRADTRACEFIGURE\d+X)</p>", figure, html_text)
        return re.sub(r"(GRADTRACEFIGURE\d+X)", figure, html_text)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for name, data in self.files.items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if self.cache is not None:
            log.info("gradtrace: %d drawn, %d from the cache", self.cache.drawn, self.cache.reused)


def _front_matter_lines(page: Page, markdown: str) -> int:
    """How many lines MkDocs took off the top of the file (YAML front matter) before `markdown`."""
    raw: Any = getattr(page.file, "content_string", "")
    if isinstance(raw, str) and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    return 0


def _theme_locale(config: MkDocsConfig) -> object:
    """The site's language as its theme knows it (`theme: {locale: zh_CN}` or Material's `language: zh`)."""
    theme = config.theme
    for name in ("locale", "language"):
        value = theme.get(name) if hasattr(theme, "get") else None
        if value:
            return value
    return None
