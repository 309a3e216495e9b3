"""`make bench`: the full gradtrace request (parse, run, capture, walk, DOT, layout, SVG) side by side
with torchviz.make_dot(...).pipe("svg") on the same tensors, in one run; medians and ratios.

Usage: python -m tests.bench [--repeat N] [--only TEXT] [--graphviz-only] [--profile DIR]

--profile DIR writes each case's cProfile of `repeat` gradtrace runs to DIR/<case>.prof (read it with
`python -m pstats`) and prints the functions that took longest in themselves; it times nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import re
import runpy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pygraphviz
import torch
import torchviz
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.rendering import svg
from gradtrace.rendering.dot import graph_to_dot
from gradtrace.rendering.options import RenderOptions
from gradtrace.rendering.svg import layout_svg
from gradtrace.worker_process import one_compute_thread

from tests.oracle import PRELUDE

PROGRAMS = Path(__file__).parent / "programs"
CHAIN = "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range({n}):\n    h = torch.sin(h)\nh.backward()\n"
# The periodic chain: a block of three ops (mul, add, sigmoid) repeated, folded by default.
SIGMOID_CHAIN = (
    "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range({n}):\n"
    "    h = torch.sigmoid(h * 1.01 + 0.1)\nh.backward()\n"
)

DEFAULT = RenderOptions()
EVERY_STEP = RenderOptions(collapse_runs=False)

# (case, source, the variable holding the root, drawing options)
CASES = [
    ("tutorial snippet", (PROGRAMS / "tutorial.py").read_text(), "out", DEFAULT),
    ("chain of 100 ops", CHAIN.format(n=100), "h", DEFAULT),
    ("chain of 1,000 ops", CHAIN.format(n=1000), "h", DEFAULT),
    ("sigmoid chain, 1,000 steps", SIGMOID_CHAIN.format(n=1000), "h", DEFAULT),
    ("MLP + cross-entropy", (PROGRAMS / "mlp_cross_entropy.py").read_text(), "loss", DEFAULT),
    # The same chains with collapse_runs off: every one of the 1,000 steps laid out as its own box.
    ("chain of 100, unfolded", CHAIN.format(n=100), "h", EVERY_STEP),
    ("chain of 1,000, unfolded", CHAIN.format(n=1000), "h", EVERY_STEP),
    ("chain of 3,000, unfolded", CHAIN.format(n=3000), "h", EVERY_STEP),
]


# The target: <= 0.5x torchviz.
TARGET_CASES = ("tutorial snippet", "chain of 1,000 ops", "sigmoid chain, 1,000 steps")


# Unfolded drawings, every step its own box (big-drawing path): the target is <= 1.0x torchviz.
UNFOLDED_TARGET_CASES = ("chain of 1,000, unfolded", "chain of 3,000, unfolded")


def real_tensors(source: str, root: str) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Run the source with real Python + PyTorch; return its root and its named leaf tensors."""
    with tempfile.NamedTemporaryFile("w", suffix=".py") as fh:
        fh.write(source)
        fh.flush()
        torch.manual_seed(0)
        with contextlib.redirect_stdout(io.StringIO()):
            names = runpy.run_path(fh.name, init_globals=dict(PRELUDE))
    params = {k: v for k, v in names.items() if isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad}
    return names[root], params


def layout_plain(dot: str) -> bytes:
    svg: bytes = pygraphviz.AGraph(string=dot).draw(format="svg", prog="dot")
    return svg


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (plugin loading, caches)
    times = []
    for _ in range(repeat):
        gc.collect()  # a worker collects after answering each job (app/worker_process.py), outside its time
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def profile_cases(cases: list[tuple[str, str, str, RenderOptions]], repeat: int, folder: Path, limits: Limits) -> None:
    """Where each case's time goes: cProfile of `repeat` runs after a warm-up, one file per case."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source, _, options in cases:
        pipeline.run(source, options=options, limits=limits)
        profile = cProfile.Profile()
        for _ in range(repeat):
            gc.collect()  # outside the profile, as outside a worker's job
            profile.runcall(pipeline.run, source, options=options, limits=limits)
        path = folder / (re.sub(r"\W+", "_", name).strip("_") + ".prof")
        profile.dump_stats(path)
        print(f"{name}: {path}")
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--graphviz-only", action="store_true", help="draw every SVG with Graphviz end to end, as before big drawings"
    )
    parser.add_argument("--only", default="", help="run only the cases whose name contains this text")
    parser.add_argument("--profile", type=Path, help="write each case's cProfile to this folder instead of timing")
    args = parser.parse_args(argv)
    if args.graphviz_only:
        svg.big_drawing_svg = lambda dot: None  # the comparison run: layout_svg falls back to Graphviz
    sys.setrecursionlimit(20_000)  # torchviz recurses once per node; let it finish the long chain
    limits = Limits()
    # As a worker does (app/worker_process.py): one compute thread (torch's default, one per core,
    # spins against the machine's other work: the MLP took 60-170 ms instead of 12 ms at load 4),
    # one warm-up job, then freeze what is alive, so later collections skip torch's own objects
    # instead of scanning them during every timed run.
    one_compute_thread()
    pipeline.run("y = (x * 2).sum()", limits=limits)
    gc.freeze()
    if args.profile is not None:
        profile_cases([case for case in CASES if args.only in case[0]], args.repeat, args.profile, limits)
        return 0
    print(f"torch {torch.__version__}; medians of {args.repeat} runs, both measured in this process")
    print(
        f"{'case':<26} {'nodes':>6} {'boxes':>6} {'gradtrace':>11} {'torchviz':>11} {'ratio':>7}"
        f" {'floor':>10} {'drawing':>10}"
    )
    worst = worst_unfolded = 0.0
    for name, source, root_name, options in [case for case in CASES if args.only in case[0]]:
        rendered = pipeline.run(source, options=options, limits=limits).graphs[0]
        nodes = len(rendered.graph.nodes)
        boxes = rendered.svg.count('class="node ')
        ours = median_seconds(lambda s=source, o=options: pipeline.run(s, options=o, limits=limits), args.repeat)
        # The drawing's share of `ours`: DOT, layout and SVG of the walked graph, no code run.
        drawing = median_seconds(
            lambda g=rendered.graph, o=options: layout_svg(graph_to_dot(g, o), "", ""), args.repeat
        )
        root, params = real_tensors(source, root_name)
        reference = median_seconds(lambda r=root, p=params: torchviz.make_dot(r, params=p).pipe("svg"), args.repeat)
        # The floor: in-process Graphviz alone on torchviz's own (unannotated) DOT text.
        plain_dot = torchviz.make_dot(root, params=params).source
        floor = median_seconds(lambda d=plain_dot: layout_plain(d), args.repeat)
        ratio = ours / reference
        if name in TARGET_CASES:
            worst = max(worst, ratio)
        if name in UNFOLDED_TARGET_CASES:
            worst_unfolded = max(worst_unfolded, ratio)
        print(
            f"{name:<26} {nodes:>6} {boxes:>6} {ours * 1000:>9.2f}ms {reference * 1000:>9.2f}ms {ratio:>6.2f}x"
            f" {floor * 1000:>8.2f}ms {drawing * 1000:>8.2f}ms"
        )
    print(f"gradtrace / torchviz time ratio, worst of {' and '.join(TARGET_CASES)}: {worst:.2f}x (target: <= 0.5x)")
    print(
        f"gradtrace / torchviz time ratio, worst of {' and '.join(UNFOLDED_TARGET_CASES)}: {worst_unfolded:.2f}x"
        " (target: <= 1.0x)"
    )
    print("nodes = autograd nodes and leaves in the JSON; boxes = drawn (a folded run is one box)")
    print("floor = pygraphviz laying out torchviz's own unannotated DOT in-process, no code run")
    print("drawing = gradtrace's DOT + layout + SVG alone (part of its time), no code run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
