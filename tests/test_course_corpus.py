"""The course corpus (tests/programs/course/): each program runs exactly as real PyTorch runs it, or is a known refusal.

KNOWN_REFUSALS and KNOWN_MISNAMED in tests/course_corpus.py are ratchets: a listed program that
now runs fails here until its line is removed, so the lists only shrink. A wrong number never passes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.course_corpus import (
    KNOWN_MISNAMED,
    KNOWN_REFUSALS,
    PROGRAMS,
    SLOW,
    classify,
    reference_answers,
    refusal_cause,
)

Reference = Callable[[Path], dict[str, Any]]


@pytest.fixture(scope="module")
def reference() -> Reference:
    """Real PyTorch's answers, one subprocess per group (fast, slow) run when a test of it first asks."""
    answers: dict[str, dict[str, Any]] = {}

    def answer(path: Path) -> dict[str, Any]:
        if str(path) not in answers:
            group = [p for p in PROGRAMS if (p.stem in SLOW) == (path.stem in SLOW)]
            answers.update(reference_answers(group))
        return answers[str(path)]

    return answer


def corpus_params() -> list[Any]:
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem in SLOW else []) for p in PROGRAMS]


@pytest.mark.parametrize("path", corpus_params())
def test_program_runs_as_real_pytorch_or_is_a_known_refusal(path: Path, reference: Reference) -> None:
    outcome = classify(path, reference(path))
    if outcome.status == "match":
        assert path.stem not in KNOWN_REFUSALS, f"{path.stem} now runs: remove it from KNOWN_REFUSALS"
        assert path.stem not in KNOWN_MISNAMED, f"{path.stem} now names its leaves: remove it from KNOWN_MISNAMED"
    elif outcome.status == "refused":
        assert path.stem in KNOWN_REFUSALS, f"{path.stem} is refused ({outcome.detail}); it ran before"
    elif outcome.status == "misnamed":
        assert path.stem in KNOWN_MISNAMED, f"{path.stem}: {outcome.detail}"
        assert path.stem not in KNOWN_REFUSALS, f"{path.stem} now runs: remove it from KNOWN_REFUSALS"
    else:  # mismatch, error, reference_failed
        pytest.fail(f"{path.stem}: {outcome.status}: {outcome.detail}")


def test_the_corpus_is_what_issue_10_asks_for() -> None:
    """At least 70 programs from at least 12 sources, each opening with a comment naming its source."""
    first_lines = [p.read_text(encoding="utf-8").splitlines()[0] for p in PROGRAMS]
    assert len(PROGRAMS) >= 70
    assert all(line.startswith("# Source: ") and " — " in line for line in first_lines)
    sources = {line.removeprefix("# Source: ").split(" — ")[0] for line in first_lines}
    listed = (PROGRAMS[0].parent / "SOURCES.md").read_text(encoding="utf-8")
    assert all(p.name in listed for p in PROGRAMS), "every program is listed in SOURCES.md"
    assert all(source in listed for source in sources), "every source is described in SOURCES.md"
    assert len(sources) >= 12


def test_every_listed_program_exists() -> None:
    stems = {p.stem for p in PROGRAMS}
    assert set(KNOWN_REFUSALS) <= stems
    assert set(KNOWN_MISNAMED) <= stems
    assert stems >= SLOW


SMALL_PROGRAM = """\
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
y = (w * x * x).sum()
y.backward()
print(y)
"""


@pytest.fixture(scope="module")
def small_answer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("corpus") / "small.py"
    path.write_text(SMALL_PROGRAM)
    return path, reference_answers([path])[str(path)]


def test_the_reference_records_names_graphs_and_values(small_answer: tuple[Path, dict[str, Any]]) -> None:
    _, answer = small_answer
    assert answer["stdout"] == "tensor(15., grad_fn=<SumBackward0>)\n"
    assert answer["variables"]["x"]["grad"] == [6.0, 12.0]
    [graph] = answer["graphs"]
    assert sorted(leaf["names"][0] for leaf in graph["leaves"]) == ["w", "x"]
    assert "MulBackward0" in graph["ops"]


def swap_leaf_names(answer: dict[str, Any]) -> None:
    """As if `x` had held `w` and `w` had held `x`: gradtrace's drawn names then name the wrong tensors."""
    first, second = answer["graphs"][0]["leaves"]
    first["names"], second["names"] = second["names"], first["names"]


@pytest.mark.parametrize(
    ("tamper", "status", "detail"),
    [
        (lambda a: a, "match", ""),
        (lambda a: a["variables"]["x"].update(grad=[6.0, 12.5]), "mismatch", "variable x: grad differs"),
        (lambda a: a["variables"]["w"].update(value=3.5), "mismatch", "variable w: value differs"),
        (lambda a: a.update(stdout="tensor(15.)\n"), "mismatch", "stdout: line 1"),
        (lambda a: a["graphs"][0]["ops"].append("ExpBackward0"), "mismatch", "grad_fn differ"),
        (lambda a: a["graphs"].append(a["graphs"][0]), "mismatch", "neither drawn nor reported"),
        (swap_leaf_names, "misnamed", "a name that held another tensor"),
        (lambda a: a.update(error="NameError: yy"), "reference_failed", "NameError"),
    ],
)
def test_classify_tells_each_difference_apart(
    small_answer: tuple[Path, dict[str, Any]], tamper: Callable[[dict[str, Any]], object], status: str, detail: str
) -> None:
    path, answer = small_answer
    expected = json.loads(json.dumps(answer))
    tamper(expected)
    outcome = classify(path, expected)
    assert (outcome.status, detail in outcome.detail) == (status, True), outcome.detail


def test_a_refusal_keeps_its_kind_and_message(tmp_path: Path) -> None:
    path = tmp_path / "refused.py"
    path.write_text("f = open('secrets.txt')\n")
    outcome = classify(path, {"stdout": "", "graphs": [], "variables": {}})
    assert outcome.status == "refused"
    assert outcome.detail.startswith("forbidden: line 1:") and "`open`" in outcome.detail
    assert refusal_cause(outcome.detail) == "forbidden: `open`"


@pytest.mark.parametrize(
    ("detail", "cause"),
    [
        ("forbidden: line 12: `it.finished` is not available here", "forbidden: `.finished`"),
        ("forbidden: line 3: `np.nditer` is not available here", "forbidden: `np.nditer`"),
        ("runtime: line 29: TypeError: 'Sequential' object does not support item assignment", "runtime: TypeError"),
        ("limit: the graph has more than 5000 autograd nodes", "limit: the graph has more than 5000 autograd nodes"),
    ],
)
def test_refusals_are_grouped_by_the_construct_they_name(detail: str, cause: str) -> None:
    assert refusal_cause(detail) == cause
