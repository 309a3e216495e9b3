"""mkdocs-kroki-plugin, as authors configure it (docs/embedding.md), against the real service."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.service import Service

from .conftest import mkdocs_build, write_examples

pytestmark = pytest.mark.slow


def test_get_mode_pages_point_at_images_the_service_draws(kroki_site: Path, gradtrace_service: Service) -> None:
    page = (kroki_site / "index.html").read_text(encoding="utf-8")
    (url,) = re.findall(r'<img[^>]* src="([^"]+)"', page)
    assert url.startswith(f"{gradtrace_service.url}/gradtrace/svg/")
    answer = httpx.get(url, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert "MulBackward0" in answer.text and "SumBackward0" in answer.text


def test_post_mode_downloads_the_images_into_the_site(tmp_path: Path, gradtrace_service: Service) -> None:
    write_examples("kroki-site", tmp_path, {"http://localhost:8000": gradtrace_service.url})
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("      server_url:", "      http_method: POST\n      server_url:"))
    mkdocs_build(tmp_path)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    (source,) = re.findall(r'<img[^>]* src="([^"]+\.svg)"', page)
    assert "://" not in source
    svg = (tmp_path / "site" / source).read_text(encoding="utf-8")
    assert "MulBackward0" in svg and "SumBackward0" in svg
