"""Two versions of the service side by side in one run: the time a request adds, and the web process's CPU.

Starts `gradtrace serve` from this checkout and from another folder holding a checkout's app/ (for
instance `git worktree add /tmp/before <commit>`), 2 workers each, and sends the tutorial to each in
turn (the order alternating), with the in-process `pipeline.run` timed between them, so both see the
same machine. Every program is unique, so nothing is cached.

Usage: python -m tests.bench_http_versions --before /tmp/before [--samples N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gradtrace import pipeline
from gradtrace.config import Limits

from tests.bench_http import BENCH_ENV, TUTORIAL, WORKERS, cpu_seconds, post_graph, tutorial_body
from tests.service import Service


def importable(checkout: Path, folder: Path) -> str:
    """A PYTHONPATH under which `gradtrace` is `checkout`'s app/ (as the editable install maps it here)."""
    (folder / "gradtrace").symlink_to((checkout / "app").resolve(), target_is_directory=True)
    return str(folder)


def compare(before: Path, samples: int) -> str:
    limits = Limits()
    with tempfile.TemporaryDirectory(prefix="gradtrace-before-") as folder:
        older = {**os.environ, **BENCH_ENV, "PYTHONPATH": importable(before, Path(folder))}
        services = {"before": Service(env=older, workers=WORKERS), "now": Service(env={**BENCH_ENV}, workers=WORKERS)}
        try:
            for service in services.values():
                service.wait_ready(300)
            conns = {name: http.client.HTTPConnection("127.0.0.1", s.port, timeout=60) for name, s in services.items()}
            walls: dict[str, list[float]] = {name: [] for name in services}
            local: list[float] = []
            warm_up = max(3, samples // 10)
            cpu_before: dict[str, float] = {}
            for i in range(warm_up + samples):
                if i == warm_up:
                    cpu_before = {name: cpu_seconds(s.process.pid) for name, s in services.items()}
                started = time.perf_counter()
                pipeline.run(f"{TUTORIAL}\n# in-process {i}\n", {}, None, limits)
                local.append(time.perf_counter() - started)
                for name in sorted(services, reverse=i % 2 == 1):
                    started = time.perf_counter()
                    if post_graph(conns[name], tutorial_body(f"{name} {i}")) != 200:
                        raise RuntimeError(f"{name}: POST /api/graph did not answer 200")
                    walls[name].append(time.perf_counter() - started)
            in_process = statistics.median(local[warm_up:]) * 1e3
            lines = [f"load average {os.getloadavg()[0]:.2f}, {samples} requests each; in-process {in_process:.2f} ms"]
            for name, service in services.items():
                over_http = statistics.median(walls[name][warm_up:]) * 1e3
                web_cpu = (cpu_seconds(service.process.pid) - cpu_before[name]) / samples * 1e3
                lines.append(
                    f"{name}: over HTTP {over_http:.2f} ms, added {over_http - in_process:.2f} ms, "
                    f"web process CPU {web_cpu:.2f} ms a request"
                )
            return "\n".join(lines)
        finally:
            for service in services.values():
                service.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", type=Path, required=True, help="a folder holding the other version's app/")
    parser.add_argument("--samples", type=int, default=400, help="requests timed for each version")
    args = parser.parse_args(argv)
    print(compare(args.before, args.samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
