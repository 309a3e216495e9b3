"""Browser fixtures: the real service in a subprocess, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("GRADTRACE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUNDLE = REPO / "static" / "build" / "playground.js"
SCREENSHOTS = REPO / "tests" / "screenshots"
STARTUP_SECONDS = 60  # workers import torch before /healthz answers 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `uvicorn --factory gradtrace.web.factory:create_app` on a free loopback port; stop it after."""
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make assets` to build the playground bundle first")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GRADTRACE_SNIPPET_DB": str(tmp_path_factory.mktemp("db") / "snippets.sqlite3"),
    }
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "gradtrace.web.factory:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"the service did not become healthy; its log:\n{Path(log.name).read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# Package scope, not session: Playwright's sync API runs an event loop in this thread while it is
# open, and later tests (asyncio.run in the worker and fairness tests, the docs pages' own Chromium)
# cannot start theirs beside it.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Debian's Chromium; its absence is a loud failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A fresh desktop-sized page at the playground, in light theme."""
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=base_url,
        viewport={"width": 1280, "height": 800},
        color_scheme="light",
        accept_downloads=True,
    )
    tab = context.new_page()
    yield tab
    context.close()
