"""Run programs with real Python + PyTorch/numpy in a subprocess (as tests/oracle.py does) to compare."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_RUNNER = """
import contextlib, io, json, math, random, sys
import torch, torch.nn as nn, torch.nn.functional as F
sources = json.load(sys.stdin)
outputs = []
for source in sources:
    torch.manual_seed(0)
    random.seed(0)  # as gradtrace seeds each run's `random` (the tutorial's DynamicNet draws its depth)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            names = {"torch": torch, "nn": nn, "F": F, "math": math, "__name__": "__main__"}  # as a script runs
            exec(compile(source, "<program>", "exec"), names)
    except Exception as exc:
        out.write(f"{type(exc).__name__}")
    torch.set_grad_enabled(True)
    outputs.append(out.getvalue())
json.dump(outputs, sys.stdout)
"""


def real_outputs(sources: list[str]) -> list[str]:
    """What each program prints under real Python (one subprocess for all: torch imports once)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
        env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )
    outputs: list[str] = json.loads(done.stdout)
    return outputs
