"""The numpy subset: numpy's own numbers and text, sizes refused before numpy allocates, a per-run generator."""

from __future__ import annotations

import time

import numpy as np
import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.real_python import real_outputs

PRELUDE = "import math\nimport numpy as np\n"
PROGRAMS = [
    "a = np.array([[1.0, 2.0], [3.0, 4.0]])\nprint(a, a.shape, a.ndim, a.size, a.dtype)\n"
    "print(a.T, a.sum(), a.mean(axis=0))",
    "print(np.zeros((2, 3)), np.ones(3, dtype=np.float32), np.arange(5), np.linspace(0, 1, 5))",
    "x = np.linspace(-1, 1, 7)\nprint(np.exp(x), np.log(np.abs(x) + 1), np.sqrt(x * x), np.tanh(x))",
    "a = np.arange(6).reshape(2, 3)\nb = np.ones((3, 2))\nprint(a.dot(b), np.dot(a, b), a @ b, np.matmul(a, b))",
    "a = np.array([-1.0, 0.5, 2.0])\nprint(np.maximum(a, 0), np.square(a), np.sum(a), np.mean(a), a.max(), a.argmax())",
    "np.random.seed(0)\nprint(np.random.randn(2, 3))\nprint(np.random.rand(2), np.random.uniform(-1, 1, size=3))",
    "np.random.seed(1)\nprint(np.random.randn(), np.random.randint(0, 10, size=4), np.random.normal(0, 1, 2))",
    "np.random.seed(2)\np = np.random.permutation(5)\nprint(p, np.random.choice(5, 3))",
    "a = np.array([[1.5, -2.0]])\nh = a.copy()\nh[h < 0] = 0\nprint(h, a.astype(np.int64), a.tolist(), a.item(0))",
    "t = torch.from_numpy(np.arange(4.0))\nprint(t, t.numpy(), torch.tensor(np.ones(2)), torch.ones(2).numpy())",
    "w = np.zeros(3)\nw -= 0.1 * np.array([1.0, 2.0, 3.0])\nw += 1\nprint(w, w * 2 - 1, w / 2, w ** 2, -w)",
    "print(np.pi, np.e, np.float32(1.5), np.concatenate([np.ones(2), np.zeros(1)]), np.stack([np.ones(2)] * 2))",
    "a = np.arange(4.0)\nfor v in a:\n    print(v)\nprint(a[1:3], a[-1], len(a), a.reshape(2, 2)[0, 1])",
    "a = np.array([1, 2, 3])\nprint(a == 2, (a > 1).sum(), np.where(a > 1, a, 0), np.clip(a, 0, 2))",
    "print(math.exp(np.float64(1.0)), math.sqrt(np.float32(4)), '%.4f' % np.array(2.5), float(np.ones(1)[0]))",
    "x = np.linspace(0, 1, 4).reshape(-1, 1).astype('float32')\nrng = np.random.RandomState(3)\n"
    "g = np.random.default_rng(0)\nprint(x, rng.randn(2), g.integers(0, 10, size=3), g.random(2))",
]


def test_programs_print_what_real_numpy_prints() -> None:
    expected = real_outputs([PRELUDE + p for p in PROGRAMS])
    for program, theirs in zip(PROGRAMS, expected, strict=True):
        assert pipeline.run(PRELUDE + program).stdout == theirs, program


TOO_BIG = [
    "a = np.zeros((100000, 100000))",
    "a = np.ones(10**10)",
    "a = np.random.randn(100000, 100000)",
    "a = np.random.uniform(0, 1, size=(10**5, 10**5))",
    "a = np.arange(0, 10**12)",
    "a = np.linspace(0, 1, 10**12)",
    "a = np.eye(10**6)",
    "a = np.ones((10**4, 1)) * np.ones(10**4)",
    "a = np.ones((20000, 2)).dot(np.ones((2, 20000)))",
    "a = np.ones((20000, 2)) @ np.ones((2, 20000))",
    "a = np.outer(np.ones(10**4), np.ones(10**4))",
    "a = np.concatenate([np.ones(4000000)] * 10)",
    "a = np.maximum(np.ones((10**4, 1)), np.ones(10**4))",
    "a = np.array(range(10**9))",
    "a = np.zeros_like(np.ones(1), shape=(20000, 30000))",
]


@pytest.mark.parametrize("source", TOO_BIG)
def test_sizes_are_refused_before_numpy_allocates(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(GradtraceError) as info:
        pipeline.run(PRELUDE + source)
    assert info.value.kind == "limit"
    assert time.monotonic() - started < 5  # refused from the arguments, not after building the array


def test_tolist_of_a_large_array_is_refused_before_building_the_list() -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(PRELUDE + "a = np.zeros(2000000).tolist()")
    assert info.value.kind == "limit" and "list" in str(info.value)


def test_np_random_is_the_runs_own_and_seeded_per_request() -> None:
    before = np.random.get_state()[1].copy()
    first = pipeline.run(PRELUDE + "print(np.random.rand())\nnp.random.seed(7)").stdout
    second = pipeline.run(PRELUDE + "print(np.random.rand())").stdout
    assert first == second == f"{np.random.RandomState(0).rand()}\n"
    assert (np.random.get_state()[1] == before).all()  # the worker's global generator did not move


def test_random_is_the_runs_own_and_seeded_per_request() -> None:
    import random

    before = random.getstate()
    runs = [pipeline.run("import random\nprint(random.random())\nrandom.seed(3)").stdout for _ in range(2)]
    assert runs[0] == runs[1] == f"{random.Random(0).random()}\n"
    assert random.getstate() == before


REFUSED = [
    ("a = np.array(['a', 'b'])", "holds numbers only"),
    ("def f():\n    pass\na = np.array([f])", "cannot be given"),
    ("a = np.zeros(2, dtype='object')", "dtype must be"),
    ("a = np.ones(2)\nb = a.ctypes", "`a.ctypes` is not available"),
    ("a = np.fromfile('/etc/passwd')", "small numpy subset"),
    ("r = np.random\ns = r.get_state()", "`r.get_state` is not available"),
    ("a = np.ndarray((2,))", "np.zeros(shape)"),
]


@pytest.mark.parametrize(("source", "text"), REFUSED)
def test_what_is_not_data_never_reaches_numpy(source: str, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(PRELUDE + source)
    assert info.value.kind == "forbidden" and text in str(info.value)
