"""Sites built from docs/embedding.md's examples, as an author would build them; the real service."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service import Service, alive

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "embedding.md"
_EXAMPLE = re.compile(
    r"<!-- example: (?P<path>\S+) -->\n(?P<fence>`{3,})[^\n]*\n(?P<body>.*?)\n(?P=fence)\n", re.DOTALL
)
BUILD_SECONDS = 600


def documented_examples(prefix: str) -> dict[str, str]:
    """{path below `prefix`: text} of every docs/embedding.md block marked `<!-- example: prefix/... -->`
    (or the one block marked `<!-- example: prefix -->`)."""
    found = {
        m.group("path").removeprefix(prefix).removeprefix("/"): m.group("body") + "\n"
        for m in _EXAMPLE.finditer(DOCS.read_text(encoding="utf-8"))
        if m.group("path") == prefix or m.group("path").startswith(prefix + "/")
    }
    if not found:
        pytest.fail(f"docs/embedding.md has no examples marked {prefix}/")
    return found


def write_examples(prefix: str, folder: Path, replace: dict[str, str] | None = None) -> Path:
    """Write the documented example files of `prefix` into `folder` (strings in `replace` swapped)."""
    for name, text in documented_examples(prefix).items():
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


def run_build(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """A build command run in `folder` as an author runs it (`python -m mkdocs build`, `-m sphinx`)."""
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=folder, capture_output=True, text=True, timeout=BUILD_SECONDS, check=False
    )


def mkdocs_build(folder: Path) -> str:
    """`mkdocs build --strict` in `folder`; its log (failing the test with it if the build failed)."""
    done = run_build(["mkdocs", "build", "--strict"], folder)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    return log


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documented MkDocs (Material) site, built once: its site/ folder."""
    folder = write_examples("mkdocs-site", tmp_path_factory.mktemp("mkdocs-site"))
    mkdocs_build(folder)
    return folder / "site"


@pytest.fixture(scope="session")
def sphinx_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documented Sphinx project (reStructuredText and MyST), built with -b html and -b latex."""
    folder = write_examples("sphinx-site", tmp_path_factory.mktemp("sphinx-site"))
    for builder in ("html", "latex"):
        done = run_build(["sphinx", "-W", "-b", builder, ".", f"_build/{builder}"], folder)
        assert done.returncode == 0, done.stdout + done.stderr
    return folder / "_build"


@pytest.fixture(scope="session")
def gradtrace_service() -> Iterator[Service]:
    """`gradtrace serve` in a subprocess, as a Kroki client's server."""
    service = Service(workers=1)
    try:
        service.wait_ready()
        yield service
    finally:
        left = service.stop()
        deadline = time.monotonic() + 30  # a busy machine may take a while to reap the workers
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = [pid for pid in left if alive(pid)]
        assert not left, f"processes left after stop: {left}"


@pytest.fixture(scope="session")
def kroki_site(tmp_path_factory: pytest.TempPathFactory, gradtrace_service: Service) -> Path:
    """The documented mkdocs-kroki-plugin site pointed at the running service (GET: image URLs)."""
    folder = tmp_path_factory.mktemp("kroki-site")
    write_examples("kroki-site", folder, {"http://localhost:8000": gradtrace_service.url})
    mkdocs_build(folder)
    return folder / "site"
