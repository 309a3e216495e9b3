"""Drawings inside HTML pages: ids that never collide, the accessible title, light/dark switching."""

from __future__ import annotations

import html
import re

from ..rendering.svg import prefix_svg_ids

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL)

# Both schemes are on the page; one is shown. MkDocs Material's palette toggle sets
# data-md-color-scheme on <body> ("slate" is its dark scheme) and wins over the OS setting, which
# decides only on pages without that attribute (other themes).
FIGURE_CSS = (
    ".gradtrace{margin:1em 0;overflow-x:auto}"
    ".gradtrace svg,.gradtrace img{max-width:100%;height:auto}"
    ".gradtrace .gradtrace-dark{display:none}"
    "@media (prefers-color-scheme: dark){"
    "body:not([data-md-color-scheme]) .gradtrace .gradtrace-light{display:none}"
    "body:not([data-md-color-scheme]) .gradtrace .gradtrace-dark{display:block}}"
    '[data-md-color-scheme="slate"] .gradtrace .gradtrace-light{display:none}'
    '[data-md-color-scheme="slate"] .gradtrace .gradtrace-dark{display:block}'
)


def inline_svg(svg: str, key: str) -> str:
    """The SVG element alone (no XML declaration or DOCTYPE), its ids prefixed from its content key."""
    svg = prefix_svg_ids(svg, f"gt{key[:12]}-")
    return svg[svg.index("<svg") :]


def svg_title(svg: str) -> str:
    """The drawing's accessible title (what screen readers say), for an <img> alt text."""
    found = _TITLE.search(svg)
    return html.unescape(found.group(1)).strip() if found else "Autograd graph"
