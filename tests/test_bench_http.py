"""`make bench-http` runs end to end on a tiny setting, so the script cannot rot (no speed asserted)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_http_measures_every_figure(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed: `make system-deps` installs it (Debian package wrk)")
    figures_file = tmp_path / "figures.json"
    tiny = ["--seconds", "1", "--samples", "5", "--connections", "2", "--json", str(figures_file)]
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench_http", *tiny], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["cold_start_seconds"] > 0
    tutorial = figures["tutorial"]
    assert tutorial["in_process_ms"] > 0 and tutorial["http_ms"] > 0 and tutorial["web_cpu_ms"] >= 0
    for key in ("uncached_tutorial", "cached_image_direct"):
        load = figures[key]
        assert load["requests_per_second"] > 0 and load["failed"] == 0, (key, load)
        assert 0 < load["p50_ms"] <= load["p99_ms"]
    assert "cold start" in done.stdout and "requests/s" in done.stdout
