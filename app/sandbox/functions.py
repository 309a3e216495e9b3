"""User function support: Python's argument binding and its compile-time choice of local names."""

from __future__ import annotations

import ast
from typing import Any

from .python_errors import type_error
from .values import UserFunction


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def bind_arguments(fn: UserFunction, args: list[Any], kwargs: dict[str, Any]) -> dict[str, object]:
    """Parameters from positional and keyword arguments and defaults, with Python's messages."""
    name = fn.node.name
    spec = fn.node.args
    positional_only = [a.arg for a in spec.posonlyargs]
    params = positional_only + [a.arg for a in spec.args]
    values: dict[str, object] = dict(zip(params, args, strict=False))
    if len(args) > len(params) and spec.vararg is None:
        raise type_error(
            f"{name}() takes {_plural(len(params), 'positional argument')} "
            f"but {len(args)} {'was' if len(args) == 1 else 'were'} given"
        )
    if spec.vararg is not None:
        values[spec.vararg.arg] = tuple(args[len(params) :])
    keyword_only = [a.arg for a in spec.kwonlyargs]
    extra: dict[str, object] = {}
    for key, value in kwargs.items():
        if key in positional_only or (key not in params and key not in keyword_only):
            if spec.kwarg is None:
                raise type_error(f"{name}() got an unexpected keyword argument '{key}'")
            extra[key] = value
            continue
        if key in values:
            raise type_error(f"{name}() got multiple values for argument '{key}'")
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
        raise type_error(
            f"{name}() missing {len(missing)} required positional argument"
            f"{'s' if len(missing) > 1 else ''}: " + ", ".join(f"'{m}'" for m in missing)
        )
    for param in keyword_only:
        if param not in values:
            if param not in fn.kw_defaults:
                raise type_error(f"{name}() missing 1 required keyword-only argument: '{param}'")
            values[param] = fn.kw_defaults[param]
    if spec.kwarg is not None:
        values[spec.kwarg.arg] = extra
    return values


def parameter_names(args: ast.arguments) -> set[str]:
    """Every name a parameter list binds."""
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


def local_names(fn: ast.FunctionDef) -> frozenset[str]:
    """Names a function binds (Python decides this before running): params, targets, defs, imports."""
    names = parameter_names(fn.args)
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.Lambda):
            if isinstance(node, ast.FunctionDef):
                names.add(node.name)
                stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue  # its body is its own scope
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            stack.extend([*node.bases, *node.decorator_list])
            continue  # its body is the class's namespace
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.DictComp | ast.SetComp):
            stack.append(node.generators[0].iter)
            continue  # comprehension targets are local to the comprehension
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)
