"""Escape attempts: each is refused with kind `forbidden` (or `syntax`/`limit`) at the right line."""

from __future__ import annotations

import pytest
import torch
from gradtrace.errors import GradtraceError

from tests.sandbox.helpers import run

X = {"x": torch.ones(2, requires_grad=True)}

# (source, kind, line, text the message must contain)
CASES: list[tuple[str, str, int, str]] = [
    # An import gradtrace does not offer is refused where it is used, on that line.
    ("import os\ny = 1\nz = os.getcwd()", "forbidden", 3, "does not offer the module `os`"),
    ("y = 1\nimport sys\nsys.exit()", "forbidden", 3, "`sys.exit` is not available"),
    ("import subprocess\nsubprocess.run('ls')", "forbidden", 2, "files, processes, the network"),
    ("import builtins\ny = builtins.eval('1')", "forbidden", 2, "`builtins.eval`"),
    ("from os import getcwd\ny = 1\nd = getcwd()", "forbidden", 3, "`os.getcwd` is not available"),
    ("import torch.utils\nm = torch.utils.cpp_extension", "forbidden", 2, "torch.utils.cpp_extension"),
    ("from torch import _C", "forbidden", 1, "`_C`"),
    ("a = 1\n\nf = open('/etc/passwd')", "forbidden", 3, "`open` is not available here"),
    ("__import__('os')", "forbidden", 1, "`__import__`"),
    ("y = x.__class__", "forbidden", 1, "`x.__class__`"),
    ("y = ().__class__.__bases__", "forbidden", 1, "names starting with `_`"),
    ("y = getattr(x, '__class__')", "forbidden", 1, "`Tensor.__class__`"),
    ("class A:\n    pass\ny = getattr(A(), '__dict__')", "forbidden", 3, "__dict__"),
    ("setattr(x, '__class__', None)", "forbidden", 1, "names starting with `_`"),
    ("vars()", "forbidden", 1, "`vars`"),
    ("dir(x)", "forbidden", 1, "dir() works on modules and your own classes"),
    ("globals()", "forbidden", 1, "`globals`"),
    ("T = type('T', (), {})", "forbidden", 1, "type(name, bases, dict) is not available"),
    ("y = type(x).__class__", "forbidden", 1, "is not available"),
    ("input()", "forbidden", 1, "`input`"),
    ("breakpoint()", "forbidden", 1, "`breakpoint`"),
    ("torch.load('m.pt')", "forbidden", 1, "`torch.load`"),
    ("torch.save(x, 'm.pt')", "forbidden", 1, "`torch.save`"),
    ("torch.from_file('f')", "forbidden", 1, "`torch.from_file`"),
    ("torch.hub.load('a', 'b')", "forbidden", 1, "`torch.hub`"),
    ("torch.ops.aten.add", "forbidden", 1, "`torch.ops`"),
    ("torch._C", "forbidden", 1, "`torch._C`"),
    ("torch.jit.script", "forbidden", 1, "`torch.jit`"),
    ("torch.compile", "forbidden", 1, "`torch.compile`"),
    ("torch.os.system('ls')", "forbidden", 1, "`torch.os`"),
    ("torch.sys.modules", "forbidden", 1, "`torch.sys`"),
    ("torch.set_default_dtype(torch.float64)", "forbidden", 1, "`torch.set_default_dtype`"),
    ("torch.autograd.profiler", "forbidden", 1, "`torch.autograd.profiler`"),
    ("torch.utils.tensorboard", "forbidden", 1, "`torch.utils.tensorboard`"),
    ("f = lambda v: v\ny = f.__globals__", "forbidden", 2, "names starting with `_`"),
    ("class A:\n    pass\ny = A.__subclasses__()", "forbidden", 3, "names starting with `_`"),
    ("class A:\n    pass\ny = A().__class__.__bases__", "forbidden", 3, "names starting with `_`"),
    ("class A:\n    pass\ny = A().__class__.__class__", "forbidden", 3, "is not available"),
    ("class M(type):\n    pass", "forbidden", 1, "a class may derive from"),
    ("class M(int):\n    pass", "forbidden", 1, "a class may derive from"),
    ("class A(metaclass=print):\n    pass", "forbidden", 1, "`metaclass=`"),
    ("class A:\n    def __init_subclass__(cls):\n        pass", "forbidden", 2, "`__init_subclass__`"),
    ("class A:\n    def __getattr__(self, n):\n        pass", "forbidden", 2, "`__getattr__`"),
    ("class A:\n    def f(self):\n        return super().__class__\ny = A().f()", "forbidden", 3, "is not available"),
    ("y = 1\neval('1')", "forbidden", 2, "`eval`"),
    ("exec('y = 1')", "forbidden", 1, "`exec`"),
    ("compile('1', 'f', 'eval')", "forbidden", 1, "`compile`"),
    ("s = '{0.__class__}'.format(x)", "forbidden", 1, "format"),
    ("s = '{a}'.format_map({})", "forbidden", 1, "format_map"),
    ("h = x.register_hook(torch)", "forbidden", 1, "cannot be given"),
    ("y = x.numpy()", "runtime", 1, "Use tensor.detach().numpy()"),
    ("y = x.untyped_storage()", "forbidden", 1, "`x.untyped_storage`"),
    ("y = x.storage()", "forbidden", 1, "`x.storage`"),
    ("y = (x * 2).grad_fn.register_hook", "forbidden", 1, "register_hook"),
    ("y = (x * 2).grad_fn.metadata", "forbidden", 1, "metadata"),
    ("y = (x * 2)\nz = y.grad_fn._raw_saved_self", "forbidden", 2, "_raw_saved_self"),
    ("y = (x * 2)\nz = y._saved_self", "forbidden", 2, "`y._saved_self`"),
    ("\uff45\uff56\uff41\uff4c('1')", "forbidden", 1, "`eval` is not available"),
    ("y = _x", "forbidden", 1, "`_x`"),
    ("y = __builtins__", "forbidden", 1, "`__builtins__`"),
    ("def __f():\n    pass", "forbidden", 1, "`__f`"),
    ("y = torch.ones(2, _internal=1)", "forbidden", 1, "`_internal`"),
    ("def f(v):\n    return v\ny = torch.relu(f)", "forbidden", 3, "<function f>"),
    ("y = torch.add(torch, 1)", "forbidden", 1, "<module 'torch'>"),
    ("y = torch.tensor([print])", "forbidden", 1, "print"),
    ("def f():\n    global g\n    g = 1", "forbidden", 2, "`global`"),
    ("try:\n    y = 1\nexcept* Exception:\n    pass", "forbidden", 1, "`try`"),
    ("try:\n    y = 10 ** 10 ** 10\nexcept Exception:\n    pass", "limit", 2, ""),
    ("y = (yield)", "syntax", 1, "'yield' outside function"),
    ("async def f():\n    pass", "forbidden", 1, "`async def`"),
    ("raise ValueError('x')", "runtime", 1, "ValueError: x"),
    ("y = b'bytes'", "forbidden", 1, "bytes"),
    ("x.grad_fn = None", "forbidden", 1, "x.grad_fn"),
    ("with open('f') as fh:\n    pass", "forbidden", 1, "`open`"),
    ("y = math.factorial(5)", "forbidden", 1, "`math.factorial`"),
    ("y = math.sqrt(x)", "forbidden", 1, "numbers only"),
    ("m = nn.Linear(2, 2)\ny = m._parameters", "forbidden", 2, "`m._parameters`"),
    ("o = optim.SGD([x], lr=0.1)\ny = o.state", "forbidden", 2, "`o.state`"),
    ("y = x.apply_(abs)", "forbidden", 1, "`x.apply_`"),
    ("y = 1 +", "syntax", 1, "SyntaxError"),
    # Refusals learners meet often say what to write instead.
    ("y = _ * 2", "forbidden", 1, "use a plain name such as `i`"),
    ("class Net(nn.Linear):\n    pass", "forbidden", 1, "a class may derive from your own classes, nn.Module"),
    ("s = '{0[0]}'.format([1])", "forbidden", 1, "format field"),
]


@pytest.mark.parametrize(("source", "kind", "line", "text"), CASES, ids=[c[0][:40] for c in CASES])
def test_escape_attempt_is_refused(source: str, kind: str, line: int, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        run(source, X)
    assert info.value.kind == kind
    assert info.value.line == line
    assert text in str(info.value)


def test_a_builtin_name_the_program_binds_is_just_a_variable() -> None:
    assert run("open = 3\ny = open + 1").names == {"open": 3, "y": 4}


def test_free_typo_name_is_left_to_the_caller() -> None:
    from gradtrace.config import Limits
    from gradtrace.sandbox import parse_program

    assert parse_program("y = wieght * 2", Limits()).free_names == ("wieght",)
    with pytest.raises(GradtraceError) as info:
        run("y = wieght * 2")
    assert info.value.kind == "runtime" and "NameError" in info.value.message
