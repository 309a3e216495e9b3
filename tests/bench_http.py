"""`make bench-http`: the real service (`gradtrace serve`, 2 workers) measured over HTTP, in one run.

- cold start: from starting `gradtrace serve` to the first 200 of POST /api/graph;
- the time a request adds: the tutorial's in-process `pipeline.run` and the same program over HTTP
  (one keep-alive client, a unique comment per request so nothing can be cached), alternating,
  medians side by side; with the web process's CPU time per request, which a busy machine inflates
  less than wall time. The in-process run is timed twice: in this process, and in a process in a
  worker's conditions (niced by WORKER_NICENESS, one compute thread), so that on a busy machine the
  difference the workers' lower priority makes is told apart from what the request path adds;
- uncached tutorial requests per second with p50/p99 (wrk, POST /api/graph, every body unique);
- cached image requests per second (wrk, GET /svg/{encoded} of a drawn image), directly and, when
  nginx can be started (tests/deploy/servers.py), through nginx with deploy/nginx.conf.

All load comes from one address, so the per-client rate, job and worker caps are lifted for the
run (they would answer 429 to the load generator); everything else is the service as deployed.

Usage: python -m tests.bench_http [--seconds S] [--samples N] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.web.source_encoding import encode_source
from gradtrace.worker import WORKER_NICENESS

from tests.service import Service

TUTORIAL = (Path(__file__).parent / "programs" / "tutorial.py").read_text()
WORKERS = 2
# One address sends everything: lift the per-client caps that would answer the load generator 429.
BENCH_ENV = {
    "GRADTRACE_WORKERS": str(WORKERS),
    "GRADTRACE_CLIENT_RATE_LIMIT": "",
    "GRADTRACE_CLIENT_MAX_RUNNING": str(WORKERS),
    "GRADTRACE_CLIENT_MAX_JOBS": "256",
}
NONCE = "@NONCE@"  # replaced per request by wrk's script, so every body is a program never seen

# wrk's Lua: unique POST bodies (thread id and a counter in a comment) and one parsable summary line.
WRK_SCRIPT = """
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local count = 0
local prefix = [==[{prefix}]==]
local suffix = [==[{suffix}]==]
local method = "{method}"
function request()
  if method == "GET" then
    return wrk.format("GET")
  end
  count = count + 1
  local body = prefix .. tostring(tid) .. "-" .. tostring(count) .. suffix
  return wrk.format("POST", nil, {{["Content-Type"] = "application/json"}}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("GRADTRACE-WRK %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int  # socket errors, timeouts and answers other than 2xx/3xx


@dataclass(frozen=True)
class AddedTime:
    """The tutorial in-process and over HTTP, medians of alternating samples."""

    in_process_ms: float
    http_ms: float
    added_ms: float
    in_worker_conditions_ms: float  # the in-process run niced as a worker is, on one compute thread
    added_over_worker_conditions_ms: float
    web_cpu_ms: float  # the web process's CPU time per request
    # CPU time per request of the web process and the workers together, less the in-process run's:
    # what a request adds in work, which a busy machine (waiting for a core) inflates far less than wall time
    added_cpu_ms: float


def tutorial_body(nonce: str) -> bytes:
    return json.dumps({"code": f"{TUTORIAL}\n# {nonce}\n"}).encode()


def post_graph(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/api/graph", body, {"Content-Type": "application/json"})
    answer = conn.getresponse()
    answer.read()
    return answer.status


def cold_start(env: dict[str, str], deadline_seconds: float = 300.0) -> tuple[Service, float]:
    """Start `gradtrace serve`; the seconds until POST /api/graph first answers 200."""
    start = time.monotonic()
    service = Service(env=env, workers=WORKERS)
    body = tutorial_body("cold")
    while time.monotonic() - start < deadline_seconds:
        if service.process.poll() is not None:
            raise RuntimeError(f"gradtrace serve exited; see {service.log.name}")
        conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=60)
        try:
            if post_graph(conn, body) == 200:
                return service, time.monotonic() - start
        except OSError:  # not listening yet: the workers warm up before the port opens
            pass
        finally:
            conn.close()
        time.sleep(0.02)
    service.stop()
    raise RuntimeError(f"no 200 from POST /api/graph within {deadline_seconds:g} s")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_cpu_seconds(service: Service) -> float:
    """CPU time of the web process and its workers (the idle forkserver adds nothing)."""
    total = 0.0
    for pid in {service.process.pid, *service.workers()}:
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


def run_in_worker_conditions(conn: Connection) -> None:
    """A process that times `pipeline.run` of each source it is sent, in a worker's conditions: niced by
    WORKER_NICENESS and one compute thread (worker_process.serve_jobs_niced)."""
    from gradtrace.worker_process import one_compute_thread

    os.nice(WORKER_NICENESS)
    one_compute_thread()
    limits = Limits()
    while (source := conn.recv()) is not None:
        started = time.perf_counter()
        pipeline.run(source, {}, None, limits)
        conn.send(time.perf_counter() - started)


@contextlib.contextmanager
def worker_conditions() -> Iterator[Connection]:
    """A connection to a run_in_worker_conditions process: send a source, receive its seconds."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=run_in_worker_conditions, args=(theirs,), daemon=True)
    process.start()
    try:
        yield ours
    finally:
        ours.send(None)
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()


def added_time(service: Service, samples: int) -> AddedTime:
    """In-process (here, and in a worker's conditions) and HTTP medians of the same tutorial program,
    alternating (so all three see the same machine), each request's program unique."""
    limits = Limits()
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=60)
    in_process: list[float] = []
    in_worker_conditions: list[float] = []
    over_http: list[float] = []
    warm_up = max(3, samples // 10)
    web_before = service_before = local_cpu = 0.0
    with worker_conditions() as niced:
        for i in range(warm_up + samples):
            if i == warm_up:
                web_before, service_before = cpu_seconds(service.process.pid), service_cpu_seconds(service)
            source = f"{TUTORIAL}\n# in-process {i}\n"
            started, cpu_started = time.perf_counter(), time.process_time()
            pipeline.run(source, {}, None, limits)
            in_process.append(time.perf_counter() - started)
            local_cpu += (time.process_time() - cpu_started) if i >= warm_up else 0.0
            niced.send(f"{TUTORIAL}\n# in a worker's conditions {i}\n")
            in_worker_conditions.append(niced.recv())
            body = tutorial_body(f"http {i}")
            started = time.perf_counter()
            status = post_graph(conn, body)
            over_http.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"POST /api/graph answered {status}")
    web_cpu = (cpu_seconds(service.process.pid) - web_before) / samples
    added_cpu = (service_cpu_seconds(service) - service_before - local_cpu) / samples
    conn.close()
    local = statistics.median(in_process[warm_up:]) * 1e3
    niced_local = statistics.median(in_worker_conditions[warm_up:]) * 1e3
    remote = statistics.median(over_http[warm_up:]) * 1e3
    return AddedTime(
        round(local, 2),
        round(remote, 2),
        round(remote - local, 2),
        round(niced_local, 2),
        round(remote - niced_local, 2),
        round(web_cpu * 1e3, 2),
        round(added_cpu * 1e3, 2),
    )


@contextlib.contextmanager
def wrk_script(method: str) -> Iterator[str]:
    prefix, suffix = tutorial_body(NONCE).decode().split(NONCE)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="gradtrace-wrk-") as script:
        script.write(WRK_SCRIPT.format(prefix=prefix, suffix=suffix, method=method))
        script.flush()
        yield script.name


def wrk(url: str, method: str, seconds: float, connections: int) -> Load:
    """wrk with one thread (the service has the other core) against `url`."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run `make system-deps` (Debian package wrk)")
    with wrk_script(method) as script:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
        done = subprocess.run([*command, "-s", script, url], capture_output=True, text=True, check=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("GRADTRACE-WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    requests, duration_us, p50_us, p99_us, failed = (int(v) for v in line.split()[1:])
    return Load(round(requests / (duration_us / 1e6), 1), round(p50_us / 1e3, 2), round(p99_us / 1e3, 2), failed)


def image_url(base: str) -> str:
    """A drawn image's URL, drawn once so later requests find it in the service's cache."""
    url = f"{base}/svg/{encode_source(TUTORIAL)}"
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("GET", url.removeprefix(base))
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"GET {url} answered {answer.status}")
    return url


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def measure(seconds: float, samples: int, connections: int) -> dict[str, object]:
    figures: dict[str, object] = {"workers": WORKERS, "cores": os.cpu_count(), "load_average_before": load_average()}
    service, started_in = cold_start({**os.environ, **BENCH_ENV})
    try:
        figures["cold_start_seconds"] = round(started_in, 2)
        figures["tutorial"] = asdict(added_time(service, samples))
        figures["uncached_tutorial"] = asdict(wrk(f"{service.url}/api/graph", "POST", seconds, connections))
        cached = image_url(service.url)
        figures["cached_image_direct"] = asdict(wrk(cached, "GET", seconds, 4 * connections))
        figures["cached_image_nginx"] = through_nginx(service, seconds, 4 * connections)
    finally:
        left = service.stop()
    if left:
        raise RuntimeError(f"processes left behind: {left}")
    figures["load_average_after"] = load_average()
    return figures


def through_nginx(service: Service, seconds: float, connections: int) -> dict[str, object] | str:
    """Cached image requests through nginx with deploy/'s configuration, or why they were not measured."""
    from tests.deploy.servers import MissingServer, start_nginx

    try:
        with start_nginx(None, [f"127.0.0.1:{service.port}"]) as nginx:
            url = image_url(nginx.url)
            image_url(nginx.url)  # the second request stores it in nginx's cache
            return asdict(wrk(url, "GET", seconds, connections))
    except MissingServer as exc:
        return f"not measured: {exc}"


def report(figures: dict[str, object]) -> str:
    tutorial = figures["tutorial"]
    assert isinstance(tutorial, dict)
    lines = [
        f"gradtrace over HTTP: {figures['workers']} workers, {figures['cores']} cores, "
        f"load average {figures['load_average_before']} before, {figures['load_average_after']} after",
        f"cold start (gradtrace serve to the first 200 of POST /api/graph): {figures['cold_start_seconds']} s",
        f"tutorial, one client, medians: in-process {tutorial['in_process_ms']} ms, over HTTP "
        f"{tutorial['http_ms']} ms, added {tutorial['added_ms']} ms; CPU time added {tutorial['added_cpu_ms']} ms "
        f"(web process {tutorial['web_cpu_ms']} ms)",
        f"tutorial in-process in a worker's conditions (niced +{WORKER_NICENESS}, one thread): "
        f"{tutorial['in_worker_conditions_ms']} ms, over HTTP added {tutorial['added_over_worker_conditions_ms']} ms",
    ]
    for key, what in (
        ("uncached_tutorial", "uncached tutorial, POST /api/graph"),
        ("cached_image_direct", "cached image, GET /svg/..., direct"),
        ("cached_image_nginx", "cached image, GET /svg/..., through nginx"),
    ):
        load = figures[key]
        if isinstance(load, dict):
            lines.append(
                f"{what}: {load['requests_per_second']} requests/s, p50 {load['p50_ms']} ms, "
                f"p99 {load['p99_ms']} ms, failed {load['failed']}"
            )
        else:
            lines.append(f"{what}: {load}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run")
    parser.add_argument("--samples", type=int, default=300, help="tutorial requests timed in-process and over HTTP")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for POST (4x for images)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = measure(args.seconds, args.samples, args.connections)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
