"""Where each box and edge of a big drawing goes: straight runs stacked by hand, the rest by Graphviz.

A run is a path whose every link is the only edge out of one box and the only edge into the next
(a chain of `h = torch.sin(h)` steps, a layer's ops between branch points). Graphviz would put
such a run's boxes on consecutive ranks, one under the other, centred on one line; so this does it
directly: each run goes to Graphviz as one box as large as the stacked run, with its in-edges
attached to the side its first box faces and its out-edges to the side its last box faces.
Graphviz then places far fewer boxes (a 3,000-step chain is one), sized here, with no text to
measure, and answers in its `plain` format; the run's boxes and inner edges are laid out from
that box's place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pygraphviz

from ..errors import GradtraceError
from ..i18n import Message
from .native_stderr import native_stderr_to_log

POINTS_PER_INCH = 72.0
# rankdir -> (ports an edge enters and leaves a stacked run by, the run's axis: dx, dy per step)
FLOW = {"TB": ("n", "s", 0, -1), "BT": ("s", "n", 0, 1), "LR": ("w", "e", 1, 0), "RL": ("e", "w", -1, 0)}

Point = tuple[float, float]


@dataclass(frozen=True)
class Placed:
    """A box's centre and size in points (y grows upward, as Graphviz lays out)."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    """The drawing's size, every box's place, and every edge as a cubic Bézier from its start to
    where its arrowhead begins, plus the arrowhead's tip (in the order edges were given)."""

    width: float
    height: float
    boxes: dict[str, Placed]
    edges: list[tuple[list[Point], Point]]


def find_runs(names: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Every box in exactly one run, in data-flow order; a box no link joins is a run of one.
    Runs are listed in the order of their first box in `names`."""
    outs = Counter(source for source, _ in edges)
    ins = Counter(target for _, target in edges)
    following = {s: t for s, t in edges if outs[s] == 1 and ins[t] == 1 and s != t}
    preceded = set(following.values())
    runs: list[list[str]] = []
    for name in names:
        if name in preceded:
            continue
        run = [name]
        while run[-1] in following:
            run.append(following[run[-1]])
        runs.append(run)
    return runs


def stacked_layout(
    graph_line: str,
    edge_line: str,
    sizes: dict[str, tuple[float, float]],
    edges: Sequence[tuple[str, str]],
    rankdir: str,
    gap: float,
    arrow_length: float,
) -> Layout:
    """Lay out boxes of the given sizes (points) and edges; `gap` is the distance between ranks."""
    entry, leave, dx, dy = FLOW.get(rankdir, FLOW["TB"])
    runs = find_runs(list(sizes), edges)
    unit_of = {name: index for index, run in enumerate(runs) for name in run}
    stacked = {index for index, run in enumerate(runs) if len(run) > 1}
    inner = {(s, t) for s, t in edges if unit_of[s] == unit_of[t] and unit_of[s] in stacked}
    lines = ["digraph stacked {", graph_line, '  node [shape=box fixedsize=true label=""];', edge_line]
    for index, run in enumerate(runs):
        width, height = _run_size(run, sizes, gap, dx != 0)
        lines.append(f"  u{index} [width={width / POINTS_PER_INCH:.4f} height={height / POINTS_PER_INCH:.4f}];")
    for source, target in edges:
        if (source, target) not in inner:
            tail, head = unit_of[source], unit_of[target]
            ports = [f"tailport={leave}"] * (tail in stacked) + [f"headport={entry}"] * (head in stacked)
            lines.append(f"  u{tail} -> u{head}" + (f" [{' '.join(ports)}];" if ports else ";"))
    lines.append("}")
    width, height, units, splines = _graphviz_plain("\n".join(lines) + "\n")
    boxes: dict[str, Placed] = {}
    for index, run in enumerate(runs):
        boxes.update(_stack(run, units[f"u{index}"], sizes, gap, dx, dy))
    queued: dict[tuple[str, str], list[list[Point]]] = {}
    for key, points in splines:
        queued.setdefault(key, []).append(points)
    drawn = [
        _link(boxes[s], boxes[t], dx, dy, arrow_length)
        if (s, t) in inner
        else _spline(queued[f"u{unit_of[s]}", f"u{unit_of[t]}"].pop(0), boxes[t], arrow_length)
        for s, t in edges
    ]
    return Layout(width, height, boxes, drawn)


def _run_size(run: list[str], sizes: dict[str, tuple[float, float]], gap: float, across: bool) -> tuple[float, float]:
    widths = [sizes[name][0] for name in run]
    heights = [sizes[name][1] for name in run]
    along = gap * (len(run) - 1)
    if across:  # LR/RL: the run lies along x
        return sum(widths) + along, max(heights)
    return max(widths), sum(heights) + along


def _stack(
    run: list[str], unit: Placed, sizes: dict[str, tuple[float, float]], gap: float, dx: int, dy: int
) -> dict[str, Placed]:
    # Start at the unit's side the run enters from, and step along the flow axis.
    along = unit.width if dx else unit.height
    cursor = -along / 2
    placed = {}
    for name in run:
        width, height = sizes[name]
        extent = width if dx else height
        offset = cursor + extent / 2
        placed[name] = Placed(unit.x + dx * offset, unit.y + dy * offset, width, height)
        cursor += extent + gap
    return placed


def _link(a: Placed, b: Placed, dx: int, dy: int, arrow_length: float) -> tuple[list[Point], Point]:
    # A link inside a stacked run: straight from one box's far side to the next one's near side.
    start_x, start_y = a.x + dx * a.width / 2, a.y + dy * a.height / 2
    tip_x, tip_y = b.x - dx * b.width / 2, b.y - dy * b.height / 2
    end_x, end_y = tip_x - dx * arrow_length, tip_y - dy * arrow_length
    third_x, third_y = (end_x - start_x) / 3, (end_y - start_y) / 3
    one_third, two_thirds = (start_x + third_x, start_y + third_y), (start_x + third_x * 2, start_y + third_y * 2)
    return [(start_x, start_y), one_third, two_thirds, (end_x, end_y)], (tip_x, tip_y)


def _spline(points: list[Point], target: Placed, arrow_length: float) -> tuple[list[Point], Point]:
    # Graphviz ends the spline where the arrowhead starts; the tip is where the spline's last
    # direction meets the target box (about one arrow length on; `plain` does not say where).
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    reach = _ray_to_box(x1, y1, ux, uy, target)
    step = reach if reach is not None and 0 < reach < 2 * arrow_length else arrow_length
    return points, (x1 + ux * step, y1 + uy * step)


def _ray_to_box(x: float, y: float, ux: float, uy: float, box: Placed) -> float | None:
    """How far along the ray from (x, y) in direction (ux, uy) it enters `box`, if it does."""
    enter, leave = 0.0, float("inf")
    for start, direction, low, high in (
        (x, ux, box.x - box.width / 2, box.x + box.width / 2),
        (y, uy, box.y - box.height / 2, box.y + box.height / 2),
    ):
        if abs(direction) < 1e-12:
            if not low <= start <= high:
                return None
            continue
        near, far = sorted(((low - start) / direction, (high - start) / direction))
        enter, leave = max(enter, near), min(leave, far)
    return enter if enter <= leave else None


def _graphviz_plain(dot: str) -> tuple[float, float, dict[str, Placed], list[tuple[tuple[str, str], list[Point]]]]:
    """Graphviz's `plain` answer for DOT text: size, box centres and sizes, edge control points."""
    try:
        with native_stderr_to_log():
            text = pygraphviz.AGraph(string=dot).draw(format="plain", prog="dot").decode("utf-8")
    except (OSError, ValueError, pygraphviz.agraph.DotError) as exc:
        raise GradtraceError(
            "render", Message("Graphviz could not lay out this graph: {error}", error=str(exc)), code="render.graphviz"
        ) from None
    width = height = 0.0
    units: dict[str, Placed] = {}
    splines: list[tuple[tuple[str, str], list[Point]]] = []
    for line in text.splitlines():
        kind, *fields = line.split()
        if kind == "graph":
            width, height = float(fields[1]) * POINTS_PER_INCH, float(fields[2]) * POINTS_PER_INCH
        elif kind == "node":
            units[fields[0]] = Placed(*[float(f) * POINTS_PER_INCH for f in fields[1:5]])
        elif kind == "edge":
            count = int(fields[2])
            coords = [float(f) * POINTS_PER_INCH for f in fields[3 : 3 + 2 * count]]
            splines.append(((fields[0], fields[1]), list(zip(coords[::2], coords[1::2], strict=True))))
    return width, height, units, splines
