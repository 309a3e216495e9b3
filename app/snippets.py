"""What a stored snippet is: its canonical request, its content-addressed id, its row and the store's errors.

A short /s/{id} URL names code+inputs+options. A row holds the request as its client sent it, or the
canonical JSON when that is shorter, so a store never grows faster than the bytes clients send. Where rows
are kept is app/store/ (SQLite by default, PostgreSQL with GRADTRACE_DATABASE_URL)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from .errors import GradtraceError, RetryLater
from .i18n import Message
from .rendering.options import RenderOptions

SNIPPET_ID = re.compile(r"^[0-9a-f]{16}$")
UNLIMITED_BYTES = 0  # max_bytes meaning "no cap but the database's own"


# Options added after snippet ids were first given out, with their defaults: they enter the
# canonical text only when set otherwise, so a request keeps the id it always had.
LATER_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {"collapse_runs": True, "color_by": "none", "gradcheck": False, "edge_labels": None, "step": None, "lang": "en"}
)


def canonical_request(code: str, inputs: Mapping[str, Any], options: RenderOptions) -> str:
    """One JSON text per (code, inputs, options): the key of snippet ids, ETags and the image cache."""
    chosen = {k: v for k, v in asdict(options).items() if k not in LATER_OPTIONS or v != LATER_OPTIONS[k]}
    body = {"code": code, "inputs": dict(inputs), "options": chosen}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snippet_id(canonical: str) -> str:
    """The id of a snippet: the first 16 hex digits of the SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Snippet:
    """A stored snippet: what `POST /api/snippets` was given."""

    id: str
    code: str
    inputs: dict[str, Any]
    options: RenderOptions


STORE_RETRY_SECONDS = 5  # the Retry-After of a store that is down: a restarting database is back in seconds


def store_unavailable(reason: object) -> GradtraceError:
    """The error of a snippet store that cannot be used right now (503 with Retry-After: try again later).
    `reason` is our own words (a Message, translated) or the database driver's (shown as it wrote them)."""
    message = Message(
        "the snippet store is not available right now ({reason}); try again in a moment. "
        "Images linked by their /svg/{{encoded}} URL do not need it",
        reason=reason if isinstance(reason, Message) else str(reason),
    )
    return RetryLater(message, retry_after=STORE_RETRY_SECONDS, status=503, code="limit.store_unavailable")


def store_full(max_bytes: int) -> GradtraceError:
    """The 507 of a store that reached its size cap (or a disk that is full): stored snippets still work."""
    instead = Message("Link this one with its /svg/{{encoded}} URL or draw it with POST /api/graph instead")
    if max_bytes:
        megabytes = f"{max_bytes / 1_048_576:.0f}"
        message = Message(
            "the snippet store is full (its limit is {megabytes} MB), so no new snippet can be stored; "
            "stored snippets still draw. {instead}",
            megabytes=megabytes,
            instead=instead,
        )
    else:
        message = Message(
            "the snippet store is full, so no new snippet can be stored; stored snippets still draw. {instead}",
            instead=instead,
        )
    return GradtraceError("limit", message, status=507, code="limit.store_full")


@cache
def _options_reader() -> Any:
    # Rows keep option values as their client sent them ("precision": 3.0, "show_values": 0); pydantic's
    # lax mode reads them exactly as the request schema did. Imported late: the CLI never reads rows.
    from pydantic import TypeAdapter

    return TypeAdapter(RenderOptions)


def stored_options(stored: Mapping[str, Any]) -> RenderOptions:
    """Options of a stored row: fields RenderOptions no longer has are dropped and new ones take
    their defaults, so rows written by an older version still load. A `lang` the client sent is not the
    snippet's: each image URL speaks its reader's language."""
    from pydantic import ValidationError

    try:
        kept = {name: value for name, value in stored.items() if name != "lang"}
        options: RenderOptions = _options_reader().validate_python(kept)
    except ValidationError:  # a value an older version allowed and this one refuses
        return RenderOptions()
    return options


def snippet_from_row(key: str, stored: str | bytes) -> Snippet:
    """A row's snippet; `stored` is a request body as sent or canonical JSON (missing parts are defaults)."""
    body = json.loads(stored)
    return Snippet(key, body["code"], dict(body.get("inputs") or {}), stored_options(body.get("options") or {}))
