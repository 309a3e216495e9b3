"""The service speaks the request's language: `lang` (JSON options, image URLs) wins over Accept-Language, English
when neither says; every error answers a stable `code` beside its `type`, whatever the language."""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Limits, Settings
from gradtrace.i18n import Message, parse_language
from gradtrace.web.connection_guard import refusal
from gradtrace.web.factory import create_app
from gradtrace.web.source_encoding import encode_source
from gradtrace.worker import WorkerPool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS

CJK = re.compile(r"[\u4e00-\u9fff]")
FORBIDDEN = "x = 1\nimport os\nos.getcwd()"
TUTORIAL = "x = torch.ones(2, 2, requires_grad=True)\ny = x + 2\nout = (y * y * 3).mean()\nout.backward()"


def graph_error(client: TestClient, code: str, lang: str | None = None, accept: str | None = None) -> dict[str, Any]:
    options = {} if lang is None else {"lang": lang}
    headers = {} if accept is None else {"Accept-Language": accept}
    response = client.post("/api/graph", json={"code": code, "options": options}, headers=headers)
    assert response.status_code >= 400, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def code_spans(message: str) -> list[str]:
    """The `code` a message quotes (a refusal's suggestion): the same in every language."""
    return re.findall(r"`[^`]+`", message)


def test_the_same_forbidden_program_answers_one_code_in_each_language(client: TestClient) -> None:
    english = graph_error(client, FORBIDDEN)
    chinese = graph_error(client, FORBIDDEN, lang="zh-CN")
    assert english["type"] == chinese["type"] == "forbidden"
    assert english["code"] == chinese["code"] and english["code"].startswith("forbidden.")
    assert english["line"] == chinese["line"] == 3
    assert not CJK.search(english["message"]) and english["message"].startswith("line 3:")
    assert CJK.search(chinese["message"]) and chinese["message"].startswith("第 3 行：")
    assert code_spans(english["message"]) == code_spans(chinese["message"])


@pytest.mark.parametrize(
    ("lang", "accept", "chinese"),
    [
        (None, None, False),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", True),
        (None, "en-US,en;q=0.9,zh-CN;q=0.8", False),
        (None, "fr-FR, zh;q=0.5", True),
        ("zh-CN", None, True),
        ("zh", None, True),
        ("zh_CN", None, True),
        ("zh-Hans", None, True),
        ("en-US", "zh-CN", False),  # lang wins over the header
        ("zh-CN", "en", True),
    ],
)
def test_lang_and_accept_language_choose_the_language(
    client: TestClient, lang: str | None, accept: str | None, chinese: bool
) -> None:
    error = graph_error(client, FORBIDDEN, lang=lang, accept=accept)
    assert bool(CJK.search(error["message"])) is chinese, error
    assert error["code"].startswith("forbidden.")


def test_an_unsupported_lang_is_a_clear_request_error(client: TestClient) -> None:
    for body in ({"code": "y = 1", "options": {"lang": "fr"}},):
        response = client.post("/api/graph", json=body, headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["type"], error["code"]) == ("request", "request.lang")
        # Said in the header's language, naming what to write instead.
        assert CJK.search(error["message"]) and "lang=en" in error["message"] and "lang=zh-CN" in error["message"]
    picture = client.get(f"/svg/{encode_source('y = 1')}", params={"lang": "klingon"})
    assert picture.status_code == 400 and picture.headers["content-type"].startswith("image/svg+xml")
    assert "lang=zh-CN" in picture.text and "klingon" in picture.text


def test_validation_errors_have_a_code_and_a_translated_framing(client: TestClient) -> None:
    english = client.post("/api/graph", json={"code": 123}).json()["error"]
    chinese = client.post("/api/graph", json={"code": 123}, headers={"Accept-Language": "zh"}).json()["error"]
    assert english["code"] == chinese["code"] == "request.invalid"
    assert english["message"].startswith("the request is not valid: code:")
    assert CJK.search(chinese["message"]) and "code:" in chinese["message"]


def test_image_url_with_lang_draws_and_errors_in_chinese(client: TestClient) -> None:
    broken = client.get(f"/svg/{encode_source(FORBIDDEN)}", params={"lang": "zh-CN"})
    assert broken.status_code == 403 and CJK.search(broken.text)
    assert "gradtrace: forbidden error" not in broken.text
    assert "<title>gradtrace：不允许的代码</title>" in broken.text  # what a screen reader says, in the language
    english = client.get(f"/svg/{encode_source(FORBIDDEN)}")
    assert english.status_code == 403 and not CJK.search(english.text)
    assert "gradtrace: forbidden error" in english.text
    png = client.get(f"/png/{encode_source(FORBIDDEN)}", params={"lang": "zh-CN"})
    assert png.status_code == 403 and png.content.startswith(b"\x89PNG")


def test_images_differ_per_language_in_etag_and_vary(client: TestClient) -> None:
    url = f"/svg/{encode_source(TUTORIAL)}"
    plain = client.get(url)
    chinese = client.get(url, params={"lang": "zh-CN"})
    by_header = client.get(url, headers={"Accept-Language": "zh-CN"})
    assert plain.status_code == chinese.status_code == by_header.status_code == 200
    # The URL without lang answers by the header: shared caches must keep one copy per language.
    assert plain.headers["vary"] == by_header.headers["vary"] == "Accept-Language"
    assert "vary" not in chinese.headers  # lang in the URL: the same bytes for everyone
    assert "out 的计算图" in chinese.text and "Autograd graph of out" in plain.text  # the drawing's own words
    empty = client.get(url, params={"lang": ""}, headers={"Accept-Language": "zh-CN"})  # lang= names nothing
    assert empty.headers["vary"] == "Accept-Language" and empty.headers["etag"] == chinese.headers["etag"]
    assert plain.headers["etag"] != chinese.headers["etag"] == by_header.headers["etag"]
    # A 304 is only for the language the tag was drawn in.
    again = client.get(url, headers={"If-None-Match": chinese.headers["etag"], "Accept-Language": "zh-CN"})
    assert again.status_code == 304
    other = client.get(url, headers={"If-None-Match": chinese.headers["etag"], "Accept-Language": "en"})
    assert other.status_code == 200


def test_snippets_keep_one_id_in_every_language(client: TestClient) -> None:
    english = client.post("/api/snippets", json={"code": TUTORIAL})
    chinese = client.post("/api/snippets", json={"code": TUTORIAL, "options": {"lang": "zh-CN"}})
    assert english.status_code in (200, 201) and chinese.status_code == 200
    assert english.json()["id"] == chinese.json()["id"]
    assert english.json()["urls"]["svg"].endswith(".svg")
    assert chinese.json()["urls"]["svg"].endswith(".svg?lang=zh-CN")
    assert chinese.json()["urls"]["svg_dark"].endswith("?lang=zh-CN&theme=dark")
    assert CJK.search(chinese.json()["embed"]["html"]) and not CJK.search(english.json()["embed"]["html"])
    stored = client.get(f"/api/snippets/{english.json()['id']}").json()
    assert "lang" not in stored["options"]
    missing = client.get("/s/0000000000000000.svg", params={"lang": "zh-CN"})
    assert missing.status_code == 404 and CJK.search(missing.text)


ERROR_KINDS = [
    ("syntax", {"code": "x = (1"}),
    ("forbidden", {"code": FORBIDDEN}),
    ("limit", {"code": "while True:\n    pass"}),
    ("runtime", {"code": "a = torch.ones(2)\nb = torch.ones(3)\nc = a + b"}),
    ("request", {"code": "y = x * 2", "inputs": {"x": "abc"}}),
    ("request", {"code": "y = 1", "options": {"theme": "pink"}}),
]


@pytest.mark.parametrize(("kind", "body"), ERROR_KINDS, ids=[f"{kind}-{n}" for n, (kind, _) in enumerate(ERROR_KINDS)])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_error_kind_has_a_code_in_both_languages(
    client: TestClient, kind: str, body: dict[str, Any], lang: str
) -> None:
    response = client.post("/api/graph", json=body, headers={"Accept-Language": lang})
    error = response.json()["error"]
    assert error["type"] == kind
    assert re.fullmatch(rf"{kind}\.[a-z0-9_.]+", error["code"]), error
    assert bool(CJK.search(error["message"])) is (lang == "zh-CN"), error


def test_timeout_has_a_code_in_the_language() -> None:
    pool = WorkerPool(Limits(timeout_seconds=1.0), size=1)
    pool.start()
    try:
        with TestClient(create_app(Settings(limits=pool.limits, **NO_RATE_LIMITS), pool=pool)) as client:
            error = graph_error(client, "a = torch.ones(4000000)\nwhile True:\n    a.add_(1)\n", lang="zh-CN")
    finally:
        pool.close()
    assert (error["type"], error["code"]) == ("timeout", "timeout.program")
    assert CJK.search(error["message"]) and "1 s" in error["message"]


def test_too_many_requests_answer_a_code_in_the_language(pool: WorkerPool) -> None:
    settings = Settings(limits=TEST_LIMITS, client_rate_limit="1/minute")
    with TestClient(create_app(settings, pool=pool), raise_server_exceptions=False) as client:
        client.post("/api/graph", json={"code": "y = 1"})
        english = client.post("/api/graph", json={"code": "y = 1"})
        chinese = client.post("/api/graph", json={"code": "y = 1", "options": {"lang": "zh-CN"}})
    assert english.status_code == chinese.status_code == 429
    assert english.headers["retry-after"] and chinese.headers["retry-after"]
    assert english.json()["error"]["code"] == chinese.json()["error"]["code"] == "limit.rate"
    assert not CJK.search(english.json()["error"]["message"]) and CJK.search(chinese.json()["error"]["message"])


def test_unknown_pages_answer_a_code_in_the_language(client: TestClient) -> None:
    response = client.get("/api/nothing-here", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "request.not_found" and CJK.search(error["message"])


def test_warnings_and_partial_answers_speak_the_language(client: TestClient) -> None:
    # `x` is never assigned: a warning says it became an input (a Message the worker renders as it encodes JSON).
    code = "y = (x * 2).sum()\ny.backward()"
    english = client.post("/api/graph", json={"code": code}).json()["warnings"]
    chinese = client.post("/api/graph", json={"code": code, "options": {"lang": "zh-CN"}}).json()["warnings"]
    assert len(english) == len(chinese) >= 1
    assert not any(CJK.search(text) for text in english) and all(CJK.search(text) for text in chinese)
    assert all("`x`" in text for text in (english[0], chinese[0]))
    # A runtime error's `partial` answer carries its warnings in the error's language.
    failing = "w = torch.ones(2, requires_grad=True)\nloss = (w * v).sum()\nbad = torch.ones(2) + torch.ones(3)"
    body = client.post("/api/graph", json={"code": failing}, headers={"Accept-Language": "zh-CN"}).json()
    assert CJK.search(body["error"]["message"]) and body["partial"]["warnings"]
    assert all(CJK.search(text) for text in body["partial"]["warnings"])


def test_size_refusals_speak_the_language_they_can_read(client: TestClient) -> None:
    too_long = client.get("/api/graph", params={"pad": "x" * 20_000}, headers={"Accept-Language": "zh-CN"})
    assert too_long.status_code == 414 and too_long.json()["error"]["code"] == "limit.url_length"
    assert CJK.search(too_long.json()["error"]["message"])
    too_big = client.post("/api/graph?lang=zh-CN", content=b"x" * 1_000_000, headers={"content-type": "text/plain"})
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "limit.body_size"
    assert CJK.search(too_big.json()["error"]["message"])
    # Refused by the server's protocol before the app: the head as far as it arrived names the language.
    head = b"GET /svg/abc?lang=zh-CN HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nX-Pad: " + b"y" * 100
    answer = refusal(431, Message("the request's headers are larger than {limit} bytes", limit=64), head)
    assert answer.startswith(b"HTTP/1.1 431 ") and b"image/svg+xml" in answer
    assert CJK.search(answer.decode()) and "64" in answer.decode()
    english = refusal(408, Message("the request's headers did not arrive within {seconds} s", seconds="5"), b"GET /a")
    assert b'"code": "timeout.headers"' in english and not CJK.search(english.decode())


def test_a_body_that_fails_validation_still_answers_in_its_options_lang(client: TestClient) -> None:
    body = {"code": "y = 1", "options": {"lang": "zh-CN", "theme": "pink"}}
    error = client.post("/api/graph", json=body, headers={"Accept-Language": "en"}).json()["error"]
    assert error["code"] == "request.invalid" and error["message"].startswith("请求无效：")


def test_kroki_diagram_options_take_lang(client: TestClient) -> None:
    body = {"diagram_source": FORBIDDEN, "diagram_type": "gradtrace", "diagram_options": {"lang": "zh-CN"}}
    picture = client.post("/", json=body)
    assert picture.status_code == 403 and CJK.search(picture.text)
    drawn = client.post("/gradtrace/svg?lang=zh-CN", content=TUTORIAL, headers={"content-type": "text/plain"})
    assert drawn.status_code == 200 and "out 的计算图" in drawn.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=st.text(max_size=40), accept=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_any_lang_or_header_answers_a_language_or_a_clear_400(client: TestClient, lang: str, accept: str) -> None:
    response = client.post(
        "/api/graph", json={"code": "y = (", "options": {"lang": lang}}, headers={"Accept-Language": accept}
    )
    error = response.json()["error"]
    if lang and parse_language(lang) is None:
        assert (response.status_code, error["code"]) == (400, "request.lang")
        assert "lang=zh-CN" in error["message"]
    else:
        assert (response.status_code, error["code"]) == (400, "syntax.invalid")


def test_answers_name_the_language_they_are_written_in(client: TestClient) -> None:
    """Content-Language says which language an answer's words are in: the drawing's, the error's, the refusal's."""
    chinese_json = client.post("/api/graph", json={"code": TUTORIAL, "options": {"lang": "zh-CN"}})
    english_json = client.post("/api/graph", json={"code": TUTORIAL}, headers={"Accept-Language": "en"})
    assert chinese_json.status_code == english_json.status_code == 200
    assert (chinese_json.headers["content-language"], english_json.headers["content-language"]) == ("zh-CN", "en")
    by_header = client.post("/api/graph", json={"code": FORBIDDEN}, headers={"Accept-Language": "zh"})
    assert by_header.status_code == 403 and by_header.headers["content-language"] == "zh-CN"
    invalid = client.post("/api/graph", json={"code": "y = 1", "options": {"lang": "zh-CN", "theme": "pink"}})
    assert invalid.status_code == 400 and invalid.headers["content-language"] == "zh-CN"
    url = f"/svg/{encode_source(TUTORIAL)}"
    assert client.get(url, params={"lang": "zh-CN"}).headers["content-language"] == "zh-CN"
    assert client.get(url, headers={"Accept-Language": "zh-CN"}).headers["content-language"] == "zh-CN"
    assert client.get(url).headers["content-language"] == "en"
    broken = client.get(f"/png/{encode_source(FORBIDDEN)}", params={"lang": "zh-CN"})
    assert broken.status_code == 403 and broken.headers["content-language"] == "zh-CN"
    snippet = client.post("/api/snippets", json={"code": TUTORIAL, "options": {"lang": "zh-CN"}})
    assert snippet.headers["content-language"] == "zh-CN"
    too_long = client.get("/api/graph", params={"pad": "x" * 20_000}, headers={"Accept-Language": "zh-CN"})
    assert too_long.status_code == 414 and too_long.headers["content-language"] == "zh-CN"
    head = b"GET /api/graph?lang=zh-CN HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"y" * 100
    refused = refusal(431, Message("the request's headers are larger than {limit} bytes", limit=64), head)
    assert b"\r\ncontent-language: zh-CN\r\n" in refused.partition(b"\r\n\r\n")[0] + b"\r\n"


def test_error_pictures_break_chinese_lines_beside_chinese_never_inside_a_code_name(client: TestClient) -> None:
    """A Chinese message has no spaces: its picture breaks lines beside a Chinese character, so a code name in it
    (`random.seed/randn/rand`) stays whole, and no line starts with closing punctuation."""
    code = "import numpy as np\na = np.fft.fft([1, 2])"
    picture = client.get(f"/svg/{encode_source(code)}", params={"lang": "zh-CN"})
    assert picture.status_code == 403
    rows = [html.unescape(row) for row in re.findall(r'fill="#7f1d1d">([^<]*)</text>', picture.text)]
    assert len(rows) >= 2 and "random.seed/randn/rand" in "\n".join(rows)
    for line, following in itertools.pairwise(rows):
        assert not (re.search(r"[A-Za-z0-9_./]$", line) and re.match(r"[A-Za-z0-9_./]", following)), (line, following)
        assert following[0] not in "，。、；：）", following
    message = graph_error(client, code, lang="zh-CN")["message"]
    assert "".join(rows).replace(" ", "") == message.replace(" ", "")  # every character shown, none doubled


def test_a_partial_answer_does_not_say_the_code_never_calls_the_backward_that_failed(client: TestClient) -> None:
    """The program's own backward() failed: the partial answer's automatic graph says no backward() call finished
    before the failing line, not that the code never calls one (it does: that is the line that failed)."""
    code = "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward()"
    said_in = {"en": "no backward() call finished before the line that failed", "zh-CN": "出错的那一行之前"}
    for lang, said in said_in.items():
        response = client.post("/api/graph", json={"code": code, "options": {"lang": lang}})
        assert response.status_code == 422 and response.json()["error"]["line"] == 3
        warnings = response.json()["partial"]["warnings"]
        assert any(said in text and "`y`" in text for text in warnings), warnings
        assert not any("never calls backward()" in text or "没有调用 backward()" in text for text in warnings)
    # A program that never calls backward() still hears that it does not.
    ran = client.post("/api/graph", json={"code": "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()"})
    assert any("never calls backward()" in text for text in ran.json()["warnings"])
