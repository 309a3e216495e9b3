"""`make load`: the real service under 32 concurrent clients mixing valid code, forbidden code and
resource bombs. Prints requests served, answers by status, p50/p99 latency and peak memory; exits
non-zero on any 5xx, dropped connection or worker left behind after the service stops.

    .venv/bin/python -m tests.load --clients 32 --seconds 60
    .venv/bin/python -m tests.load --scenario hostile --seconds 60   (see tests/load_hostile.py)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections import Counter

import httpx2 as httpx

from tests.service import Service, rss_bytes

VALID = [
    "x = torch.ones(2, 2, requires_grad=True)\ny = x + 2\nz = y * y * 3\nout = z.mean()\nout.backward()",
    "w = torch.randn(3, 2, requires_grad=True)\nb = torch.zeros(2, requires_grad=True)\n"
    "loss = ((torch.randn(4, 3) @ w + b) ** 2).mean()\nloss.backward()",
    "m = nn.Linear(4, 3)\nloss = F.cross_entropy(m(torch.randn(5, 4)), torch.tensor([0, 1, 2, 0, 1]))\nloss.backward()",
    "y = (x * 3).sum()",
]
FORBIDDEN = [
    "import os",
    "a = ().__class__.__bases__",
    "torch.save(torch.ones(1), 'pwned.pt')",
    "a = torch._C",
    "open('/etc/passwd')",
    "a = eval('1')",
]
BOMBS = [
    "x = torch.ones(10**10)",
    "while True:\n    pass",
    "s = 'a' * 10**9",
    "x = torch.ones(1).expand(10**9)",
    "def f(n):\n    return f(n + 1)\nf(0)",
    "x = " + "(" * 500 + "1" + ")" * 500,
    "xs = [torch.ones(4000000) for i in range(1000)]",
]
# Burns the whole time budget of a worker (killed and replaced): rare, or it would starve the pool.
OVERRUN = "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)"


def pick(rng: random.Random) -> dict[str, object]:
    roll = rng.random()
    if roll < 0.004:
        return {"code": OVERRUN}
    if roll < 0.5:
        return {"code": rng.choice(VALID)}
    if roll < 0.7:
        return {"code": rng.choice(FORBIDDEN)}
    return {"code": rng.choice(BOMBS)}


async def client(url: str, until: float, seed: int, statuses: Counter[str], latencies: list[float]) -> None:
    rng = random.Random(seed)
    # Each client its own address (the service trusts loopback as its proxy), as 32 learners would be.
    address = {"X-Forwarded-For": f"10.0.{seed // 256}.{seed % 256}"}
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=address) as http:
        while time.monotonic() < until:
            body = pick(rng)
            start = time.monotonic()
            try:
                response = await http.post("/api/graph", json=body)
                statuses[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                statuses[f"dropped ({type(exc).__name__})"] += 1
                continue
            latencies.append(time.monotonic() - start)


async def sample_memory(service: Service, until: float, peak: list[int]) -> None:
    while time.monotonic() < until:
        pids = service.workers() | {service.process.pid}
        peak[0] = max(peak[0], rss_bytes(pids))
        await asyncio.sleep(0.25)


async def drive(service: Service, clients: int, seconds: float) -> tuple[Counter[str], list[float], int]:
    until = time.monotonic() + seconds
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    peak = [0]
    tasks = [client(service.url, until, seed, statuses, latencies) for seed in range(clients)]
    await asyncio.gather(sample_memory(service, until, peak), *tasks)
    return statuses, latencies, peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", default="3", help="GRADTRACE_LIMIT_TIMEOUT_SECONDS of the service")
    parser.add_argument("--scenario", choices=("mixed", "hostile"), default="mixed")
    args = parser.parse_args()
    if args.scenario == "hostile":
        from tests.load_hostile import run_hostile

        return run_hostile(args.seconds)
    service = Service(env={"GRADTRACE_LIMIT_TIMEOUT_SECONDS": args.timeout, "GRADTRACE_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        service.wait_ready()
        statuses, latencies, peak = asyncio.run(drive(service, args.clients, args.seconds))
    finally:
        leaked = service.stop()
    served = sum(statuses.values())
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(f"clients {args.clients}, {args.seconds:g} s, worker timeout {args.timeout} s")
    print(f"requests answered: {served} ({served / args.seconds:.1f}/s)")
    print("by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"latency p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    print(f"peak memory (server + forkserver + workers, summed RSS): {peak / 2**20:.0f} MiB")
    print(f"worker processes left after stop: {leaked or 'none'}")
    failures = [k for k in statuses if k.startswith("5") or k.startswith("dropped")]
    if failures or leaked:
        print(f"FAIL: {failures or ''} {leaked or ''}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
