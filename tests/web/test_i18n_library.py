"""The library surface's refusals, the limits and the pipeline's warnings and notes answer in the request's
language: one stable `code` per condition, the English text unchanged, the Chinese text in Chinese, and the code a
refusal suggests the same in both."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace import pipeline
from gradtrace.errors import GradtraceError
from gradtrace.i18n import render
from gradtrace.result import result_to_json

CJK = re.compile(r"[\u4e00-\u9fff]")


def answer(client: TestClient, code: str, lang: str) -> dict[str, Any]:
    response = client.post("/api/graph", json={"code": code, "options": {"lang": lang}})
    body: dict[str, Any] = response.json()
    return body


def error_in_both(client: TestClient, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    english, chinese = answer(client, code, "en")["error"], answer(client, code, "zh-CN")["error"]
    assert english["type"] == chinese["type"] and english["code"] == chinese["code"]
    assert english["line"] == chinese["line"]
    assert not CJK.search(english["message"]), english
    assert CJK.search(chinese["message"]), chinese
    return english, chinese


def quoted(message: str) -> list[str]:
    """What a message quotes as code (`os.getcwd`, `torch.randn`): the same in every language."""
    return re.findall(r"`[^`]+`", message)


@pytest.mark.parametrize(
    ("program", "code", "english_words", "kept"),
    [
        (
            "import os\nos.getcwd()",
            "forbidden.import",
            "gradtrace does not offer the module `os`",
            ["`os.getcwd`", "`os`"],
        ),
        (
            "from sklearn.datasets import make_moons\nX = make_moons(100)",
            "forbidden.import",
            "build the data with torch instead (torch.randn, torch.linspace, torch.randint)",
            ["`sklearn.datasets.make_moons`", "torch.randn", "torch.linspace", "torch.randint"],
        ),
        (
            "import numpy as np\nf = np.fft.fft([1.0, 2.0])",
            "forbidden.numpy",
            "gradtrace offers a small numpy subset",
            ["`np.fft`", "linspace", "random.seed/randn/rand"],
        ),
        (
            "import numpy as np\na = np.ndarray((2, 2))",
            "forbidden.numpy",
            "use np.zeros(shape) or np.array(data)",
            ["np.ndarray(...)", "np.zeros(shape)", "np.array(data)"],
        ),
        (
            "x = torch.ones(3, requires_grad=True)\ny = x.sigmod()",
            "forbidden.attribute",
            "did you mean `sigmoid`?",
            ["`x.sigmod`", "`sigmoid`"],
        ),
    ],
)
def test_a_refusal_answers_one_code_and_says_what_to_write_instead_in_each_language(
    client: TestClient, program: str, code: str, english_words: str, kept: list[str]
) -> None:
    english, chinese = error_in_both(client, program)
    assert english["code"] == code
    assert english_words in english["message"]
    assert quoted(english["message"]) == quoted(chinese["message"])
    for snippet in kept:  # the suggestion's code is kept as written
        assert snippet in english["message"] and snippet in chinese["message"], (snippet, chinese["message"])


@pytest.mark.parametrize(
    ("program", "code", "numbers"),
    [
        ("x = torch.zeros(100000, 100000)", "limit.tensor_elements", ["10000000000"]),
        ("import numpy as np\na = np.zeros((100000, 100000))", "limit.tensor_elements", ["10000000000"]),
        ("x = torch.FloatTensor(100000, 100000)", "limit.tensor_elements", ["10000000000"]),
    ],
)
def test_a_limit_answers_one_code_with_its_numbers_in_each_language(
    client: TestClient, program: str, code: str, numbers: list[str]
) -> None:
    english, chinese = error_in_both(client, program)
    assert english["type"] == "limit" and english["code"] == code
    assert "the limit is" in english["message"] and "上限" in chinese["message"]
    for number in numbers:
        assert number in english["message"] and number in chinese["message"]


def test_warnings_and_notes_are_in_the_requested_language(client: TestClient) -> None:
    # No backward() (the automatic-backward note), a non-scalar root, plots ignored, a long run folded.
    program = (
        "import matplotlib.pyplot as plt\nw = torch.ones(2, requires_grad=True)\nh = w\n"
        "for i in range(40):\n    h = torch.sin(h)\nplt.plot([1, 2])"
    )
    english, chinese = answer(client, program, "en")["warnings"], answer(client, program, "zh-CN")["warnings"]
    assert len(english) == len(chinese) == 4
    assert any("never calls backward(), so gradtrace back-propagated from `h`" in w for w in english)
    assert any("plots are not drawn" in w for w in english)
    assert any("drawn as one box" in w and "collapse_runs=false" in w for w in english)
    assert not any(CJK.search(w) for w in english)
    assert all(CJK.search(w) for w in chinese), chinese
    backward = next(w for w in chinese if "backward()" in w and "`h`" in w)
    assert "反向传播" in backward  # the glossary's term
    folded = next(w for w in chinese if "collapse_runs=false" in w)
    assert "折叠长序列" in folded  # the playground's own label for the switch, in Chinese
    assert "h.backward(torch.ones_like(h))" in " ".join(chinese)


def test_an_input_warning_and_an_input_error_follow_the_language(client: TestClient) -> None:
    body = {"code": "y = (x * 2).sum()\ny.backward()", "inputs": {"x": [1.0, 2.0], "z": 3}}
    chinese = client.post("/api/graph", json={**body, "options": {"lang": "zh-CN"}}).json()
    assert any("`z`" in w and CJK.search(w) for w in chinese["warnings"]), chinese["warnings"]
    ragged = {"code": "y = x.sum()", "inputs": {"x": [[1.0], [2.0, 3.0]]}, "options": {"lang": "zh-CN"}}
    error = client.post("/api/graph", json=ragged).json()["error"]
    assert error["code"] == "request.input_value" and CJK.search(error["message"])


def test_gradient_check_notes_are_in_the_requested_language() -> None:
    source = "x = torch.ones(2, requires_grad=True)\nx.register_hook(lambda g: g * 2)\n(x * 3).sum().backward()"
    result = pipeline.run(source)
    english = result_to_json(result, "en")["graphs"][0]["gradcheck"]["x"]["note"]
    chinese = result_to_json(result, "zh-CN")["graphs"][0]["gradcheck"]["x"]["note"]
    assert english.startswith("not checked: the program registered gradient hooks (register_hook)")
    assert chinese.startswith("未检验：") and "register_hook" in chinese


def test_messages_cross_the_worker_pipe_untranslated() -> None:
    """Errors and results are pickled to the web process and cached: they keep their Messages, so one answer can
    be shown in either language."""
    with pytest.raises(GradtraceError) as caught:
        pipeline.run("import os\nos.listdir('.')")
    error = pickle.loads(pickle.dumps(caught.value))
    assert error.code == "forbidden.import"
    assert error.display_message("en") == caught.value.display_message("en")
    assert CJK.search(error.display_message("zh-CN"))
    result = pickle.loads(pickle.dumps(pipeline.run("w = torch.ones(2, requires_grad=True)\nh = w * 2")))
    assert all(CJK.search(render(w, "zh-CN")) for w in result.warnings)
