"""The course corpus: real teaching programs, run by real PyTorch and by gradtrace, and classified.

Each program in tests/programs/course/ is a rewrite of code from a public course or book
(SOURCES.md there lists them). Real Python + PyTorch runs it in a subprocess (the reference);
gradtrace's `pipeline.run` runs it in this process; the two answers are compared as the oracle
tests compare them (printed text, named tensors' values and gradients, the grad_fn multiset of each
drawn backward() call) plus the names a learner reads on the leaves. The outcome is one of:

- match: gradtrace reports exactly what PyTorch reports;
- refused: gradtrace raised a GradtraceError (its kind and message are kept);
- misnamed: every number agrees, but a leaf is not drawn under the variable that holds it;
- mismatch: a different number, text or graph: a bug, never acceptable;
- error: gradtrace raised something other than a GradtraceError (a 500): a bug;
- reference_failed: real PyTorch could not run the program: a bug of the corpus.

Both sides start from seed 0 in torch, `random` and `numpy.random`. Plots are not compared: the
reference gives the program a matplotlib whose every call does nothing.

    python -m tests.course_corpus [--markdown FILE] [PROGRAM ...]   # the table of outcomes
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError
from gradtrace.result import result_to_json

from tests.course_reference import ADDRESS
from tests.test_oracle import same_numbers

ROOT = Path(__file__).resolve().parents[1]
COURSE_DIR = ROOT / "tests" / "programs" / "course"
PROGRAMS = sorted(COURSE_DIR.glob("[0-9]*.py"))

# Programs gradtrace refuses today, each with why. A listed program that now runs fails the test
# until it is removed here: this list only shrinks.
KNOWN_REFUSALS: dict[str, str] = {}

# Programs whose numbers all agree but whose leaves are drawn under other names than the
# variables holding them (issue 10, "Names and display"). Same ratchet.
KNOWN_MISNAMED: dict[str, str] = {}

# Programs that take long through gradtrace in-process (published training sizes): marked slow.
SLOW: frozenset[str] = frozenset(
    {
        "04_pytorch_tutorials_lpwe_tensors",
        "05_pytorch_tutorials_lpwe_autograd",  # 2,000 steps
        "06_pytorch_tutorials_lpwe_legendre_function",
        "07_pytorch_tutorials_lpwe_nn",
        "08_pytorch_tutorials_lpwe_optim",
        "09_pytorch_tutorials_lpwe_custom_module",
        "10_pytorch_tutorials_lpwe_dynamic_net",  # 30,000 steps
        "11_pytorch_tutorials_two_layer_myrelu",
        "39_pytorch_handbook_linear_regression_numpy",  # 3,000 epochs
        "45_nn_zero_to_hero_makemore_mlp",
        "46_nn_zero_to_hero_makemore_batchnorm_layers",
        "53_dlwpt_ch5_manual_gradient",  # 5,000 epochs
        "54_dlwpt_ch5_autograd",
        "55_dlwpt_ch5_optimizers",
        "56_dlwpt_ch5_validation_split",
        "57_dlwpt_ch6_nn_sequential",
        "64_zero_to_mastery_workflow_linear_v2",  # 1,000 epochs
        "65_zero_to_mastery_classification_circles",
    }
)


@dataclass(frozen=True)
class Outcome:
    """How one program fared."""

    program: str
    status: str  # match | refused | misnamed | mismatch | error | reference_failed
    detail: str = ""  # the refusal's kind and message, or what differed
    seconds: float = 0.0  # gradtrace's in-process run


def reference_answers(paths: list[Path], timeout: float = 900) -> dict[str, Any]:
    """Run the programs under real Python + PyTorch in one subprocess (imports torch once)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "reference.json"
        done = subprocess.run(
            [sys.executable, "-m", "tests.course_reference", str(out), *map(str, paths)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:  # each program's own error is in the report; this is the runner's
            raise RuntimeError(f"the reference runner failed:\n{done.stderr[-3000:]}")
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def classify(path: Path, expected: dict[str, Any]) -> Outcome:
    """Run one program through gradtrace and compare it with the reference answer."""
    name = path.name
    if "error" in expected:
        return Outcome(name, "reference_failed", expected["error"])
    started = time.perf_counter()
    try:
        with one_thread():
            got = result_to_json(pipeline.run(path.read_text(encoding="utf-8"), limits=LISTING_LIMITS))
    except GradtraceError as exc:
        return Outcome(name, "refused", f"{exc.kind}: {exc.display_message()}", time.perf_counter() - started)
    except Exception as exc:  # anything else would be a 500 for a user: report it as such
        return Outcome(name, "error", f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    seconds = time.perf_counter() - started
    difference = first_difference(got, expected)
    if difference:
        return Outcome(name, "mismatch", difference, seconds)
    misnamed = leaf_name_difference(got, expected)
    if misnamed:
        return Outcome(name, "misnamed", misnamed, seconds)
    return Outcome(name, "match", "", seconds)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run as gradtrace's workers do (one torch thread), as the reference does."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# The default limits, except that every value is listed in full, so that every number is compared.
LISTING_LIMITS = Limits(json_value_elements=10**9, max_listed_elements=10**10)
# A program running longer in-process than a worker allows would time out in the service.
WORKER_TIMEOUT = Limits().timeout_seconds


def first_difference(got: dict[str, Any], expected: dict[str, Any]) -> str:
    """What differs first between gradtrace's answer and PyTorch's, or '' when nothing does."""
    ours_out, theirs_out = ADDRESS.sub(" at 0x", got["stdout"]), ADDRESS.sub(" at 0x", expected["stdout"])
    if ours_out != theirs_out:
        return "stdout: " + _first_line_difference(ours_out, theirs_out)
    if set(got["variables"]) != set(expected["variables"]):
        missing = sorted(set(expected["variables"]) - set(got["variables"]))
        extra = sorted(set(got["variables"]) - set(expected["variables"]))
        return f"variables: missing {missing[:5]}, extra {extra[:5]}"
    for var, theirs in expected["variables"].items():
        ours = got["variables"][var]
        for key in ("shape", "dtype", "requires_grad", "is_leaf"):
            if ours[key] != theirs[key]:
                return f"variable {var}: {key} {ours[key]!r} != {theirs[key]!r}"
        if not same_numbers(ours["value"], theirs["value"]):
            return f"variable {var}: value differs"
        if not same_numbers(ours["grad"], theirs["grad"]):
            return f"variable {var}: grad differs"
    return _graph_difference(got, expected)


def _graph_difference(got: dict[str, Any], expected: dict[str, Any]) -> str:
    ours_ops = [sorted(n["op"] for n in g["nodes"] if n["kind"] == "op") for g in got["graphs"]]
    theirs_ops = [g["ops"] for g in expected["graphs"]]
    if not theirs_ops:
        return ""
    for index, (ours, theirs) in enumerate(zip(ours_ops, theirs_ops, strict=False)):
        if ours != theirs:
            extra, missing = Counter(ours) - Counter(theirs), Counter(theirs) - Counter(ours)
            return f"graph {index}: grad_fn differ (extra {dict(extra)}, missing {dict(missing)})"
    if len(ours_ops) > len(theirs_ops):
        return f"{len(ours_ops)} graphs drawn, PyTorch ran backward() {len(theirs_ops)} times"
    undrawn = len(theirs_ops) - len(ours_ops)
    if undrawn and f"{undrawn} later ones ran but are not drawn" not in " ".join(got["warnings"]):
        return f"{undrawn} backward() calls neither drawn nor reported as undrawn"
    return ""


def _first_line_difference(ours: str, theirs: str) -> str:
    ours_lines, theirs_lines = ours.splitlines(), theirs.splitlines()
    for number, (mine, real) in enumerate(zip(ours_lines, theirs_lines, strict=False), start=1):
        if mine != real:
            return f"line {number}: {mine[:80]!r} != {real[:80]!r}"
    return f"{len(ours_lines)} lines != {len(theirs_lines)} lines"


def leaf_name_difference(got: dict[str, Any], expected: dict[str, Any]) -> str:
    """A leaf drawn under a name that held another tensor, or a named leaf drawn without a name.

    A leaf's names are those holding it at its backward() call or at the end of the program; a
    name no variable held then (the one it was created under inside a function, say) is fine."""
    expected_leaves = [g["leaves"] for g in expected["graphs"]]
    for index, (graph, leaves) in enumerate(zip(got["graphs"], expected_leaves, strict=False)):
        drawn = [(n["shape"], n["name"]) for n in graph["nodes"] if n["kind"] == "leaf"]
        problem = _misnamed_leaf(drawn, leaves)
        if problem:
            return f"graph {index}: {problem}"
    return ""


def _misnamed_leaf(drawn: list[tuple[list[int], str | None]], leaves: list[dict[str, Any]]) -> str:
    holders: dict[str, list[int]] = {}  # name -> the expected leaves it held
    for number, leaf in enumerate(leaves):
        for name in leaf["names"]:
            holders.setdefault(_short(name), []).append(number)
    claimed: set[int] = set()
    free: list[tuple[list[int], str | None]] = []
    for shape, name in drawn:
        held = holders.get(_short(name), []) if name else []
        if not held:
            free.append((shape, name))
            continue
        target = next((n for n in held if n not in claimed and leaves[n]["shape"] == shape), None)
        if target is None:
            return f"a leaf of shape {shape} is drawn as `{name}`, a name that held another tensor"
        claimed.add(target)
    for number, leaf in enumerate(leaves):
        if number in claimed or not leaf["names"]:
            continue
        pick = next((d for d in free if d[0] == leaf["shape"] and d[1]), None)
        if pick is None:
            shown = sorted({str(d[1]) for d in drawn if d[0] == leaf["shape"]})
            return f"leaf {' or '.join(leaf['names'])} drawn as {shown[:4]}"
        free.remove(pick)
    return ""


def _short(name: str) -> str:
    """`model.fc1.weight` and `self.fc1.weight` may be drawn as `fc1.weight`; compare that."""
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else name


REFUSAL_NAME = re.compile(r"`([^`]+)`")
# A refused `np.nditer` names a module's function; a refused `it.finished` names a method of some value.
MODULE_NAMES = frozenset(
    {"torch", "nn", "F", "np", "numpy", "math", "data", "optim", "random", "collections", "plt", "pprint"}
)


def refusal_cause(detail: str) -> str:
    """A short grouping key for a refusal: its kind and the construct it names."""
    kind, _, message = detail.partition(": ")
    message = re.sub(r"^line \d+: ", "", message)
    if kind == "runtime":
        return "runtime: " + message.split(":")[0]
    named = REFUSAL_NAME.search(message)
    if named is None:
        return f"{kind}: {message[:60]}"
    construct = named.group(1)
    if construct.split(".")[0] in MODULE_NAMES or "." not in construct:
        return f"{kind}: `{construct}`"
    return f"{kind}: `.{construct.rsplit('.', 1)[-1]}`"


def run_corpus(paths: list[Path]) -> list[Outcome]:
    """Reference answers for all, then gradtrace on each."""
    reference = reference_answers(paths)
    return [classify(path, reference[str(path)]) for path in paths]


def table(outcomes: list[Outcome]) -> str:
    """The report: one line per program, the totals, and the refusals grouped by cause."""
    lines = [f"{'program':52} {'status':9} {'seconds':>7}  reason", "-" * 110]
    for outcome in outcomes:
        reason = KNOWN_REFUSALS.get(outcome.program.removesuffix(".py"), "") if outcome.status == "refused" else ""
        detail = outcome.detail.replace("\n", " ")[:120]
        if outcome.seconds > WORKER_TIMEOUT:
            detail = f"(over the {WORKER_TIMEOUT:g} s worker timeout) {detail}"
        lines.append(f"{outcome.program[:52]:52} {outcome.status:9} {outcome.seconds:7.1f}  {reason or detail}")
        if reason:
            lines.append(f"{'':72}{detail}")
    lines.append("")
    lines.append(totals(outcomes))
    lines.extend(grouped_refusals(outcomes))
    return "\n".join(lines)


def totals(outcomes: list[Outcome]) -> str:
    """`runs N of M`, then the count of each status."""
    counts = Counter(o.status for o in outcomes)
    parts = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
    return f"runs {counts['match']} of {len(outcomes)} ({parts})"


def grouped_refusals(outcomes: list[Outcome]) -> list[str]:
    """Refusals by cause, most programs first, each with the programs it blocks."""
    by_cause: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.status == "refused":
            by_cause.setdefault(refusal_cause(outcome.detail), []).append(outcome.program.split("_", 1)[0])
    ranked = sorted(by_cause.items(), key=lambda item: (-len(item[1]), item[0]))
    return [f"  {len(progs):3}  {cause}  ({', '.join(progs)})" for cause, progs in ranked]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.course_corpus", description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", type=Path, help="programs to run (default: the whole corpus)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.programs] or PROGRAMS
    report = table(run_corpus(paths))
    print(report)
    if args.markdown:
        args.markdown.write_text(f"```\n{report}\n```\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
