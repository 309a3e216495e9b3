"""Embedding in a course page: <img> tags from a static page load the graphs, errors show as pictures."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from gradtrace.web.source_encoding import encode_source
from playwright.sync_api import Browser

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

GOOD = "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * x\nloss = y.sum()\nloss.backward()"
STORED = "w = torch.tensor(0.5, requires_grad=True)\nh = torch.tanh(w * 3)\nloss = (h - 1) ** 2"
BROKEN = "import os\nos.system('ls')"
DARK_BACKGROUND = (15, 23, 42)  # PALETTES["dark"]["bg"]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Week 1: autograd</title>
<style>
  body {{ font-family: sans-serif; margin: 24px; background: #fff; color: #111; }}
  @media (prefers-color-scheme: dark) {{ body {{ background: #0b0f19; color: #ddd; }} }}
  figure {{ display: inline-block; vertical-align: top; margin: 0 16px 16px 0; }}
</style></head>
<body>
<h1>Week 1: autograd graphs</h1>
<figure><img id="encoded" crossorigin="anonymous" src="{base}/svg/{good}?theme=auto" alt="encoded">
  <figcaption>/svg/&hellip;?theme=auto</figcaption></figure>
<figure><picture>
  <source media="(prefers-color-scheme: dark)" srcset="{base}/s/{key}.svg?theme=dark">
  <img id="stored" src="{base}/s/{key}.svg?theme=light" alt="stored"></picture>
  <figcaption>/s/{key}.svg in a &lt;picture&gt;</figcaption></figure>
<figure><img id="png" src="{base}/png/{good}?direction=LR" alt="png"><figcaption>/png/&hellip;</figcaption></figure>
<figure><img id="broken" src="{base}/svg/{broken}" alt="broken"><figcaption>a broken snippet</figcaption></figure>
</body></html>
"""


def store_snippet(base_url: str, code: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base_url}/api/snippets", data=json.dumps({"code": code}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.loads(response.read())
        return body


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def top_left_pixel(page: Any, image_id: str) -> tuple[int, int, int]:
    """The colour the browser painted at the image's corner (CORS lets the canvas read it)."""
    rgb = page.evaluate(
        """(id) => { const img = document.getElementById(id); const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d');
        g.drawImage(img, 0, 0); return Array.from(g.getImageData(2, 2, 1, 1).data.slice(0, 3)); }""",
        image_id,
    )
    return (rgb[0], rgb[1], rgb[2])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_course_page_images(browser: Browser, base_url: str, tmp_path: Path, scheme: str) -> None:
    key = store_snippet(base_url, STORED)["id"]
    good, broken = encode_source(GOOD), encode_source(BROKEN)
    assert status_of(f"{base_url}/svg/{broken}") == 403
    site = tmp_path / "site"
    site.mkdir()
    (site / "week1.html").write_text(PAGE.format(base=base_url, good=good, key=key, broken=broken))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto((site / "week1.html").as_uri())
    page.wait_for_function("Array.from(document.images).every((i) => i.complete)", timeout=30_000)
    widths = page.evaluate("Object.fromEntries(Array.from(document.images).map((i) => [i.id, i.naturalWidth]))")
    assert all(widths[name] > 0 for name in ("encoded", "stored", "png")), widths
    # The broken snippet still paints: the 403 carries a picture of the error, not a broken-image icon.
    assert widths["broken"] > 0, widths
    # theme=auto switches inside the SVG itself; the <picture> picks the variant for the scheme.
    corner = top_left_pixel(page, "encoded")
    assert corner == (DARK_BACKGROUND if scheme == "dark" else (255, 255, 255)), corner
    chosen = page.evaluate("document.getElementById('stored').currentSrc")
    assert chosen.endswith(f"theme={scheme}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"embed-{scheme}.png"), full_page=True)
    context.close()
