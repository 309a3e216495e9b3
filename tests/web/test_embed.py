"""Image URLs for course pages: /svg|png|pdf/{encoded} and /graph.svg, their caching and error pictures."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.config import Limits, Settings
from gradtrace.rendering.options import RenderOptions
from gradtrace.web.factory import create_app
from gradtrace.web.image_cache import RenderedImageCache
from gradtrace.web.image_response import ImageRequest, image_etag
from gradtrace.web.source_encoding import encode_source
from gradtrace.worker import Job, WorkerPool

from tests.conftest import TEST_LIMITS

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = (REPO / "tests" / "programs" / "tutorial.py").read_text()
SHAPE_MISMATCH = "a = torch.ones(2)\nb = torch.ones(3)\nc = a + b"
PNG = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def kroki(source: str) -> str:
    """The Kroki recipe, exactly as the issue gives it."""
    return base64.urlsafe_b64encode(zlib.compress(source.encode(), 9)).decode()


def test_kroki_encoded_url_renders_the_same_svg_as_graph_svg(client: TestClient) -> None:
    encoded = kroki(TUTORIAL)
    assert encoded == encode_source(TUTORIAL)
    response = client.get(f"/svg/{encoded}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content == client.get("/graph.svg", params={"code": TUTORIAL}).content
    assert "MeanBackward0" in response.text


def test_raw_deflate_without_padding_is_accepted(client: TestClient) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = packer.compress(TUTORIAL.encode()) + packer.flush()
    encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert client.get(f"/svg/{encoded}").content == client.get(f"/svg/{kroki(TUTORIAL)}").content


@pytest.mark.parametrize(("fmt", "magic", "media"), [("png", PNG, "image/png"), ("pdf", b"%PDF", "application/pdf")])
def test_png_and_pdf(client: TestClient, fmt: str, magic: bytes, media: str) -> None:
    response = client.get(f"/{fmt}/{kroki(TUTORIAL)}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert response.content.startswith(magic)


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("theme=dark", 'fill="#0f172a" stroke="none"', "@media"),
        ("theme=auto", "@media (prefers-color-scheme: dark)", None),
        ("values=false", ">grad ", ">value "),
        ("grads=false&values=false", "MeanBackward0", ">grad "),
        ("precision=2", "4.5", None),
        ("direction=LR", "MeanBackward0", None),
    ],
)
def test_query_options(client: TestClient, query: str, present: str, absent: str | None) -> None:
    response = client.get(f"/svg/{kroki(TUTORIAL)}?{query}")
    assert response.status_code == 200
    assert present in response.text
    if absent is not None:
        assert absent not in response.text


def test_direction_changes_the_layout(client: TestClient) -> None:
    tall = ET.fromstring(client.get(f"/svg/{kroki(TUTORIAL)}?direction=TB").content)
    wide = ET.fromstring(client.get(f"/svg/{kroki(TUTORIAL)}?direction=LR").content)
    assert float(tall.get("height", "0")[:-2]) > float(tall.get("width", "0")[:-2])
    assert float(wide.get("width", "0")[:-2]) > float(wide.get("height", "0")[:-2])


def test_auto_theme_svg_is_self_contained_for_img_tags(client: TestClient) -> None:
    svg = client.get(f"/svg/{kroki(TUTORIAL)}?theme=auto").text
    root = ET.fromstring(svg.encode())
    assert root.get("width") and root.get("height") and root.get("viewBox")
    assert "gt-auto" in (root.get("class") or "")
    style = root.find(f"{SVG_NS}style")
    assert style is not None and ".node.leaf" in (style.text or "") and ".node.root" in (style.text or "")
    assert "<script" not in svg and "@import" not in svg and "@font-face" not in svg
    assert {g.get("class") for g in root.iter(f"{SVG_NS}g")} >= {"node op root", "node leaf leaf"}


def test_graph_choice(client: TestClient) -> None:
    code = "a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()\nc = a.exp()\nc.backward()"
    first = client.get(f"/svg/{kroki(code)}?graph=0").text
    last = client.get(f"/svg/{kroki(code)}").text
    assert "MulBackward0" in first and "ExpBackward0" not in first
    assert "ExpBackward0" in last
    missing = client.get(f"/svg/{kroki(code)}?graph=5")
    assert missing.status_code == 400 and "there are 2 graphs" in missing.text


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/svg/!!!not-base64", 400, "request error"),
        ("/svg/abcd", 400, "request error"),
        (f"/svg/{kroki(TUTORIAL)}?theme=purple", 400, "theme"),
        (f"/svg/{kroki(TUTORIAL)}?precision=99", 400, "precision"),
        (f"/svg/{kroki(TUTORIAL)}?values=maybe", 400, "values"),
        (f"/svg/{kroki('f = open(1)')}", 403, "forbidden error"),
        (f"/svg/{kroki('x = (1')}", 400, "syntax error"),
    ],
)
def test_errors_are_uncached_svg_pictures(client: TestClient, path: str, status: int, text: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-store" and "etag" not in response.headers
    assert text in response.text
    ET.fromstring(response.content)


def test_zip_bomb_is_a_limit_error_not_memory(client: TestClient) -> None:
    bomb = kroki("#" * 2_000_000)  # 2 MB of source in a ~2.7 KB URL; only the first 80 KB is inflated
    assert len(bomb) < 8_000, len(bomb)
    response = client.get(f"/svg/{bomb}")
    assert response.status_code == 422 and "limit error" in response.text


@pytest.mark.parametrize(("fmt", "magic", "media"), [("png", PNG, "image/png"), ("pdf", b"%PDF", "application/pdf")])
def test_error_pictures_in_every_format(client: TestClient, fmt: str, magic: bytes, media: str) -> None:
    response = client.get(f"/{fmt}/{kroki(SHAPE_MISMATCH)}")
    assert response.status_code == 422
    assert response.headers["content-type"] == media and response.headers["cache-control"] == "no-store"
    assert response.content.startswith(magic)


@pytest.mark.parametrize(("path", "media"), [("/svg/", "image/svg+xml"), ("/png/", "image/png"),
                                           ("/api/nothing/", "application/json")])  # fmt: skip
def test_over_long_url_is_414_pointing_to_the_short_form(client: TestClient, path: str, media: str) -> None:
    response = client.get(path + "A" * 9_000)
    assert response.status_code == 414 and response.headers["content-type"].startswith(media)
    assert response.headers["cache-control"] == "no-store"
    if media == "image/svg+xml":
        assert "POST /api/snippets" in response.text and "8192" in response.text
    if media == "application/json":
        message = response.json()["error"]["message"]
        assert "POST /api/snippets" in message and "8192" in message
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_etag_and_304(client: TestClient) -> None:
    url = f"/png/{kroki(TUTORIAL)}?theme=dark"
    first = client.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    assert client.get(f"/png/{kroki(TUTORIAL)}?theme=light").headers["etag"] != etag


def test_graph_svg_is_cacheable_too(client: TestClient) -> None:
    response = client.get("/graph.svg", params={"code": TUTORIAL})
    assert response.headers["cache-control"].endswith("immutable") and response.headers["etag"]
    etag = response.headers["etag"]
    revalidated = client.get("/graph.svg", params={"code": TUTORIAL}, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304


def test_repeated_loads_come_from_the_cache(client: TestClient) -> None:
    url = f"/svg/{kroki('y = (x * 7).sum()')}"
    cache: RenderedImageCache = client.app.state.image_cache  # type: ignore[attr-defined]
    before = cache.size
    first = client.get(url).content
    assert cache.size == before + len(first)
    pool = client.app.state.pool  # type: ignore[attr-defined]
    real_run = pool.run_async
    try:
        pool.run_async = lambda job, **kw: pytest.fail("the worker was asked again")  # type: ignore[method-assign]
        assert client.get(url).content == first
    finally:
        pool.run_async = real_run  # type: ignore[method-assign]


def test_image_cache_is_bounded_by_bytes() -> None:
    cache = RenderedImageCache(max_bytes=100)
    for key in "abcd":
        cache.put(key, b"x" * 20)
    cache.get("a")  # a is now the most recent
    cache.put("e", b"y" * 20)
    cache.put("f", b"z" * 20)  # 120 bytes: the least recent (b) goes
    assert cache.size <= 100 and cache.get("b") is None and cache.get("a") is not None
    cache.put("huge", b"h" * 60)  # larger than a quarter of the budget: never kept
    assert cache.get("huge") is None


@pytest.mark.parametrize(
    "path", [f"/svg/{kroki(TUTORIAL)}", f"/png/{kroki('import os')}", "/healthz", "/api/snippets/0000000000000000"]
)
def test_cors_and_nosniff(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_get_nosniff_without_cors(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers


def test_cors_preflight_for_the_json_api(client: TestClient) -> None:
    response = client.options(
        "/api/snippets", headers={"Origin": "https://course.example", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


RENDER_IN_NEW_PROCESS = """
import hashlib, json, sys
from fastapi.testclient import TestClient
from gradtrace.config import Limits, Settings
from gradtrace.web.factory import create_app

if __name__ == "__main__":
    settings = Settings(workers=1, snippet_db=sys.argv[2], limits=Limits(timeout_seconds=5.0))
    out = {}
    with TestClient(create_app(settings)) as client:
        for fmt in ("svg", "png", "pdf"):
            response = client.get(f"/{fmt}/{sys.argv[1]}?theme=auto")
            out[fmt] = [response.status_code, response.headers["etag"], hashlib.sha256(response.content).hexdigest()]
    print(json.dumps(out))
"""


def test_same_request_same_bytes_across_processes(client: TestClient, tmp_path: Path) -> None:
    script = tmp_path / "render_once.py"
    script.write_text(RENDER_IN_NEW_PROCESS)
    answers = []
    for run in range(2):
        done = subprocess.run(
            [sys.executable, str(script), kroki(TUTORIAL), str(tmp_path / f"db{run}.sqlite3")],
            cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert answers[0] == answers[1]
    here = client.get(f"/svg/{kroki(TUTORIAL)}?theme=auto")
    assert answers[0]["svg"] == [200, here.headers["etag"], hashlib.sha256(here.content).hexdigest()]


def test_documented_python_recipe_makes_a_working_url(client: TestClient) -> None:
    """docs/embedding.md's first Python block, run as a reader would; its URL must render."""
    docs = (REPO / "docs" / "embedding.md").read_text()
    recipe = docs.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", recipe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert url.startswith("https://gradtrace.example.org/svg/")
    response = client.get(url.removeprefix("https://gradtrace.example.org"))
    assert response.status_code == 200 and "SumBackward0" in response.text


def test_documented_url_limit_is_the_setting(client: TestClient) -> None:
    docs = (REPO / "docs" / "embedding.md").read_text()
    limit = client.app.state.settings.max_url_chars  # type: ignore[attr-defined]
    assert f"at most **{limit:,} characters**" in docs


def test_graph_svg_without_code_is_a_request_picture(client: TestClient) -> None:
    response = client.get("/graph.svg")
    assert response.status_code == 400 and "?code=" in response.text
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_head_answers_the_get_headers_without_a_body(client: TestClient) -> None:
    url = f"/svg/{kroki(TUTORIAL)}"
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"] and head.headers["content-type"] == got.headers["content-type"]


class CountingPool:
    """The shared pool, counting the jobs it is given; each job is slowed so requests overlap."""

    def __init__(self, pool: WorkerPool, limits: Limits | None = None) -> None:
        self.pool = pool
        self.limits = limits or pool.limits
        self.runs = 0
        self._lock = threading.Lock()

    async def run_async(self, job: Job, **how: Any) -> Any:
        with self._lock:
            self.runs += 1
        await asyncio.sleep(0.3)
        return await self.pool.run_async(job, **how)

    def pids(self) -> list[int]:
        return list(self.pool.pids())


def counting_client(pool: WorkerPool, tmp_path: Path, limits: Limits | None = None) -> tuple[TestClient, CountingPool]:
    counting = CountingPool(pool, limits)
    settings = Settings(limits=TEST_LIMITS, snippet_db=tmp_path / "s.sqlite3")
    app = create_app(settings, pool=cast(WorkerPool, counting))
    return TestClient(app, raise_server_exceptions=False), counting


def get_at_once(client: TestClient, url: str, count: int = 8) -> list[Any]:
    start = threading.Barrier(count)
    answers: list[Any] = [None] * count

    def fetch(i: int) -> None:
        start.wait()
        answers[i] = client.get(url)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize(("code", "status"), [("y = (x * 11).sum()", 200), ("y = torch.ones(2) + torch.ones(3)", 422)])
def test_one_image_loaded_many_times_at_once_is_drawn_once(
    pool: WorkerPool, tmp_path: Path, code: str, status: int
) -> None:
    client, counting = counting_client(pool, tmp_path)
    with client:
        answers = get_at_once(client, f"/svg/{kroki(code)}")
    assert counting.runs == 1
    assert {a.status_code for a in answers} == {status}
    assert len({a.content for a in answers}) == 1
    if status != 200:  # an error is shared with the waiters but never kept
        assert all(a.headers["cache-control"] == "no-store" for a in answers)
        with client:
            client.get(f"/svg/{kroki(code)}")
        assert counting.runs == 2


def test_if_none_match_star_never_gives_a_broken_snippet_a_304(client: TestClient) -> None:
    broken = client.get(f"/svg/{kroki('y = 1/0')}", headers={"If-None-Match": "*"})
    assert broken.status_code == 422 and broken.headers["cache-control"] == "no-store"
    good = f"/svg/{kroki('y = (x * 13).sum()')}"
    assert client.get(good, headers={"If-None-Match": "*"}).status_code == 200  # not drawn yet: draw it
    assert client.get(good, headers={"If-None-Match": "*"}).status_code == 304  # drawn fine and kept


@pytest.mark.parametrize("name", pipeline.OUTPUT_LIMITS)
def test_etag_changes_with_the_limits_that_change_the_output(name: str) -> None:
    image = ImageRequest(TUTORIAL, {}, RenderOptions(), "svg")
    changed = replace(Limits(), **{name: getattr(Limits(), name) + 1})
    assert image_etag(image, changed) != image_etag(image, Limits())
    # a limit that only decides whether a request fails does not throw every cached image away
    assert image_etag(image, replace(Limits(), timeout_seconds=3.0)) == image_etag(image, Limits())


def test_etag_names_the_graphviz_library_version() -> None:
    import pygraphviz

    assert f"graphviz {pygraphviz.__graphviz_version__}" in pipeline.renderer_version()


def test_served_etag_follows_the_workers_limits(pool: WorkerPool, tmp_path: Path) -> None:
    url = f"/svg/{kroki(TUTORIAL)}"
    plain, _ = counting_client(pool, tmp_path)
    fewer, _ = counting_client(pool, tmp_path, replace(pool.limits, max_graphs=3))
    with plain, fewer:
        assert plain.get(url).headers["etag"] != fewer.get(url).headers["etag"]
