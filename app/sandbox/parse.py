"""Source text -> Program: parse with ast.parse and refuse anything outside the supported subset."""

from __future__ import annotations

import ast
import builtins
import io
import tokenize
from dataclasses import dataclass

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message, Text
from . import allowlist
from .objects import SPECIAL_READS, USER_DUNDERS
from .python_errors import syntax_error
from .suggestions import attribute_refusal, not_available_here

# Node kinds the interpreter knows; anything else is refused by name.
SUPPORTED_NODES: frozenset[type[ast.AST]] = frozenset(
    {
        ast.Module,
        ast.Expr,
        ast.Assign,
        ast.AugAssign,
        ast.If,
        ast.For,
        ast.While,
        ast.Break,
        ast.Continue,
        ast.FunctionDef,
        ast.Return,
        ast.With,
        ast.withitem,
        ast.Import,
        ast.ImportFrom,
        ast.alias,
        ast.Pass,
        ast.Assert,
        ast.Delete,
        ast.ClassDef,
        ast.Lambda,
        ast.Try,
        ast.ExceptHandler,
        ast.Raise,
        ast.Set,
        ast.SetComp,
        ast.Yield,
        ast.YieldFrom,
        ast.Constant,
        ast.Name,
        ast.Attribute,
        ast.Subscript,
        ast.Slice,
        ast.Starred,
        ast.List,
        ast.Tuple,
        ast.Dict,
        ast.ListComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.comprehension,
        ast.BinOp,
        ast.UnaryOp,
        ast.BoolOp,
        ast.Compare,
        ast.IfExp,
        ast.Call,
        ast.keyword,
        ast.JoinedStr,
        ast.FormattedValue,
        ast.arguments,
        ast.arg,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.operator,
        ast.unaryop,
        ast.boolop,
        ast.cmpop,
    }
)

# Learner-facing names for refused constructs.
CONSTRUCT_NAMES: dict[type[ast.AST], Text] = {
    ast.Lambda: "`lambda`",
    ast.ClassDef: "`class`",
    ast.Global: "`global`",
    ast.Nonlocal: "`nonlocal`",
    ast.Try: "`try`",
    ast.Raise: "`raise`",
    ast.Yield: "`yield`",
    ast.YieldFrom: "`yield from`",
    ast.Await: "`await`",
    ast.AsyncFunctionDef: "`async def`",
    ast.AsyncFor: "`async for`",
    ast.AsyncWith: "`async with`",
    ast.NamedExpr: "`:=`",
    ast.Match: "`match`",
    ast.AnnAssign: Message("annotated assignment"),
    ast.Set: Message("a set literal"),
    ast.SetComp: Message("a set comprehension"),
}
if hasattr(ast, "TryStar"):
    CONSTRUCT_NAMES[ast.TryStar] = "`try`"

_PYTHON_BUILTINS = frozenset(dir(builtins))
# What to write instead of a refused name learners often reach for.
_INSTEAD: dict[str, Message] = {
    "_": Message("use a plain name such as `i` for a value you do not need"),
    "type": Message("use isinstance(x, float) or x.dtype instead"),
    "format": Message('use an f-string such as f"{example}" instead', example="{v:.2f}"),
    "numpy": Message("use .tolist() or .item() instead"),
    "ClassDef": Message("build a model with nn.Sequential(...) or write its forward pass as a `def` function"),
    "Lambda": Message("write a `def` function instead"),
}
_DEPTH_IGNORED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


@dataclass(frozen=True)
class Program:
    """A parsed program that passed every static check."""

    tree: ast.Module
    source: str
    free_names: tuple[str, ...]


def parse_program(source: str, limits: Limits) -> Program:
    """Parse `source`, refusing oversize, over-nested or unsupported code with a GradtraceError."""
    if len(source) > limits.max_source_chars:
        raise GradtraceError(
            "limit",
            Message(
                "the program has {count} characters; the limit is {limit}",
                count=len(source),
                limit=limits.max_source_chars,
            ),
            code="limit.source_chars",
        )
    _check_encoding(source)
    _check_tokens(source, limits)
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        raise syntax_error(exc.msg, exc.lineno, exc.offset) from None
    except (RecursionError, MemoryError):
        raise GradtraceError("limit", Message("the program is nested too deeply"), code="limit.nesting") from None
    _check_size(tree, limits)
    bound = _bound_names(tree)
    attributes = _defined_attributes(tree)
    in_part = _imported_in_part(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _chain_root(node) in in_part:
            _check_chain_underscores(node)  # numpy & co.: their names are checked where they run
        else:
            _check_node(node, bound, attributes)
    return Program(tree=tree, source=source, free_names=_free_names(tree, bound))


def _check_encoding(source: str) -> None:
    """Refuse text that is not Unicode a file could hold (a lone surrogate such as U+D800)."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = source.count("\n", 0, exc.start) + 1
        raise GradtraceError(
            "syntax",
            Message(
                "the program contains {codepoint}, which is not a character",
                codepoint=f"U+{ord(source[exc.start]):04X}",
            ),
            line,
            code="syntax.not_a_character",
        ) from None


def _check_tokens(source: str, limits: Limits) -> None:
    """Refuse deep bracket nesting before ast.parse sees it (identifiers are Python's, Unicode too)."""
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
                if depth > limits.max_ast_depth:
                    raise GradtraceError(
                        "limit",
                        Message("brackets are nested more than {limit} deep", limit=limits.max_ast_depth),
                        tok.start[0],
                        tok.start[1],
                        code="limit.nesting",
                    )
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return  # ast.parse reports these with a better message


def _check_size(tree: ast.Module, limits: Limits) -> None:
    """Count nodes and nesting depth without recursion (the tree may be very deep)."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > limits.max_ast_nodes:
            raise GradtraceError(
                "limit",
                Message("the program has more than {limit} syntax nodes", limit=limits.max_ast_nodes),
                code="limit.syntax_nodes",
            )
        if depth > limits.max_ast_depth:
            line = getattr(node, "lineno", None)
            depth_limit = Message("the program is nested more than {limit} deep", limit=limits.max_ast_depth)
            raise GradtraceError("limit", depth_limit, line, code="limit.nesting")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth if isinstance(child, _DEPTH_IGNORED) else depth + 1))


def _with_instead(refusal: Message, instead: Message | None) -> Message:
    """A refusal and, when there is one, what the learner can write instead."""
    return refusal if instead is None else Message("{refusal}; {instead}", refusal=refusal, instead=instead)


def _check_name(
    name: str, line: int | None, shown: str | None = None, own: frozenset[str] | set[str] = frozenset()
) -> None:
    """Refuse `_` names, except the program's own single-underscore names (`own`: micrograd's `_prev`)."""
    shown = shown or f"`{name}`"
    if name.startswith("_") and not (name in own and not name.startswith("__")):
        refusal = Message("{name} is not available: names starting with `_` are not available", name=shown)
        raise GradtraceError(
            "forbidden", _with_instead(refusal, _INSTEAD.get(name)), line, code="forbidden.underscore_name"
        )


def _check_node(node: ast.AST, bound: set[str], attributes: set[str]) -> None:
    """Refuse one node: unsupported kinds, `_` names, unknown attributes, imports, builtins we lack."""
    line = getattr(node, "lineno", None)
    if type(node) not in SUPPORTED_NODES and not isinstance(node, _DEPTH_IGNORED):
        what = CONSTRUCT_NAMES.get(type(node), f"`{type(node).__name__}`")
        refusal = Message("{construct} is not supported here; gradtrace runs a small subset of Python", construct=what)
        instead = _INSTEAD.get(type(node).__name__)
        raise GradtraceError("forbidden", _with_instead(refusal, instead), line, code="forbidden.construct")
    if isinstance(node, ast.Name):
        # A bare `_` is the usual throwaway variable (`for _ in range(3)`): a plain local of the
        # program's own namespace, reaching nothing. Allowed once the program binds it.
        if not (node.id == "__name__" and isinstance(node.ctx, ast.Load)):  # `if __name__ == "__main__":`
            _check_name(node.id, line, own=bound)
        if node.id not in bound and node.id in _PYTHON_BUILTINS and node.id not in allowlist.BUILTINS:
            refusal = Message("`{name}` is not available here; gradtrace runs only tensor code", name=node.id)
            raise GradtraceError(
                "forbidden", _with_instead(refusal, _INSTEAD.get(node.id)), line, code="forbidden.builtin"
            )
    elif isinstance(node, ast.Attribute):
        _check_attribute_chain(node, attributes)
    elif isinstance(node, ast.keyword | ast.arg) and node.arg is not None:
        _check_name(node.arg, line, own=bound)
    elif isinstance(node, ast.FunctionDef):
        _check_function(node)
    elif isinstance(node, ast.ClassDef):
        _check_name(node.name, line, own=bound)
        if node.keywords:
            refusal = Message("class keywords such as `metaclass=` are not supported here")
            raise GradtraceError("forbidden", refusal, line, code="forbidden.class_keyword")
    elif isinstance(node, ast.Import | ast.ImportFrom):
        _check_import(node)
    elif isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        raise GradtraceError(
            "forbidden", Message("bytes literals are not supported here"), line, code="forbidden.bytes"
        )


def _check_attribute_chain(node: ast.Attribute, defined: set[str]) -> None:
    """Refuse the innermost bad attribute of `a.b.c`, so `torch.hub.load` names `torch.hub`.

    `defined`: attribute names the program itself binds (`self.fc1 = ...`, methods, class attributes)."""
    chain: list[ast.Attribute] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        chain.append(current)
        current = current.value
    known = allowlist.all_attribute_names()
    for attr in reversed(chain):
        shown = f"`{dotted_name(attr)}`"
        public = attr.attr in USER_DUNDERS or attr.attr in SPECIAL_READS or attr.attr in allowlist.PUBLIC_DUNDERS
        public = public or allowlist.is_saved_name(attr.attr)  # grad_fn._saved_self (members.py checks the kind)
        if not public:
            _check_name(attr.attr, attr.lineno, shown, own=defined)
        if attr.attr not in known and attr.attr not in defined and not public:
            if attr.attr in _INSTEAD:
                refusal = _with_instead(not_available_here(dotted_name(attr)), _INSTEAD[attr.attr])
                raise GradtraceError("forbidden", refusal, attr.lineno, code="forbidden.attribute")
            why = attribute_refusal(dotted_name(attr).split("."), known | defined)
            refusal = not_available_here(dotted_name(attr), why)
            raise GradtraceError("forbidden", refusal, attr.lineno, code="forbidden.attribute")


def dotted_name(node: ast.Attribute) -> str:
    """`a.b.c` for showing an attribute expression in a message."""
    base = node.value
    if isinstance(base, ast.Name):
        return f"{base.id}.{node.attr}"
    if isinstance(base, ast.Attribute):
        return f"{dotted_name(base)}.{node.attr}"
    if isinstance(base, ast.Constant) and isinstance(base.value, str):
        text = repr(base.value)
        return f"{text if len(text) <= 20 else repr('...')}.{node.attr}"
    return f"(...).{node.attr}"  # a call, an item, a literal: `(...).__class__`


def _check_function(node: ast.FunctionDef) -> None:
    # A class may define the dunder methods the interpreter calls (objects.USER_DUNDERS).
    if node.name not in USER_DUNDERS:
        _check_name(node.name, node.lineno, own={node.name})


def _check_import(node: ast.Import | ast.ImportFrom) -> None:
    """Refuse only what can never be offered: `_` names, `import *` and relative imports. Any other
    module may be imported: one gradtrace does not offer is refused where it is used (imports.py)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            for part in alias.name.split("."):
                _check_name(part, node.lineno, f"`import {alias.name}`")
            if alias.asname:
                _check_name(alias.asname, node.lineno)
        return
    module = node.module or ""
    if node.level:
        refusal = Message(
            "`{statement}` is not available here; a program has no package to import from",
            statement=f"from {'.' * node.level}{module} import ...",
        )
        raise GradtraceError("forbidden", refusal, node.lineno, code="forbidden.relative_import")
    for part in module.split("."):
        _check_name(part, node.lineno, f"`from {module} import ...`")
    for alias in node.names:
        if alias.name == "*":
            refusal = Message("`import *` is not supported here; import the names you use")
            raise GradtraceError("forbidden", refusal, node.lineno, code="forbidden.import_star")
        _check_name(alias.name, node.lineno)
        if alias.asname:
            _check_name(alias.asname, node.lineno)


# Module tops whose attribute names parse-time checks know; other imports are checked as they run.
_KNOWN_TOPS = frozenset({"torch", "math"})


def _imported_in_part(tree: ast.Module) -> set[str]:
    """Names bound by importing a module other than torch or math (numpy, random, os, ...)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(
                a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] not in _KNOWN_TOPS
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] not in _KNOWN_TOPS:
            names.update(a.asname or a.name for a in node.names)
    return names


def _chain_root(node: ast.Attribute) -> str | None:
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        current = current.value
    return current.id if isinstance(current, ast.Name) else None


def _check_chain_underscores(node: ast.Attribute) -> None:
    """No `_` name is reachable through any module, offered or not (`np.__name__` is a string that
    app/sandbox/origin_names.py answers)."""
    if node.attr not in ("__name__", "__module__"):
        _check_name(node.attr, node.lineno, f"`{dotted_name(node)}`")


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the program binds anywhere (assignment targets, defs, params, imports)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _is_name_text(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier()


def _defined_attributes(tree: ast.Module) -> set[str]:
    """Attribute names the program binds itself: `x.name = ...` targets and class-body names.

    They reach only the program's own objects (members.py decides at run time)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Tuple) and node.elts and _is_name_text(node.elts[0]):
            names.add(node.elts[0].value)  # type: ignore[attr-defined]  # OrderedDict([("hidden", ...)])
        elif isinstance(node, ast.Dict):
            names.update(key.value for key in node.keys if _is_name_text(key))  # type: ignore[union-attr]
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
                    names.add(stmt.name)
                names.update(t.id for t in ast.walk(stmt) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store))
    return {name for name in names if not name.startswith("__")}


def _free_names(tree: ast.Module, bound: set[str]) -> tuple[str, ...]:
    """Names read but never bound, not builtins or namespaces, in source order."""
    reads = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.id not in bound
        and node.id not in allowlist.BUILTINS
        and node.id not in allowlist.PREBOUND_NAMESPACES
    ]
    reads.sort(key=lambda n: (n.lineno, n.col_offset))
    return tuple(dict.fromkeys(n.id for n in reads))
