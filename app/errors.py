"""The one error family: every failure a user can cause is a GradtraceError."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from .i18n import DEFAULT_LANGUAGE, Language, Message, Text, render

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

# What error pictures and the CLI call each kind ("gradtrace: forbidden error: ..."): one literal msgid per
# kind, translated whole.
ERROR_TITLES: Mapping[str, Message] = MappingProxyType(
    {
        "syntax": Message("syntax error"),
        "forbidden": Message("forbidden error"),
        "limit": Message("limit error"),
        "timeout": Message("timeout error"),
        "runtime": Message("runtime error"),
        "render": Message("render error"),
        "request": Message("request error"),
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
    """A failure with a kind, a stable code, a learner-readable message and, when known, a position.

    `code` (`forbidden.import`, `limit.tensor_elements` ...) never changes with the wording or the language, so API
    clients can branch on it. The message is translatable text (i18n.Message) shown in the request's language;
    `message` is its English form, for logs and the CLI.
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: Text,
        line: int | None = None,
        col: int | None = None,
        status: int | None = None,
        partial: object = None,
        *,
        code: str | None = None,
    ) -> None:
        if isinstance(message, str):
            message = _valid_utf8(message)
        english = _valid_utf8(str(message))
        super().__init__(english)
        self.kind: ErrorKind = kind
        self.text: Text = message
        self.message = english
        self.code = code or kind
        self.line = line
        self.col = col
        self.status = status if status is not None else HTTP_STATUS[kind]
        # What a program that failed part-way produced before the failing line (a result.Result,
        # which sits above this module; the web layer answers it under `partial`).
        self.partial = partial

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross the worker pipe; keep every field when pickled.
        fields = (self.kind, self.text, self.line, self.col, self.status, self.partial, self.code)
        return (_rebuild_error, (type(self), fields))

    def at(self, line: int | None, col: int | None = None) -> GradtraceError:
        """Fill in a position if none is known yet; return self for `raise err.at(...)`."""
        if self.line is None and line is not None:
            self.line, self.col = line, col
        return self

    def to_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, object]:
        """The JSON shape every error answer carries under `error`."""
        return {
            "type": self.kind,
            "code": self.code,
            "message": self.display_message(language),
            "line": self.line,
            "col": self.col,
        }

    def display_message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        """The message in `language`, prefixed with its line when there is one."""
        shown = _valid_utf8(render(self.text, language))
        if self.line is not None:
            return Message("line {line}: {message}", line=self.line, message=shown).render(language)
        return shown

    def __str__(self) -> str:
        return self.display_message()


def _valid_utf8(text: str) -> str:
    # Messages can quote user text; lone surrogates in it would make every response encoder fail.
    return text.encode("utf-8", "replace").decode("utf-8")


def _rebuild_error(cls: type[GradtraceError], fields: tuple[object, ...]) -> GradtraceError:
    kind, text, line, col, status, partial, code = fields
    error = cls.__new__(cls)
    GradtraceError.__init__(error, kind, text, line, col, status, partial, code=code)  # type: ignore[arg-type]
    return error


class RetryLater(GradtraceError):
    """A request refused for now, not for what it asks (a 429 or 503): `retry_after` whole seconds is
    a fair wait, sent as the Retry-After header."""

    def __init__(self, message: Text, retry_after: int, status: int = 429, *, code: str = "limit.busy") -> None:
        super().__init__("limit", message, status=status, code=code)
        self.retry_after = max(1, retry_after)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_retry_later, (self.text, self.retry_after, self.status, self.code))


def _rebuild_retry_later(text: Text, retry_after: int, status: int, code: str) -> RetryLater:
    return RetryLater(text, retry_after, status, code=code)
