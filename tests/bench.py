"""`make bench`: the full gradtrace request (parse, run, capture, walk, DOT, layout, SVG) side by side
with torchviz.make_dot(...).pipe("svg") on the same tensors, in one run; medians and ratios.

Usage: python -m tests.bench [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import pygraphviz
import torch
import torchviz

from app import pipeline
from app.config import Limits


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    build: Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]]  # the same tensors for torchviz


def _tutorial() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    return z.mean(), {"x": x}


def _chain(n: int) -> Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]]:
    def build() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        x = torch.tensor(0.5, requires_grad=True)
        h = x
        for _ in range(n):
            h = torch.sin(h)
        return h, {"x": x}

    return build


def _mlp() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    torch.manual_seed(0)
    X = torch.randn(4, 3)
    target = torch.tensor([0, 2, 1, 2])
    W1 = torch.randn(3, 5, requires_grad=True)
    b1 = torch.zeros(5, requires_grad=True)
    W2 = torch.randn(5, 3, requires_grad=True)
    b2 = torch.zeros(3, requires_grad=True)
    logits = torch.tanh(X @ W1 + b1) @ W2 + b2
    loss = torch.nn.functional.cross_entropy(logits, target)
    return loss, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


TUTORIAL = """x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""
CHAIN = "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range({n}):\n    h = torch.sin(h)\nh.backward()\n"
MLP = """torch.manual_seed(0)
X = torch.randn(4, 3)
target = torch.tensor([0, 2, 1, 2])
W1 = torch.randn(3, 5, requires_grad=True)
b1 = torch.zeros(5, requires_grad=True)
W2 = torch.randn(5, 3, requires_grad=True)
b2 = torch.zeros(3, requires_grad=True)
logits = torch.tanh(X @ W1 + b1) @ W2 + b2
loss = F.cross_entropy(logits, target)
loss.backward()
"""

CASES = [
    Case("tutorial snippet", TUTORIAL, _tutorial),
    Case("chain of 100 ops", CHAIN.format(n=100), _chain(100)),
    Case("chain of 1,000 ops", CHAIN.format(n=1000), _chain(1000)),
    Case("MLP + cross-entropy", MLP, _mlp),
]


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (plugin loading, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    sys.setrecursionlimit(20_000)  # torchviz recurses once per node; let it finish the long chain
    limits = Limits()
    print(f"torch {torch.__version__}; medians of {args.repeat} runs, both measured in this process, interleaved")
    print(f"{'case':<22} {'nodes':>6} {'gradtrace':>11} {'torchviz':>11} {'ratio':>7} {'floor':>10}")
    worst = 0.0
    for case in CASES:
        result = pipeline.run(case.source, limits=limits)
        nodes = len(result.graphs[0].graph.nodes)
        ours = median_seconds(lambda c=case: pipeline.run(c.source, limits=limits), args.repeat)

        def theirs(c: Case = case) -> bytes:
            root, params = c.build()
            return torchviz.make_dot(root, params=params).pipe("svg")

        reference = median_seconds(theirs, args.repeat)
        # The floor: in-process Graphviz alone on torchviz's own (unannotated) DOT text.
        plain_dot = torchviz.make_dot(*case.build()).source
        floor = median_seconds(lambda d=plain_dot: pygraphviz.AGraph(string=d).draw(format="svg", prog="dot"), args.repeat)
        ratio = ours / reference
        worst = max(worst, ratio)
        print(
            f"{case.name:<22} {nodes:>6} {ours * 1000:>9.2f}ms {reference * 1000:>9.2f}ms {ratio:>6.2f}x"
            f" {floor * 1000:>8.2f}ms"
        )
    print(f"gradtrace / torchviz time ratio, worst case: {worst:.2f}x (target: <= 0.5x)")
    print("floor = pygraphviz laying out torchviz's own unannotated DOT in-process, no code run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
