"""Every attack through the real HTTP app and worker pool: the exact answer, and no side effect."""

from __future__ import annotations

import json
import re

import httpx2 as httpx  # the client TestClient returns responses of
import pytest
from fastapi.testclient import TestClient
from gradtrace.errors import HTTP_STATUS

from tests.security import attacks
from tests.security.conftest import CANARY, Watch

TABLES = {
    "escape": attacks.ESCAPE,
    "files": attacks.FILES_AND_NETWORK,
    "state": attacks.STATE,
    "exhaustion": attacks.EXHAUSTION,
    "odd": attacks.ODD_RESULTS,
    "classes": attacks.CLASSES,
}
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^[a-z]+(\.[a-z0-9_]+)+$")
CASES = [
    pytest.param(code, kind, id=f"{table}-{name}") for table, cases in TABLES.items() for name, code, kind in cases
]


def assert_answer(response: httpx.Response, kind: str, chinese: bool = False) -> dict[str, object]:
    """The status and error type `kind` asks for (200 for "ok"), a JSON body, and no secret in it; an error names
    a stable code of its kind (`forbidden.attribute`) and, when asked in Chinese, says it in Chinese."""
    assert CANARY not in response.text
    body = json.loads(response.text)  # strict: NaN or a bad escape would fail here
    if kind == "ok":
        assert response.status_code == 200, body
        return dict(body)
    assert response.status_code == HTTP_STATUS[kind], body
    error = body["error"]
    assert error["type"] == kind, error
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"]
    assert CODE.match(error["code"]) and error["code"].split(".")[0] == kind, error
    if chinese:
        assert CJK.search(error["message"]), error
    return dict(error)


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_attack_answers_exactly_and_touches_nothing(app_client: TestClient, watch: Watch, code: str, kind: str) -> None:
    # Asked in Chinese: the refusal's kind, status and code do not depend on the language, its words do.
    response = app_client.post("/api/graph", json={"code": watch.fill(code), "options": {"lang": "zh-CN"}})
    assert_answer(response, kind, chinese=True)
    watch.assert_untouched()


ENGLISH_CASES = [pytest.param(code, kind, id=name) for name, code, kind in attacks.ESCAPE if kind != "ok"]


@pytest.mark.parametrize(("code", "kind"), ENGLISH_CASES)
def test_escape_answers_the_same_code_in_english(app_client: TestClient, watch: Watch, code: str, kind: str) -> None:
    english = assert_answer(app_client.post("/api/graph", json={"code": watch.fill(code)}), kind)
    chinese = app_client.post("/api/graph", json={"code": watch.fill(code), "options": {"lang": "zh-CN"}})
    assert english["code"] == assert_answer(chinese, kind, chinese=True)["code"]
    assert not CJK.search(str(english["message"])) or CJK.search(code)  # English, unless it quotes the program
    watch.assert_untouched()


IMAGE_CASES = [
    pytest.param(code, kind, id=name)
    for name, code, kind in attacks.ESCAPE[:20] + attacks.FILES_AND_NETWORK[:10] + attacks.EXHAUSTION[:10]
    if kind != "ok"  # offered now (torch.autograd, torch.utils.data): a drawing, not an error picture
]


@pytest.mark.parametrize(("code", "kind"), IMAGE_CASES)
def test_image_endpoint_answers_an_error_picture(app_client: TestClient, watch: Watch, code: str, kind: str) -> None:
    response = app_client.get("/graph.svg", params={"code": watch.fill(code)})
    assert response.status_code == HTTP_STATUS[kind]
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert f"gradtrace: {kind} error" in response.text
    assert CANARY not in response.text
    watch.assert_untouched()


def test_canary_is_in_the_workers_environment_but_unreachable(app_client: TestClient) -> None:
    # The canary is really there to leak: the workers inherited it from this process.
    import os

    assert os.environ["GRADTRACE_CANARY"] == CANARY
    for code in ("import os\nprint(os.environ)", "print(torch.os.environ)", "print(GRADTRACE_CANARY)"):
        response = app_client.post("/api/graph", json={"code": code})
        assert CANARY not in response.text
        assert response.status_code in (200, 403)  # a free name is an input: 1.0
