"""Compact URLs: source text <-> zlib (deflate) + base64url, the encoding Kroki uses."""

from __future__ import annotations

import base64
import binascii
import zlib

from ..errors import GradtraceError
from ..i18n import Message

_BYTES_PER_CHAR = 4  # UTF-8: the source limit counts characters, the decompressor counts bytes


def encode_source(source: str) -> str:
    """What `/svg/{encoded}` expects: `base64.urlsafe_b64encode(zlib.compress(src.encode(), 9))`."""
    return base64.urlsafe_b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii")


def decode_source(encoded: str, max_chars: int) -> str:
    """The source text of an encoded URL segment; a zip bomb stops at the source limit, unread."""
    try:
        packed = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise _bad_encoding() from None
    raw = _inflate(packed, max_chars * _BYTES_PER_CHAR)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_encoding() from None
    if len(source) > max_chars:
        raise _too_long(max_chars)
    return source


def _inflate(packed: bytes, max_bytes: int) -> bytes:
    # zlib-wrapped (Kroki, Python's zlib.compress) first, then raw deflate (pako.deflateRaw).
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        inflater = zlib.decompressobj(wbits)
        try:
            raw = inflater.decompress(packed, max_bytes + 1)
        except zlib.error:
            continue
        if len(raw) > max_bytes or inflater.unconsumed_tail:
            raise _too_long(max_bytes // _BYTES_PER_CHAR)
        if inflater.eof:
            return raw
    raise _bad_encoding()


def _too_long(max_chars: int) -> GradtraceError:
    message = Message("the decoded source is longer than {limit} characters", limit=max_chars)
    return GradtraceError("limit", message, code="limit.source_chars")


def _bad_encoding() -> GradtraceError:
    message = Message("the URL does not hold encoded source: use base64url(zlib.compress(source)), as for Kroki")
    return GradtraceError("request", message, code="request.encoding")
