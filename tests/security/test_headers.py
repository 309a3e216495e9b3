"""Security headers on every answer, and API docs served without a CDN (issue 9, finding 9)."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from fastapi.testclient import TestClient
from gradtrace.web.headers import CONTENT_POLICY, PAGE_POLICY


def encoded(code: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(code.encode())).decode().rstrip("=")


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_the_page_runs_only_its_own_scripts_and_cannot_be_framed(client: TestClient) -> None:
    response = client.get("/")
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other site
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    # The page itself keeps to it: its scripts are files, the only inline one is a JSON data block.
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", response.text) == []


@pytest.mark.parametrize(
    "path",
    [
        f"/svg/{encoded('y = (x * 2).sum()')}",
        f"/svg/{encoded('import os')}",  # an error picture
        "/graph.svg?code=y%20%3D%20x",
        "/healthz",
        "/openapi.json",
        "/api/snippets/0123456789abcdef",
        "/no/such/page",
        "/static/build/playground.js",
    ],
)
def test_every_other_answer_allows_nothing_executable(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = directives(CONTENT_POLICY)
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy  # scripts fall back to none


def test_not_modified_and_preflight_answers_carry_the_headers_too(client: TestClient) -> None:
    url = f"/svg/{encoded('y = (x * 3).sum()')}"
    etag = client.get(url).headers["etag"]
    for response in (
        client.get(url, headers={"If-None-Match": etag}),
        client.options(url, headers={"Origin": "https://course.example", "Access-Control-Request-Method": "GET"}),
    ):
        assert response.headers["content-security-policy"] == CONTENT_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"


def test_api_docs_load_only_bundled_assets(client: TestClient) -> None:
    """/api/docs loaded a floating Swagger UI from a CDN with no integrity hash."""
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert not re.search(r"https?://", response.text), "the docs page names another site"
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sorted(assets) == ["/static/build/api-docs.css", "/static/build/api-docs.js"]
    for asset in assets:
        bundled = client.get(asset)
        assert bundled.status_code == 200 and len(bundled.content) > 10_000
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN-loaded ReDoc page is gone too
