"""Text that enters a drawing: the one escape every label, title, description and error picture uses.

XML 1.0 has no way to write most C0 controls, U+FFFE, U+FFFF or lone surrogates, not even as
character references: an SVG holding one does not parse, and Graphviz draws an empty PNG/PDF for a
label holding one. They are drawn as the visible stand-ins Unicode has for them instead.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

# Every character XML 1.0 refuses (tab, newline and carriage return are allowed), plus DEL, which is
# allowed but draws as nothing.
_NOT_DRAWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
CONTROL_PICTURES = 0x2400  # U+2400..U+241F picture the C0 controls: "\x1f" is drawn as ␟
DELETE_PICTURE = "\u2421"  # ␡
REPLACEMENT = "\ufffd"  # �, for U+FFFE, U+FFFF and lone surrogates


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(CONTROL_PICTURES + code)
    return DELETE_PICTURE if code == 0x7F else REPLACEMENT


def drawable_text(text: str) -> str:
    """`text` with every character XML cannot hold replaced by a visible stand-in (not escaped)."""
    return _NOT_DRAWABLE.sub(_stand_in, text)


# Text with nothing to replace or escape, as most is (numbers, op names): one match, no copies.
_UNCHANGED = re.compile("[^&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]*")


def drawing_text(text: str, quote: bool = True) -> str:
    """`text` ready for SVG/XML text or a Graphviz HTML-like label: stand-ins, then &, <, > (and quotes)."""
    if _UNCHANGED.fullmatch(text):
        return text
    return escape(drawable_text(text), quote=quote)


IDEOGRAPHIC_SPACE = "\u3000"  # as wide as a Chinese character in the same font


def caption_pad(caption: str) -> str:
    """Blank text as wide as `caption`, so the rows under a caption (`梯度 [1, 2,` / `     3, 4]`) line up:
    a space per narrow character, an ideographic space per wide one."""
    return "".join(IDEOGRAPHIC_SPACE if unicodedata.east_asian_width(c) in ("W", "F") else " " for c in caption)
