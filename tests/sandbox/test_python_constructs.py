"""Python constructs course code uses (lambda, try, decorators, *args, sets, iteration helpers,
str.format, tensor attributes, Unicode names, generators), against real PyTorch."""

from __future__ import annotations

from typing import Any

import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.real_pytorch import assert_same_as_pytorch, run_in_pytorch

TRY_EXCEPT = """
import torch

def risky(kind):
    if kind == 0:
        return torch.ones(2) @ torch.ones(3)
    if kind == 1:
        return {"a": 1}["b"]
    if kind == 2:
        raise ValueError("bad value", kind)
    if kind == 3:
        return [1][5]
    return "fine"

for kind in range(5):
    try:
        result = risky(kind)
    except RuntimeError as e:
        print("runtime:", e)
    except (KeyError, IndexError) as e:
        print("lookup:", type(e).__name__, e, repr(e))
    except Exception as e:
        print("other:", e, e.args, isinstance(e, ValueError))
    else:
        print("no error:", result)
    finally:
        print("finally", kind)

def reraise():
    try:
        1 / 0
    except ZeroDivisionError:
        print("handling")
        raise

try:
    reraise()
except ArithmeticError as e:
    print("outer caught", e)

try:
    raise NotImplementedError
except NotImplementedError as e:
    print("empty message:", repr(e), str(e) == "")

class ShapeError(Exception):
    pass

try:
    raise ShapeError("wrong shape", 3)
except ShapeError as e:
    print("custom:", e, e.args)

x = torch.ones(3, requires_grad=True)
try:
    x.grad.zero_()
except AttributeError as e:
    print("no grad yet:", e)
y = (x * 2).sum()
y.backward()
try:
    y.backward()
except RuntimeError:
    print("second backward refused")
print(x.grad)
"""

FUNCTIONS = """
import torch

square = lambda v: v * v
add = lambda a, b=10: a + b
print(square(3), add(1), add(1, 2), (lambda: "now")())
print(list(map(lambda t: t * 2, [1, 2, 3])), list(map(add, [1, 2], [3, 4])))
print(list(filter(lambda v: v % 2, range(7))), list(filter(None, [0, 1, "", "a"])))
words = ["pear", "fig", "banana"]
print(sorted(words, key=len), sorted(words, key=lambda w: w[-1], reverse=True))
print(max(words, key=len), min([3, -7, 5], key=abs), max([], default="none"))

def trace(fn):
    def wrapper(*args, **kwargs):
        print("call", args, sorted(kwargs))
        return fn(*args, **kwargs)
    return wrapper

@trace
def combine(a, b=2, *rest, scale=1, **options):
    return (a + b + sum(rest)) * scale, options

print(combine(1, 2, 3, 4, scale=3, verbose=True))
print(combine(5))

def total(*values, start=0):
    return start + sum(values)

numbers = [1, 2, 3]
settings = {"start": 100}
print(total(*numbers), total(*numbers, **settings), total())

@torch.no_grad()
def update(w, g):
    return w - 0.1 * g

w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w ** 2).sum()
loss.backward()
w2 = update(w, w.grad)
print(w2, w2.requires_grad, torch.is_grad_enabled())

def countdown(n):
    while n > 0:
        yield n
        n -= 1

def pairs(xs):
    for i, v in enumerate(xs):
        yield i, v
    yield from ["end"]

print(list(countdown(3)), list(pairs("ab")), sum(countdown(4)))
for i, v in list(pairs([10, 20]))[:-1]:
    print(i, v)
"""

DATA_AND_TEXT = """
import torch

s = {3, 1, 2}
s.add(5)
s.discard(1)
t = set([2, 3, 9])
print(sorted(s), sorted(s | t), sorted(s & t), sorted(s - t), 3 in s, len(s))
print(sorted({i % 3 for i in range(10)}), set(), {"a"})
it = iter([10, 20, 30])
print(next(it), next(it), list(it), next(it, "done"))
data = list(range(10))
print(data[slice(2, 8, 2)], data[slice(3)])
print(isinstance(1, (int, float)), isinstance(torch.ones(1), torch.Tensor), callable(len), callable(3))
print(hasattr(torch.ones(1), "grad"), getattr(torch.ones(2), "shape"), getattr(data, "missing", None))
print("{} + {} = {:.3f}".format(1, 2, 3.0), "{0}{1}{0}".format("a", "b"), "{name}!".format(name="hi"))
print(dict.fromkeys(["w", "b"], 0), dict.fromkeys("ab"))
print(type(3), type(2.5), type("s"), type([]), type(torch.ones(1)), type(3) == int, type(torch.ones(1)) is torch.Tensor)
if __name__ == "__main__":
    print("running as a script")

inp = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
w1 = torch.tensor([[0.5], [-0.25]])
out = inp @ w1
out.g = torch.ones_like(out)
w1.g = inp.t() @ out.g
inp.g = out.g @ w1.t()
print(w1.g, inp.g, hasattr(inp, "g"), hasattr(w1, "h"))
print(w1.grad, inp.requires_grad)

学习率 = 0.1
权重 = torch.tensor([1.0, 2.0], requires_grad=True)
损失 = (权重 ** 2).sum()
损失.backward()
with torch.no_grad():
    权重 -= 学习率 * 权重.grad
print(权重, 损失.item())
"""

PROGRAMS = {"try_except": TRY_EXCEPT, "functions": FUNCTIONS, "data_and_text": DATA_AND_TEXT}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_in_pytorch(PROGRAMS, tmp_path_factory.mktemp("constructs"))


@pytest.mark.parametrize("case", PROGRAMS)
def test_construct_program_matches_real_pytorch(case: str, reference: dict[str, Any]) -> None:
    assert_same_as_pytorch(PROGRAMS[case], reference[case])


def test_chinese_names_are_variables() -> None:
    result = pipeline.run(DATA_AND_TEXT)
    assert {"权重", "损失"} <= set(result.variables)


@pytest.mark.parametrize(
    ("source", "kind", "text"),
    [
        # Only runtime errors are catchable: a limit, a refusal or a timeout ends the program.
        ("try:\n    a = torch.ones(10 ** 12)\nexcept Exception:\n    print('caught')", "limit", "elements"),
        ("try:\n    a = torch.hub\nexcept Exception:\n    print('caught')", "forbidden", "torch.hub"),
        ("try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')", "limit", "steps"),
        ("def f():\n    while True:\n        yield 1\nlist(f())", "limit", ""),
        ("raise", "runtime", "No active exception to reraise"),
        ("raise 5", "runtime", "exceptions must derive from BaseException"),
        ("try:\n    pass\nexcept print:\n    pass\nraise ValueError", "runtime", "ValueError"),
        ("try:\n    1 / 0\nexcept print:\n    pass", "runtime", "catching classes that do not inherit"),
        ("s = '{0.__class__}'.format(1)", "forbidden", "format field"),
        ("s = '{:{}}'.format(1, 3)", "forbidden", "nested format fields"),
        ("s = '{:999999999}'.format(1)", "limit", ""),
        ("t = torch.ones(1)\nt.sum = 1", "forbidden", "t.sum"),
        ("next([1])", "runtime", "'list' object is not an iterator"),
        ("f = lambda a: a\nf(1, 2)", "runtime", "<lambda>() takes 1 positional argument but 2 were given"),
        ("def f(*, k):\n    return k\nf()", "runtime", "missing 1 required keyword-only argument: 'k'"),
    ],
)
def test_construct_errors(source: str, kind: str, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source)
    assert info.value.kind == kind, info.value.message
    assert text in info.value.message
