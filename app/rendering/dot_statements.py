"""The DOT text graph_to_dot writes, read back statement by statement for the big-drawing path.

graph_to_dot writes one statement per line in a fixed form. This reads exactly that form; any line
or attribute it does not know makes `read_dot` answer None, so a graph using a newer drawing
feature is laid out and drawn by Graphviz as before, never drawn with a part missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .label_rows import Label, read_label

_DEFAULTS = re.compile(r"^  (graph|node|edge) \[(.*)\];$")
# A box: its id, its attribute list (each `key=value` followed by one space) and its label.
_NODE = re.compile(r'^  (\w+) \[((?:\w+=(?:"[^"]*"|[^\s"]+) )*)label=<(.*)>\];$')
_EDGE = re.compile(r"^  (\w+) -> (\w+);$")
_ATTR = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s"]+))')
_ATTR_LIST = re.compile(r'\s*(?:\w+=(?:"[^"]*"|[^\s"]+)(?:\s+|$))*')
# What each statement may set for this reader to draw it as Graphviz would.
GRAPH_KEYS = frozenset({"rankdir", "bgcolor", "fontname", "nodesep", "ranksep", "ordering", "newrank", "nslimit"})
NODE_DEFAULT_KEYS = frozenset({"shape", "style", "fontname", "fontsize", "fontcolor", "margin", "penwidth"})
EDGE_DEFAULT_KEYS = frozenset({"color", "arrowsize", "penwidth"})
NODE_KEYS = frozenset({"id", "class", "fillcolor", "color", "style"})
STYLES = frozenset({"rounded", "filled", "dashed"})


class BoxStatement(NamedTuple):  # a tuple: a big drawing reads thousands
    """One node statement: its DOT id, attributes (without the label) and label."""

    name: str
    attrs: dict[str, str]
    label: Label


@dataclass(frozen=True)
class DotStatements:
    """A whole graph: the verbatim `graph [...]` line, the three default lists, boxes and edges."""

    graph_line: str
    graph: dict[str, str]
    node: dict[str, str]
    edge: dict[str, str]
    boxes: list[BoxStatement]
    edges: list[tuple[str, str]]


def attributes(text: str) -> dict[str, str] | None:
    """`key=value key="quoted value"` -> dict, or None when something else is in the text."""
    if _ATTR_LIST.fullmatch(text) is None:
        return None
    return {key: quoted or bare for key, quoted, bare in _ATTR.findall(text)}


def read_dot(dot: str) -> DotStatements | None:
    """The statements of DOT text graph_to_dot wrote, or None if any is outside what this reads."""
    lines = dot.rstrip("\n").split("\n")
    if len(lines) < 5 or lines[0] != "digraph gradtrace {" or lines[-1] != "}":
        return None
    defaults: dict[str, dict[str, str]] = {}
    allowed = {"graph": GRAPH_KEYS, "node": NODE_DEFAULT_KEYS, "edge": EDGE_DEFAULT_KEYS}
    for line in lines[1:4]:
        match = _DEFAULTS.match(line)
        found = attributes(match.group(2)) if match else None
        if match is None or found is None or not found.keys() <= allowed[match.group(1)]:
            return None
        defaults[match.group(1)] = found
    if len(defaults) != 3 or defaults["node"].get("shape", "box") != "box" or _fonts_unknown(defaults):
        return None
    font_size = float(defaults["node"].get("fontsize", "14"))
    boxes: list[BoxStatement] = []
    edges: list[tuple[str, str]] = []
    for line in lines[4:-1]:
        if (edge := _EDGE.match(line)) is not None:
            edges.append((edge.group(1), edge.group(2)))
        elif (box := _box(line, font_size)) is not None:
            boxes.append(box)
        else:
            return None
    return DotStatements(lines[1], defaults["graph"], defaults["node"], defaults["edge"], boxes, edges)


def _fonts_unknown(defaults: dict[str, dict[str, str]]) -> bool:
    return defaults["node"].get("fontname") != "Helvetica"


def _box(line: str, font_size: float) -> BoxStatement | None:
    match = _NODE.match(line)
    if match is None:
        return None
    name, listed, label_text = match.groups()
    # Boxes differ in their id; the rest of their attributes (role, colours) recurs: read it once.
    own_id = f'id="{name}" '
    attrs = _box_attributes(listed[len(own_id) :], name) if listed.startswith(own_id) else _box_attributes(listed)
    if attrs is None:
        return None
    label = read_label(label_text, font_size)
    return None if label is None else BoxStatement(name, attrs, label)


def _box_attributes(listed: str, own_id: str | None = None) -> dict[str, str] | None:
    """A box's attributes, or None when one is outside what this reads; `own_id` was cut from the front."""
    shared = _shared_box_attributes(listed)
    if shared is None or own_id is None:
        return shared
    return {"id": own_id, **shared}


@lru_cache(maxsize=256)
def _shared_box_attributes(listed: str) -> dict[str, str] | None:
    # Callers never change the dict it answers: BoxStatement attributes are read only.
    attrs = attributes(listed)
    if attrs is None or not attrs.keys() <= NODE_KEYS or not set(attrs.get("style", "").split(",")) <= STYLES | {""}:
        return None
    return attrs
