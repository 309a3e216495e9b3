"""The real service as a subprocess (`gradtrace serve`), with the process ids of its workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (the forkserver and its workers), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def rss_bytes(pids: set[int]) -> int:
    """Summed resident memory of `pids`."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Service:
    """`gradtrace serve` on a free loopback port; `stop()` checks that no worker is left behind."""

    def __init__(self, env: dict[str, str] | None = None, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "GRADTRACE_WORKERS": str(workers), **(env or {})}
        command = [sys.executable, "-m", "gradtrace.cli", "serve", "--port", str(self.port)]
        # A file, not a pipe: a pipe nobody reads would block the service once full.
        self.log = tempfile.NamedTemporaryFile(prefix="gradtrace-service-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        self.seen: set[int] = set()

    def wait_ready(self, seconds: float = 120.0) -> None:
        """Until /healthz answers 200 (workers warmed up)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the service exited before it was ready")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    self.workers()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the service did not become ready")

    def workers(self) -> set[int]:
        """The service's child processes now (remembered, to check after stop)."""
        found = descendants(self.process.pid)
        self.seen |= found
        return found

    def stop(self) -> list[int]:
        """Stop the service as Ctrl+C would; return any of its processes still alive afterwards."""
        self.workers()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        # The forkserver and workers end on their own once the service is gone (they see their pipes
        # close); on a busy machine that can take a while, so wait for it rather than a fixed time.
        deadline = time.monotonic() + 30
        while (left := sorted(pid for pid in self.seen if alive(pid))) and time.monotonic() < deadline:
            time.sleep(0.1)
        return left
