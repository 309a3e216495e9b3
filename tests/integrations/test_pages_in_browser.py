"""The built course pages in headless Chromium: every graph shows, and Material's toggle picks the scheme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service import Service

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
LOAD_MS = 60_000
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"

# Every <img> loaded with a size, and the size of every inline graph the reader can see.
SHOWN = """() => ({
  images: [...document.images].map(i => ({src: i.currentSrc, width: i.naturalWidth})),
  inline: [...document.querySelectorAll('.gradtrace svg')]
    .filter(s => s.getClientRects().length > 0)
    .map(s => ({scheme: s.parentElement.className, width: s.getBoundingClientRect().width})),
  scheme: document.body.getAttribute('data-md-color-scheme'),
})"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def shown(chromium: Any, page_path: Path, screenshot: str) -> dict[str, Any]:
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto(page_path.as_uri(), wait_until="load", timeout=LOAD_MS)
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=LOAD_MS)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / screenshot), full_page=True)
        found: dict[str, Any] = page.evaluate(SHOWN)
        return found
    finally:
        page.close()


def test_mkdocs_pages_follow_the_palette_toggle(chromium: Any, mkdocs_site: Path) -> None:
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto((mkdocs_site / "index.html").as_uri(), wait_until="load", timeout=LOAD_MS)
        light = page.evaluate(SHOWN)
        page.click('label[for="__palette_1"]')  # Material's toggle: to the dark scheme (slate)
        page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
        dark = page.evaluate(SHOWN)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "integrations-mkdocs-slate.png"), full_page=True)
    finally:
        page.close()
    assert light["scheme"] == "default" and [g["scheme"] for g in light["inline"]] == ["gradtrace-light"] * 2
    assert dark["scheme"] == "slate" and [g["scheme"] for g in dark["inline"]] == ["gradtrace-dark"] * 2
    assert all(g["width"] > 100 for g in light["inline"] + dark["inline"])


def test_sphinx_pages_show_every_image(chromium: Any, sphinx_site: Path) -> None:
    for name in ("index", "network"):
        found = shown(chromium, sphinx_site / "html" / f"{name}.html", f"integrations-sphinx-{name}.png")
        assert len(found["images"]) == 1 and all(i["width"] > 0 for i in found["images"]), found


def test_kroki_pages_show_the_services_image(chromium: Any, kroki_site: Path, gradtrace_service: Service) -> None:
    found = shown(chromium, kroki_site / "index.html", "integrations-kroki.png")
    ours = [i for i in found["images"] if i["src"].startswith(gradtrace_service.url)]
    assert len(ours) == 1 and all(i["width"] > 0 for i in found["images"]), found
