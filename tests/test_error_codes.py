"""The README's list of error codes is the list the code raises: a code added, renamed or dropped in app/ fails
here until the README says so (so API clients can trust the list they branch on)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z]+(\.[a-z0-9_]+)+$")
KINDS = ("syntax", "forbidden", "limit", "timeout", "runtime", "render", "request")
ERROR_CLASSES = {"GradtraceError", "RetryLater"}


def _literal_codes(node: ast.AST) -> Iterator[str]:
    """The codes an expression can be: a literal, either branch of `a if c else b`, a dict's values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literal_codes(node.body)
        yield from _literal_codes(node.orelse)


def raised_codes() -> set[str]:
    """Every code app/ gives an error: `code=` of the error classes, their default (RetryLater's limit.busy),
    and tables of codes (`CODES = {408: "timeout.headers", ...}`) that a call picks from."""
    codes: set[str] = set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                codes.update(code for kw in node.keywords if kw.arg == "code" for code in _literal_codes(kw.value))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "__init__":
                for default in node.args.kw_defaults:
                    codes.update(_literal_codes(default) if default is not None else ())
            elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(target, ast.Name) and target.id.endswith("CODES") for target in targets):
                    codes.update(code for value in node.value.values if value for code in _literal_codes(value))
    return codes


def readme_codes() -> set[str]:
    """The codes listed under the README's "Error codes" heading: one line per `type`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Languages and error codes", 1)[1].split("\n## ", 1)[0]
    listed = section.split("<!-- error codes -->", 2)[1]
    return set(re.findall(r"`([a-z]+\.[a-z0-9_.]+)`", listed))


def test_every_code_raised_is_listed_in_the_readme_and_no_other() -> None:
    raised, listed = raised_codes(), readme_codes()
    assert raised, "no code found: the scan of app/ is broken"
    assert not raised - listed, f"add to README's error code list: {sorted(raised - listed)}"
    assert not listed - raised, f"README lists codes nothing raises: {sorted(listed - raised)}"


def test_every_code_starts_with_its_type() -> None:
    assert {code.split(".")[0] for code in raised_codes()} <= set(KINDS)


def readme_list() -> str:
    """The README's list, as it should read (`python -c 'from tests.test_error_codes import readme_list;
    print(readme_list())'` prints it)."""
    codes = sorted(raised_codes())
    lines = [
        f"- `{kind}`: " + ", ".join(f"`{code}`" for code in codes if code.split(".")[0] == kind)
        for kind in KINDS
        if any(code.split(".")[0] == kind for code in codes)
    ]
    return "\n".join(lines)
