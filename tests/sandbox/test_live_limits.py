"""Limits bound what is alive at once (tensor elements, autograd nodes) and the time, not the total
work: a training loop that frees each step runs as long as its time allows."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
from gradtrace import pipeline
from gradtrace.capture import Recorder
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.sandbox import parse_program, run_program

from tests.sandbox.real_python import real_outputs

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"


def recorded_run(source: str, limits: Limits) -> Recorder:
    """Run `source` under a recorder, as the pipeline does, and hand back the recorder."""
    recorder = Recorder(limits)
    with recorder:
        run_program(parse_program(source, limits), {}, limits, recorder)
    return recorder


def test_a_loop_that_frees_its_tensors_may_allocate_more_than_the_limit_in_all() -> None:
    limits = replace(Limits(), max_live_elements=5_000_000)
    source = "for i in range(50):\n    a = torch.ones(1000, 1000) * 2\n    b = a.sum()\nprint(b)"
    recorder = recorded_run(source, limits)  # 100,000,000 elements made; the last `a`, a new one and its factor alive
    assert recorder.live_elements.peak <= 3_000_002


def test_tensors_held_alive_past_the_limit_are_refused_on_that_line() -> None:
    limits = replace(Limits(), max_live_elements=3_000_000)
    source = "xs = []\nfor i in range(50):\n    xs.append(torch.ones(1000, 1000) * 2)"
    with pytest.raises(GradtraceError) as info:
        recorded_run(source, limits)
    assert info.value.kind == "limit" and info.value.line == 3
    assert "alive at once" in str(info.value)


def test_numpy_arrays_count_with_tensors_views_once() -> None:
    limits = replace(Limits(), max_live_elements=3_000_000)
    freed = "import numpy as np\nfor i in range(20):\n    a = np.ones(1000000) * 2\n    v = a.reshape(1000, 1000).T"
    assert recorded_run(freed, limits).live_elements.peak <= 3_000_000
    held = "import numpy as np\nt = torch.ones(1000000)\nxs = []\nfor i in range(5):\n    xs.append(np.ones(1000000))"
    with pytest.raises(GradtraceError) as info:
        recorded_run(held, limits)
    assert info.value.kind == "limit" and "alive at once" in str(info.value) and info.value.line == 5


def test_the_recorders_copies_of_values_count_while_their_nodes_live() -> None:
    # `losses.append(loss)` keeps each step's graph, and gradtrace's copy of each op's value with it.
    limits = replace(Limits(), max_live_elements=1_000_000)
    source = "x = torch.ones(100, 100, requires_grad=True)\nys = []\nfor i in range(300):\n    ys.append((x * 2).sum())"
    with pytest.raises(GradtraceError) as info:
        recorded_run(source, limits)
    assert info.value.kind == "limit" and info.value.line == 4
    freed = "x = torch.ones(100, 100, requires_grad=True)\nfor i in range(300):\n    y = (x * 2).sum()"
    assert recorded_run(freed, limits).live_elements.peak < 100_000


def test_a_training_loop_may_make_more_autograd_nodes_than_the_limit_in_all() -> None:
    limits = replace(Limits(), max_live_autograd_nodes=500)
    source = (
        "w = torch.ones(3, requires_grad=True)\n"
        "for step in range(1000):\n"
        "    loss = ((w * 2 - 1) ** 2).sum()\n"
        "    loss.backward()\n"
        "    with torch.no_grad():\n"
        "        w -= 0.01 * w.grad\n"
        "    w.grad = None\n"
    )
    recorder = recorded_run(source, limits)  # 4,000 nodes made, a handful alive at once
    assert recorder.live_nodes.peak < 100


def test_a_graph_held_alive_past_the_limit_is_refused() -> None:
    limits = replace(Limits(), max_live_autograd_nodes=500)
    source = "x = torch.ones(1, requires_grad=True)\ny = x\nfor i in range(1000):\n    y = y * 1.0"
    with pytest.raises(GradtraceError) as info:
        recorded_run(source, limits)
    assert info.value.kind == "limit" and "autograd nodes alive at once" in str(info.value)


def test_observing_keeps_no_freed_graph_alive() -> None:
    source = "x = torch.ones(100, requires_grad=True)\nfor i in range(200):\n    y = (x * 2).exp().sum()\n"
    recorder = recorded_run(source, Limits())
    assert recorder.live_nodes.count < 10  # each step's nodes died with the step
    assert recorder.live_elements.count < 1_000


def test_optimizer_state_counts_against_the_live_limit() -> None:
    # optimizer.step() runs unwatched (app/sandbox/optimizer_steps.py); what it keeps still counts.
    limits = replace(Limits(), max_live_elements=1_300)  # w, w * w and the drawing's copy of it fit
    step = (
        "w = torch.ones(400, requires_grad=True)\nopt = torch.optim.{}([w], lr=0.1)\n"
        "(w * w).sum().backward()\nopt.step()"
    )
    recorded_run(step.format("SGD"), limits)  # w alone: plain SGD keeps no state
    for holding in ("Adam", "AdamW"):  # two moments the size of w on top
        with pytest.raises(GradtraceError) as info:
            recorded_run(step.format(holding), limits)
        assert info.value.kind == "limit" and info.value.line == 4 and "alive at once" in str(info.value)


def test_nodes_made_after_the_last_drawn_backward_keep_no_copy() -> None:
    limits = replace(Limits(), max_graphs=2)
    source = (
        "x = torch.ones(3, requires_grad=True)\n"
        "for i in range(4):\n    y = (x * i).exp().sum()\n    y.backward()\n"
        "z = x * 5"
    )
    recorder = Recorder(limits)
    with recorder:
        execution = run_program(parse_program(source, limits), {}, limits, recorder)
    assert len(recorder.captures) == 2 and recorder.undrawn == 2
    later = execution.names["z"].grad_fn
    assert recorder.seen.node_values.get(later) is None and recorder.seen.node_lines.get(later) is None
    drawn = recorder.captures[-1].root_node
    assert recorder.seen.node_values.get(drawn) is not None and recorder.seen.node_lines.get(drawn) == 3


def test_names_and_values_stay_on_the_nodes_that_are_drawn() -> None:
    result = pipeline.run(
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\nfor i in range(3):\n    y = (x * x).sum()\ny.backward()"
    )
    nodes = result.graphs[0].graph.nodes
    assert [n.name for n in nodes if n.kind == "leaf"] == ["x"]
    root = next(n for n in nodes if n.is_root)
    assert root.name == "y" and root.value is not None and root.line == 3


# "Learning PyTorch with Examples" at its published sizes, and Deep Learning with PyTorch's
# 5,000-epoch fit: each within the default timeout, printing what real PyTorch prints.
# (The tutorial's programs are those of the course corpus.)
PUBLISHED = [
    "70_lpwe_numpy_polynomial.py",  # seeds numpy itself, as real Python needs
    "course/04_pytorch_tutorials_lpwe_tensors.py",
    "course/05_pytorch_tutorials_lpwe_autograd.py",
    "course/06_pytorch_tutorials_lpwe_legendre_function.py",
    "course/07_pytorch_tutorials_lpwe_nn.py",
    "course/08_pytorch_tutorials_lpwe_optim.py",
    "course/09_pytorch_tutorials_lpwe_custom_module.py",
    "course/10_pytorch_tutorials_lpwe_dynamic_net.py",  # 30,000 steps
    "78_dlwpt_temperature_5000_epochs.py",
]
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


def same_text_and_numbers(ours: str, theirs: str) -> bool:
    """Equal text, numbers equal to 1e-9 relative (BLAS may sum in another order across threads)."""
    if NUMBER.sub("#", ours) != NUMBER.sub("#", theirs):
        return False
    pairs = zip(NUMBER.findall(ours), NUMBER.findall(theirs), strict=True)
    return all(abs(float(a) - float(b)) <= 1e-9 * max(abs(float(b)), 1e-30) for a, b in pairs)


@pytest.mark.slow
def test_published_sizes_run_within_the_timeout_and_print_what_pytorch_prints() -> None:
    sources = [(PROGRAMS / name).read_text() for name in PUBLISHED]
    expected = real_outputs(sources)
    limits = Limits()
    for name, source, theirs in zip(PUBLISHED, sources, expected, strict=True):
        started = time.process_time()
        result = pipeline.run(source, limits=limits)
        spent = time.process_time() - started  # CPU time: other processes on a busy machine do not count
        print(f"{name}: {spent:.2f} s of CPU")
        assert spent < limits.timeout_seconds, name
        assert same_text_and_numbers(result.stdout, theirs), name
