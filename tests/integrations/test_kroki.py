"""Kroki's HTTP interface for diagram type `gradtrace`: GET with encoded source, POST JSON, POST text."""

from __future__ import annotations

import base64
import html
import re
import zlib

import pytest
from fastapi.testclient import TestClient

CODE = "a = torch.tensor(2.0, requires_grad=True)\nb = a * a\nb.backward()"
BROKEN = "y = open('notes.txt')"
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}


def kroki_encode(source: str) -> str:
    """What Kroki clients send (mkdocs-kroki-plugin's own recipe)."""
    return base64.urlsafe_b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii")


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_get_draws_what_the_image_url_draws(client: TestClient, fmt: str) -> None:
    kroki = client.get(f"/gradtrace/{fmt}/{kroki_encode(CODE)}")
    ours = client.get(f"/{fmt}/{kroki_encode(CODE)}")
    assert kroki.status_code == 200 and kroki.content.startswith(MAGIC[fmt])
    assert kroki.content == ours.content and kroki.headers["etag"] == ours.headers["etag"]  # one image path
    assert client.get(kroki.url, headers={"If-None-Match": kroki.headers["etag"]}).status_code == 304


def test_get_takes_the_image_options_as_query(client: TestClient) -> None:
    dark = client.get(f"/gradtrace/svg/{kroki_encode(CODE)}?theme=dark&direction=LR")
    assert dark.content == client.get(f"/svg/{kroki_encode(CODE)}?theme=dark&direction=LR").content
    assert dark.content != client.get(f"/gradtrace/svg/{kroki_encode(CODE)}").content


def test_post_json_to_the_root(client: TestClient) -> None:
    body = {"diagram_source": CODE, "diagram_type": "gradtrace", "output_format": "png"}
    answer = client.post("/", json={**body, "diagram_options": {"theme": "dark", "precision": 3, "grads": False}})
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    same = client.get(f"/png/{kroki_encode(CODE)}?theme=dark&precision=3&grads=false")
    assert answer.content == same.content


def test_post_text_and_json_to_the_typed_path(client: TestClient) -> None:
    text = client.post("/gradtrace/svg", content=CODE, headers={"Content-Type": "text/plain"})
    as_json = client.post("/gradtrace/svg", json={"diagram_source": CODE, "diagram_options": {}})
    assert text.status_code == as_json.status_code == 200
    assert text.content == as_json.content == client.get(f"/svg/{kroki_encode(CODE)}").content


def test_a_broken_snippet_is_an_error_picture(client: TestClient) -> None:
    answer = client.get(f"/gradtrace/png/{kroki_encode(BROKEN)}")
    assert answer.status_code == 403 and answer.content.startswith(b"\x89PNG")
    text = client.post("/gradtrace/svg", content=BROKEN)
    assert text.status_code == 403 and b"`open` is not available" in text.content and b"<svg" in text.content


@pytest.mark.parametrize(
    ("call", "status", "message"),
    [
        (lambda c: c.get(f"/plantuml/svg/{kroki_encode('A -> B')}"), 404, "only Kroki diagram type 'gradtrace'"),
        (lambda c: c.post("/", json={"diagram_source": "a", "diagram_type": "mermaid"}), 404, "not 'mermaid'"),
        (lambda c: c.post("/mermaid/svg", content="graph TD"), 404, "no such page"),
        (lambda c: c.get("/app/config.py"), 404, "no such page"),  # a GET of two segments is no Kroki call
        (lambda c: c.get(f"/gradtrace/jpeg/{kroki_encode(CODE)}"), 400, "not 'jpeg'"),
        (lambda c: c.get("/gradtrace/svg/%%%"), 400, "does not hold encoded source"),
        (lambda c: c.post("/", content="{not json"), 400, "not valid JSON"),
        (lambda c: c.post("/", json={"diagram_type": "gradtrace", "diagram_source": 3}), 400, "must be the PyTorch"),
        (
            lambda c: c.post(
                "/", json={"diagram_type": "gradtrace", "diagram_source": CODE, "diagram_options": {"x": 1}}
            ),
            400,
            "unknown diagram option 'x'",
        ),
    ],
)
def test_mistakes_answer_a_clear_4xx(client: TestClient, call: object, status: int, message: str) -> None:
    answer = call(client)  # type: ignore[operator]
    assert answer.status_code == status
    assert message in shown_text(answer.text)


def shown_text(svg: str) -> str:
    """The words an error picture shows, its wrapped lines joined again."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", svg)).split())


def test_other_routes_still_win(client: TestClient) -> None:
    assert client.get("/static/build/playground.js").status_code in (200, 404)  # the mount, not Kroki
    assert "Kroki" not in client.get("/static/build/playground.js").text
    assert client.post("/api/graph", json={"code": CODE}).status_code == 200
