"""The one error family: every failure a user can cause is a GradtraceError."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

ErrorKind = Literal["syntax", "forbidden", "limit", "timeout", "runtime", "render", "request"]

# HTTP status per kind; the web layer and the CLI read this table and nothing else.
HTTP_STATUS: Mapping[str, int] = MappingProxyType(
    {
        "syntax": 400,
        "forbidden": 403,
        "limit": 422,
        "timeout": 408,
        "runtime": 422,
        "render": 422,
        "request": 400,
    }
)

CLI_EXIT: Mapping[str, int] = MappingProxyType(
    {
        "syntax": 2,
        "forbidden": 3,
        "limit": 4,
        "timeout": 5,
        "runtime": 6,
        "render": 7,
        "request": 2,
    }
)


class GradtraceError(Exception):
    """A failure with a kind, a learner-readable message and, when known, a position."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        line: int | None = None,
        col: int | None = None,
        status: int | None = None,
        partial: object = None,
    ) -> None:
        # Messages can quote user text; lone surrogates in it would make every response encoder fail.
        message = message.encode("utf-8", "replace").decode("utf-8")
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.line = line
        self.col = col
        self.status = status if status is not None else HTTP_STATUS[kind]
        # What a program that failed part-way produced before the failing line (a result.Result,
        # which sits above this module; the web layer answers it under `partial`).
        self.partial = partial

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross the worker pipe; keep every field when pickled.
        return (type(self), (self.kind, self.message, self.line, self.col, self.status, self.partial))

    def at(self, line: int | None, col: int | None = None) -> GradtraceError:
        """Fill in a position if none is known yet; return self for `raise err.at(...)`."""
        if self.line is None and line is not None:
            self.line, self.col = line, col
        return self

    def to_dict(self) -> dict[str, object]:
        """The JSON shape every error answer carries under `error`."""
        return {"type": self.kind, "message": self.display_message(), "line": self.line, "col": self.col}

    def display_message(self) -> str:
        """The message, prefixed with its line when there is one."""
        if self.line is not None and not self.message.startswith("line "):
            return f"line {self.line}: {self.message}"
        return self.message

    def __str__(self) -> str:
        return self.display_message()


class RetryLater(GradtraceError):
    """A request refused for now, not for what it asks (a 429 or 503): `retry_after` whole seconds is
    a fair wait, sent as the Retry-After header."""

    def __init__(self, message: str, retry_after: int, status: int = 429) -> None:
        super().__init__("limit", message, status=status)
        self.retry_after = max(1, retry_after)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.retry_after, self.status))
