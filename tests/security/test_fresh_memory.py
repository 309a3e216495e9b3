"""No program reads bytes it did not write: storage nobody initialised holds a known fill, never what an
earlier job left in the worker (its inputs, its source, its tensors).

The marker job and the probes run on a pool of one worker, so they share one heap."""

from __future__ import annotations

import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.sandbox.torch_state import isolated_torch_state
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool

from tests.conftest import TEST_LIMITS

MARKER = 4242.4242  # float32 bytes 0x45849363, float64 bytes 0x40b092...: both easy to find
MARKER_TEXT = "SECRET-NOTES-OF-ANOTHER-USER"

# Leaves the marker everywhere in the worker's heap: in tensors of many sizes (small ones land in
# tcache-sized blocks, large ones in mmapped regions), in the inputs and in the source text.
MARKER_JOB = f"""
# {MARKER_TEXT * 40}
keep = []
for n in [1, 7, 8, 50, 64, 200, 300, 1000, 4096, 100000]:
    for k in range(12):
        keep.append(torch.full((n,), {MARKER}))
        keep.append(torch.full((n,), {MARKER}, dtype=torch.float64))
        keep.append(torch.full((n,), 7, dtype=torch.int64))
keep = None
y = (secret * 2).sum()
"""

# Every way a program can get storage it did not write, with sizes spelled every way torch reads them.
SIZE_SPELLINGS = [
    *("300", "torch.tensor(300)", "torch.tensor([300])", "torch.Size([300])", "(300,)", "[300]"),
    *("torch.tensor(30), 10", "torch.tensor(200, dtype=torch.uint8)", "torch.Size([True, 300])"),
]
LEGACY_SPELLINGS = ["300", "300, True", "torch.Size([300])", "torch.Size([True, 300])", "torch.tensor(30), 10"]
CONSTRUCTORS = [
    *(f"torch.empty({size})" for size in SIZE_SPELLINGS),
    *(f"torch.Tensor({size})" for size in LEGACY_SPELLINGS),
    "torch.empty(300, dtype=torch.float64)",
    "torch.empty(300, dtype=torch.int64)",
    "torch.empty(300, dtype=torch.int32)",
    "torch.empty(300, dtype=torch.bool)",
    "torch.empty(300, dtype=torch.uint8)",
    "torch.empty(size=(300,))",
    "torch.empty(3, 100)[:, 1:]",
    "torch.empty_like(torch.ones(300))",
    "torch.empty_like(torch.ones(300, dtype=torch.int64))",
    "torch.empty(4000)",  # past the tcache sizes; larger ones come fresh from mmap
]

FILLS = {  # the bytes of PyTorch's fill for uninitialised storage (deterministic mode), per dtype
    "torch.float32": struct.pack("<f", float("nan")),
    "torch.float64": struct.pack("<d", float("nan")),
    "torch.int64": struct.pack("<q", 2**63 - 1),
    "torch.int32": struct.pack("<i", 2**31 - 1),
    "torch.uint8": b"\xff",
    "torch.bool": b"\x01",
}


@pytest.fixture(scope="module")
def one_worker_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    pool = WorkerPool(TEST_LIMITS, size=1)
    pool.start()
    db = tmp_path_factory.mktemp("db") / "snippets.sqlite3"
    try:
        # Many requests from one test client in a row: the per-client rate limit is not what is tested here.
        settings = Settings(limits=TEST_LIMITS, snippet_db=db, client_rate_limit="1000/second")
        app = create_app(settings, pool=pool)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        pool.close()


def storage_bytes(client: TestClient, expression: str) -> tuple[str, bytes]:
    """Run `t = expression` after the marker job on the same worker; the dtype and raw bytes of t."""
    marker = client.post("/api/graph", json={"code": MARKER_JOB, "inputs": {"secret": [MARKER] * 500}})
    assert marker.status_code == 200, marker.text
    probe = f"t = {expression}\nprint(t.dtype)\nprint(t.contiguous().flatten().view(torch.uint8).tolist())\n"
    response = client.post("/api/graph", json={"code": probe})
    assert response.status_code == 200, response.text
    dtype, raw = response.json()["stdout"].splitlines()
    return dtype, bytes(int(b) for b in raw.strip("[]").split(", ") if b)


@pytest.mark.parametrize("expression", CONSTRUCTORS)
def test_uninitialised_storage_holds_the_known_fill_never_an_earlier_jobs_bytes(
    one_worker_client: TestClient, expression: str
) -> None:
    dtype, raw = storage_bytes(one_worker_client, expression)
    fill = FILLS[dtype]
    assert raw, expression
    assert raw == fill * (len(raw) // len(fill)), f"{expression}: bytes other than the fill came back"
    for leaked in (struct.pack("<f", MARKER), struct.pack("<d", MARKER)[4:], MARKER_TEXT[:8].encode()):
        assert leaked not in raw


def test_fill_covers_paths_the_sandbox_does_not_offer_today() -> None:
    """The mechanism is torch's own, so constructors a later allowlist may add are covered too."""
    junk = [torch.full((n,), MARKER) for n in (16, 300, 5000) for _ in range(20)]
    del junk
    makers = {
        "new_empty": lambda: torch.ones(1).new_empty(300),
        "legacy new": lambda: torch.ones(1).new(300),
        "empty_strided": lambda: torch.empty_strided((300,), (1,)),
        "resize_": lambda: torch.ones(0).resize_(300),
        "legacy bool size": lambda: torch.Tensor(300, True),
        "FloatTensor": lambda: torch.FloatTensor(300),
    }
    with isolated_torch_state():
        made = {name: make() for name, make in makers.items()}
    for name, tensor in made.items():
        assert torch.isnan(tensor).all(), name
    assert not torch.are_deterministic_algorithms_enabled()  # restored for whoever runs next


def test_the_worker_heap_is_scrubbed_under_torch_as_well(tmp_path: Path) -> None:
    """Below torch's fill, a worker's C heap overwrites freed blocks: with torch's fill switched off,
    storage still never shows an earlier tensor's bytes."""
    script = f"""
import torch
from gradtrace.worker import scrub_heap_blocks
scrub_heap_blocks()
for n in (8, 50, 200, 300, 2000, 100000):
    for _ in range(10):
        junk = [torch.full((n,), {MARKER}) for _ in range(10)]
        del junk
    fresh = torch.empty(n)
    assert not bool((fresh == {MARKER}).any()), n
    raw = fresh.view(torch.uint8)
    assert bool(((raw == 0xA5) | (raw == 0)).all()), n
print("scrubbed")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "scrubbed"


WARN_ONCE = "x = torch.ones(2, 2, 2)\ny = x.T\n"  # PyTorch says this once per process (TORCH_WARN_ONCE)


def test_warn_once_warnings_reach_every_request(one_worker_client: TestClient) -> None:
    answers = [one_worker_client.post("/api/graph", json={"code": WARN_ONCE}).json() for _ in range(3)]
    told = [[w for w in answer["warnings"] if "on tensors of dimension other than 2" in w] for answer in answers]
    assert [len(t) for t in told] == [1, 1, 1]
