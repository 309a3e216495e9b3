"""User function support: Python's argument binding and its compile-time choice of local names."""

from __future__ import annotations

import ast
from typing import Any

from ..errors import GradtraceError
from .values import UserFunction


def bind_arguments(fn: UserFunction, args: list[Any], kwargs: dict[str, Any]) -> dict[str, object]:
    """Parameters from positional and keyword arguments and defaults, with Python's messages."""
    name = fn.node.name
    params = [a.arg for a in fn.node.args.args]
    if len(args) > len(params):
        raise GradtraceError(
            "runtime",
            f"TypeError: {name}() takes {len(params)} positional argument{'s' if len(params) != 1 else ''} "
            f"but {len(args)} {'was' if len(args) == 1 else 'were'} given",
        )
    values: dict[str, object] = dict(zip(params, args, strict=False))
    for key, value in kwargs.items():
        if key not in params:
            raise GradtraceError("runtime", f"TypeError: {name}() got an unexpected keyword argument '{key}'")
        if key in values:
            raise GradtraceError("runtime", f"TypeError: {name}() got multiple values for argument '{key}'")
        values[key] = value
    first_default = len(params) - len(fn.defaults)
    missing = []
    for i, param in enumerate(params):
        if param not in values:
            if i >= first_default:
                values[param] = fn.defaults[i - first_default]
            else:
                missing.append(param)
    if missing:
        raise GradtraceError(
            "runtime",
            f"TypeError: {name}() missing {len(missing)} required positional argument"
            f"{'s' if len(missing) > 1 else ''}: " + ", ".join(f"'{m}'" for m in missing),
        )
    return values


def local_names(fn: ast.FunctionDef) -> frozenset[str]:
    """Names a function binds (Python decides this before running): params, targets, defs, imports."""
    names = {a.arg for a in fn.args.args}
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
            stack.extend(node.args.defaults)
            continue  # its body is its own scope
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.DictComp):
            stack.append(node.generators[0].iter)
            continue  # comprehension targets are local to the comprehension
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)
