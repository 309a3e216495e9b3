"""What the build integrations share: fence options, the content-keyed drawing cache, error locations."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..api import DrawOptions, render_options
from ..batch_render import OutputFormat, input_hash, render_output
from ..config import Limits
from ..errors import ERROR_TITLES, GradtraceError
from ..i18n import DEFAULT_LANGUAGE, Language, Message, parse_language, render
from ..rendering.options import RenderOptions

FENCE_OPTIONS = ("theme", "direction", "graph", "values", "grads", "collapse", "precision", "inputs", "lang")
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_LINE_PREFIX = re.compile(r"^(?:line (\d+): |第 (\d+) 行：)")


@dataclass(frozen=True)
class CodeBlock:
    """One ```gradtrace block: its code, its inputs and how to draw it (theme `auto`: both schemes)."""

    code: str
    inputs: dict[str, Any] = field(default_factory=dict)
    options: RenderOptions = field(default_factory=lambda: RenderOptions(theme="auto"))

    def schemes(self) -> tuple[Literal["light", "dark"], ...]:
        """The colour schemes to draw: both for `auto` (the page shows the one in use), else the one asked."""
        return SCHEMES if self.options.theme == "auto" else (self.options.theme,)


def code_block(code: str, text: str | Mapping[str, str], defaults: Mapping[str, str] | None = None) -> CodeBlock:
    """`code` with the options of a fence header (`theme=dark direction=LR values=false`, braces and
    quotes allowed) or of a directive, over `defaults`; a bad option is a `request` error naming it."""
    given = _split_options(text) if isinstance(text, str) else dict(text)
    chosen = {**(defaults or {}), **given}
    unknown = sorted(set(chosen) - set(FENCE_OPTIONS))
    if unknown:
        message = Message("unknown option {name!r}: use {options}", name=unknown[0], options=", ".join(FENCE_OPTIONS))
        raise GradtraceError("request", message, code="request.option")
    draw: DrawOptions = {"theme": "auto"}
    for name, raw in chosen.items():
        if name in ("values", "grads", "collapse"):
            draw[name] = _flag(name, raw)  # type: ignore[literal-required]
        elif name in ("precision", "graph"):
            draw[name] = _whole_number(name, raw)  # type: ignore[literal-required]
        elif name in ("theme", "direction", "lang"):
            draw[name] = raw  # type: ignore[literal-required]
    inputs = _inputs(chosen.get("inputs"))
    return CodeBlock(code, inputs, render_options(**draw))


def _split_options(header: str) -> dict[str, str]:
    text = header.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    try:
        words = shlex.split(text)
    except ValueError as exc:
        message = Message("cannot read the options {header!r}: {error}", header=header.strip(), error=str(exc))
        raise GradtraceError("request", message, code="request.option") from None
    options: dict[str, str] = {}
    for word in words:
        name, sign, value = word.partition("=")
        if not sign or not name:
            message = Message("option {word!r} must be written name=value, e.g. theme=dark", word=word)
            raise GradtraceError("request", message, code="request.option")
        options[name.strip()] = value.strip()
    return options


def _flag(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE | _FALSE:
        return lowered in _TRUE
    raise GradtraceError(
        "request", Message("{name}={value!r} must be true or false", name=name, value=raw), code="request.option"
    )


def _whole_number(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        message = Message("{name}={value!r} must be a whole number", name=name, value=raw)
        raise GradtraceError("request", message, code="request.option") from None


def _inputs(raw: str | None) -> dict[str, Any]:
    from ..pipeline import parse_inputs

    return parse_inputs(raw)


class DrawingCache:
    """Drawings on disk, keyed by everything that changes their bytes (source, inputs, options,
    format, versions, limits): a snippet that did not change is read back, never drawn again."""

    def __init__(self, folder: Path, limits: Limits) -> None:
        self.folder = folder
        self.limits = limits
        self.drawn = 0
        self.reused = 0

    def key(self, block: CodeBlock, theme: str, fmt: OutputFormat) -> str:
        options = _with_theme(block.options, theme)
        inputs = json.dumps(block.inputs, sort_keys=True)
        text = f"{input_hash(block.code, options, fmt, self.limits)}\n{inputs}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def draw(self, block: CodeBlock, theme: str, fmt: OutputFormat) -> tuple[str, bytes]:
        """(content key, bytes) of the snippet drawn in `theme` and `fmt`; raises GradtraceError."""
        key = self.key(block, theme, fmt)
        path = self.folder / f"{key}.{fmt}"
        try:
            data = path.read_bytes()
        except OSError:
            pass
        else:
            self.reused += 1
            return key, data
        data = render_output(block.code, block.inputs, _with_theme(block.options, theme), fmt, self.limits)
        self.drawn += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{fmt}.partial")
        partial.write_bytes(data)
        partial.replace(path)  # a build stopped half-way never leaves half a drawing to reuse
        return key, data


def _with_theme(options: RenderOptions, theme: str) -> RenderOptions:
    from dataclasses import replace

    return replace(options, theme=theme)  # type: ignore[arg-type]


def book_language(configured: str | None, site_language: object = None) -> Language:
    """The book's language: the integration's own `lang` setting, else the site's (MkDocs' theme locale,
    Sphinx's `language`: zh_CN, zh-Hans ...), else English. A `lang` setting gradtrace does not speak is a
    `request` error naming the two it does."""
    if configured:
        language = parse_language(configured)
        if language is None:
            message = Message(
                "lang={lang!r} is not a language gradtrace speaks: write lang=en (English) or lang=zh-CN (简体中文)",
                lang=configured,
            )
            raise GradtraceError("request", message, code="request.lang")
        return language
    from_site = parse_language(str(site_language)) if site_language else None
    return from_site or DEFAULT_LANGUAGE


def located_message(
    error: GradtraceError, path: str, first_code_line: int, language: Language = DEFAULT_LANGUAGE
) -> str:
    """`path:LINE: gradtrace KIND error: message` in `language`, LINE counted in the page (the snippet's first
    line is `first_code_line`)."""
    message = render(error.text, language)
    line = error.line
    found = _LINE_PREFIX.match(message)
    if found:
        line = line if line is not None else int(found.group(1) or found.group(2))
        message = message[found.end() :]
    where = first_code_line + line - 1 if line is not None else first_code_line - 1
    located = Message(
        "{path}:{line}: gradtrace {error}: {message}",
        path=path,
        line=where,
        error=ERROR_TITLES[error.kind],
        message=message,
    )
    return located.render(language)
