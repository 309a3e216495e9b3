"""Errors in Python's own words: the exception a program raised, or the SyntaxError Python gives.

Python's text (`NameError: name 'x' is not defined`) is what a learner searches for and what the course shows, so
it stays exactly as Python writes it in every language; only the words that introduce it are translated.
`caught_value` (exceptions.py) reads the exception's class back from the English text, which is Python's alone.
"""

from __future__ import annotations

from ..errors import GradtraceError
from ..i18n import Message

# The code of an exception Python or PyTorch raised, by its class (the nearest listed ancestor), so the same
# condition answers the same code whether Python raised it or the interpreter said it as Python would.
EXCEPTION_CODES: dict[type[BaseException], str] = {
    UnboundLocalError: "runtime.unbound_local_error",
    NameError: "runtime.name_error",
    TypeError: "runtime.type_error",
    ValueError: "runtime.value_error",
    AttributeError: "runtime.attribute_error",
    IndexError: "runtime.index_error",
    KeyError: "runtime.key_error",
    ZeroDivisionError: "runtime.zero_division_error",
    AssertionError: "runtime.assertion_error",
    NotImplementedError: "runtime.not_implemented",
    RuntimeError: "runtime.runtime_error",  # most of PyTorch's own errors
}


def exception_code(cls: type[BaseException]) -> str:
    """`runtime.type_error` for a TypeError (or a subclass); `runtime.exception` for a class not listed."""
    for ancestor in cls.__mro__:
        if ancestor in EXCEPTION_CODES:
            return EXCEPTION_CODES[ancestor]
    return "runtime.exception"


def python_exception(name: str, text: str = "") -> Message:
    """`NameError: name 'x' is not defined` (just the name when there is no text), introduced in the learner's
    language. The error's code names its class (`exception_code`)."""
    # Translators: Python's (or PyTorch's) own exception, exactly as Python prints it, e.g.
    # "NameError: name 'x' is not defined". The English shows it alone; the translation introduces it.
    return Message("{exception}", exception=f"{name}: {text}" if text else name)


def syntax_error(text: str, line: int | None = None, col: int | None = None) -> GradtraceError:
    """Python's SyntaxError (`SyntaxError: invalid syntax`), introduced in the learner's language."""
    # Translators: Python's own SyntaxError, exactly as Python prints it, e.g. "SyntaxError: invalid syntax".
    # The English shows it alone; the translation says Python could not read the line.
    message = Message("{syntax_error}", syntax_error=f"SyntaxError: {text}")
    return GradtraceError("syntax", message, line, col, code="syntax.invalid")


def type_error(text: str, line: int | None = None) -> GradtraceError:
    """Python's `TypeError: <text>`, for the checks the interpreter makes as Python would."""
    return GradtraceError("runtime", python_exception("TypeError", text), line, code="runtime.type_error")
