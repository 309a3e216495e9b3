"""The course corpus (tests/programs/course/): each program runs exactly as real PyTorch runs it, or is a known refusal.

KNOWN_REFUSALS and KNOWN_MISNAMED in tests/course_corpus.py are ratchets: a listed program that
now runs fails here until its line is removed, so the lists only shrink. A wrong number never passes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.course_corpus import KNOWN_MISNAMED, KNOWN_REFUSALS, PROGRAMS, SLOW, classify, reference_answers

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
