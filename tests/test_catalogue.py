"""The message catalogues and the code agree: every message is in the catalogue and translated, every error has a
stable code, and every message is a literal Babel can extract."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import load_messages_script

APP = Path(__file__).resolve().parent.parent / "app"
ERROR_CLASSES = {"GradtraceError", "RetryLater"}
CODE = re.compile(r"^[a-z]+(\.[a-z0-9_]+)+$")


def python_files() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def calls(tree: ast.AST, names: set[str]) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in names:
                yield node


def test_catalogues_match_the_code() -> None:
    """Fails on a message the code uses that a catalogue lacks or leaves untranslated (or fuzzy), on an entry the
    code no longer uses, and on a translation whose placeholders differ from its msgid's."""
    problems = list(load_messages_script().problems())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(APP)))
def test_messages_are_literals(path: Path) -> None:
    """Babel extracts only literal msgids: a Message built from a variable or an f-string would never be translated."""
    if path.parent.name == "i18n":
        return  # the Message class itself
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in calls(tree, {"Message", "Plural"}):
        wanted = 2 if isinstance(call.func, ast.Name) and call.func.id == "Plural" else 1
        literal = [isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in call.args[:wanted]]
        assert len(literal) == wanted and all(literal), f"{path}:{call.lineno}: the msgid must be a string literal"


def untranslatable(node: ast.expr) -> bool:
    """Text that can never be translated: a str literal, an f-string, `"..." + x`, or `"...".format(...)`."""
    if (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return untranslatable(node.left) or untranslatable(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and untranslatable(node.func.value)
    )


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(APP)))
def test_errors_carry_a_code_and_catalogue_text(path: Path) -> None:
    """Every error a user can cause names a stable `code` (`forbidden.import`) whose prefix is its kind, and its
    message comes from the catalogue (a Message), never a bare English string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in calls(tree, ERROR_CLASSES):
        where = f"{path.relative_to(APP.parent)}:{call.lineno}"
        is_retry = isinstance(call.func, ast.Name) and call.func.id == "RetryLater"
        message = call.args[0 if is_retry else 1] if len(call.args) > (0 if is_retry else 1) else None
        assert message is None or not untranslatable(message), f"{where}: wrap the message in Message(...)"
        codes = [kw.value for kw in call.keywords if kw.arg == "code"]
        if is_retry and not codes:
            continue  # RetryLater's default code, limit.busy
        kind = call.args[0] if call.args else None
        if not (isinstance(kind, ast.Constant) and isinstance(kind.value, str)):
            continue  # an error re-raised with the kind and code of another
        assert codes, f"{where}: give the error a stable code=, e.g. code='{kind.value}.something'"
        code = codes[0]
        assert isinstance(code, ast.Constant) and isinstance(code.value, str), f"{where}: the code must be a literal"
        assert CODE.match(code.value) and code.value.split(".")[0] == kind.value, (
            f"{where}: code {code.value!r} must read '{kind.value}.<what>' in lower case"
        )


def test_babel_extracts_every_message_the_code_writes() -> None:
    """Babel's Python extractor silently skips a Message nested in a call inside another Message's arguments
    (`Message("{op} ...", op=name_of(op, Message("an op")))`): such text would never reach the catalogue, and the
    completeness test above could not see it. Every literal msgid in the code must be extracted."""
    extracted = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in load_messages_script().extract("gradtrace")
        if message.id
    }
    lost = []
    for path in python_files():
        if path.parent.name == "i18n":
            continue
        for call in calls(ast.parse(path.read_text(encoding="utf-8")), {"Message", "Plural"}):
            msgid = call.args[0] if call.args else None
            if isinstance(msgid, ast.Constant) and isinstance(msgid.value, str) and msgid.value not in extracted:
                lost.append(f"{path.relative_to(APP.parent)}:{call.lineno}: {msgid.value!r} (give it a name first)")
    assert not lost, "\n".join(lost)
