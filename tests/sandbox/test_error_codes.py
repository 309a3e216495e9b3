"""Every error the interpreter raises (app/sandbox: parse, guards, interpret, expressions, classes, members, calls,
exceptions, functions, user_operators, values, builtins, higher_builtins, callbacks, echo, user_modules) answers a
stable code, the same in English and Chinese; the message is English or Chinese as asked, and the code it quotes
(a name, what to write instead) and Python's own exception text are the same in both."""

from __future__ import annotations

import re

import pytest
from gradtrace import pipeline
from gradtrace.config import Limits
from gradtrace.errors import GradtraceError

CJK = re.compile(r"[\u4e00-\u9fff]")
OPT = "w = torch.ones(2, requires_grad=True)\no = optim.SGD([w], lr=0.1)\n"
MODULE = "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"

# (code, program, limits or None, text both languages show: a quoted name, a suggestion, Python's words)
CASES: list[tuple[str, str, Limits | None, str]] = [
    ("syntax.invalid", "a = (", None, "SyntaxError: '(' was never closed"),
    ("syntax.not_a_character", "a = '\ud800'", None, "U+D800"),
    ("forbidden.construct", "async def f():\n    pass", None, "`async def`"),
    ("forbidden.construct", "global x", None, "`global`"),
    ("forbidden.builtin", "a = eval('1')", None, "`eval`"),
    ("forbidden.builtin", "a = type('T', (), {})", None, "`class`"),
    ("forbidden.underscore_name", "a = torch._C", None, "`torch._C`"),
    ("forbidden.underscore_name", "class A:\n    pass\nsetattr(A(), '_x', 1)", None, "`setattr(..., '_x', ...)`"),
    ("forbidden.attribute", "a = torch.hub", None, "`torch.hub`"),
    ("forbidden.attribute", "a = getattr(torch, 'os')", None, "`torch.os`"),  # the module's name, not a class's
    ("forbidden.attribute", "a = ().__class__", None, "`(...).__class__`"),
    ("forbidden.bytes", "a = b'x'", None, "bytes"),
    ("forbidden.class_keyword", "class A(metaclass=type):\n    pass", None, "`metaclass=`"),
    ("forbidden.class_base", "class A(1):\n    pass", None, "`class A(1)`"),
    ("forbidden.class_base", "class A(dict):\n    pass", None, "`class A(dict)`"),
    ("forbidden.base_only", "a = torch.autograd.Function()", None, "`class Net(torch.autograd.Function):`"),
    ("forbidden.import_star", "from torch import *", None, "`import *`"),
    ("forbidden.relative_import", "from . import x", None, "`from . import ...`"),
    ("forbidden.delete", "x = torch.ones(2)\ndel x.grad", None, "`del d['key']`"),
    ("forbidden.with", "with torch.ones(2):\n    pass", None, "torch.no_grad()"),
    ("forbidden.assignment", "x = torch.ones(2)\nx.shape = 3", None, "`x.shape`"),
    (
        "forbidden.module_attribute",
        MODULE + "        self.training = nn.Linear(1, 1)\nm = M()",
        None,
        "`self.training`",
    ),
    ("forbidden.param_groups", OPT + "o.param_groups[0]['lr'] = print\no.step()", None, "group['lr']"),
    ("forbidden.format_field", "s = '{0.real}'.format(1)", None, "`{0.real}`"),
    ("forbidden.format_field", "s = '{:{}}'.format(1, 3)", None, "`{:5}`"),
    ("forbidden.percent_star", "s = '%*d' % (3, 1)", None, "'%5d'"),
    ("forbidden.math_on_tensor", "import math\na = math.exp(torch.ones(2))", None, "`math.exp`"),
    ("forbidden.argument", "a = torch.relu(print)", None, "`torch.relu`"),
    ("limit.source_chars", "a = 1", Limits(max_source_chars=3), "3"),
    ("limit.syntax_nodes", "a = 1 + 2 + 3 + 4", Limits(max_ast_nodes=5), "5"),
    ("limit.nesting", "a = " + "(" * 300 + "1" + ")" * 300, None, "60"),
    ("limit.steps", "while True:\n    pass", Limits(max_steps=1000), "1000"),
    ("limit.call_depth", "def f(n):\n    return f(n + 1)\nf(0)", None, "40"),
    ("limit.int_bits", "a = 2 ** 10 ** 8", None, "256"),
    ("limit.sequence_length", "a = [0] * 10 ** 9", None, "100000"),
    ("limit.sequence_length", "x = torch.ones(3)\na = x.tolist()", Limits(max_sequence_length=2), "`x.tolist`"),
    ("limit.tensor_elements", "a = torch.ones(4, 1) + torch.ones(1, 500)", Limits(max_tensor_elements=1000), "2000"),
    ("limit.text_length", "s = f'{1:>100000000}'", None, "`>100000000`"),
    ("limit.printed_chars", "print('x' * 20)", Limits(max_stdout_chars=10), "10"),
    ("runtime.name_error", "x = 1\ndel x\nprint(x)", None, "NameError: name 'x' is not defined"),
    ("runtime.unbound_local_error", "x = 1\ndef f():\n    print(x)\n    x = 2\nf()", None, "UnboundLocalError"),
    ("runtime.type_error", "a = 1\na()", None, "TypeError: 'int' object is not callable"),
    ("runtime.type_error", "for i in 5:\n    pass", None, "TypeError: 'int' object is not iterable"),
    ("runtime.type_error", "def f(a):\n    return a\nf(1, 2)", None, "TypeError: f() takes 1 positional argument"),
    ("runtime.type_error", MODULE + "        self._modules['x'] = 3\nm = M()", None, "'x'"),
    ("runtime.value_error", "a, b = [1, 2, 3]", None, "ValueError: too many values to unpack (expected 2)"),
    ("runtime.attribute_error", "x = torch.ones(2, requires_grad=True)\na = x.grad.zero_()", None, "'NoneType'"),
    ("runtime.zero_division_error", "a = 1 / 0", None, "ZeroDivisionError: division by zero"),
    ("runtime.index_error", "a = [1][3]", None, "IndexError: list index out of range"),
    ("runtime.assertion_error", "assert 1 == 2, 'no'", None, "AssertionError: no"),
    ("runtime.runtime_error", "raise", None, "RuntimeError: No active exception to reraise"),
    ("runtime.runtime_error", "a = torch.ones(2) @ torch.ones(3)", None, "RuntimeError: inconsistent tensor size"),
    ("runtime.raised", "raise ValueError('the learner said so')", None, "ValueError: the learner said so"),
    ("runtime.unicode_encode_error", "print('\\ud800')", None, "UnicodeEncodeError: surrogates not allowed"),
]


def error_of(program: str, limits: Limits | None) -> GradtraceError:
    with pytest.raises(GradtraceError) as caught:
        pipeline.run(program, limits=limits)
    return caught.value


def quoted(message: str) -> list[str]:
    return re.findall(r"`[^`]+`", message)


@pytest.mark.parametrize(
    ("code", "program", "limits", "shown"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_error_answers_one_code_in_english_and_chinese(
    code: str, program: str, limits: Limits | None, shown: str
) -> None:
    error = error_of(program, limits)
    assert error.code == code
    english, chinese = error.to_dict("en"), error.to_dict("zh-CN")
    assert english["code"] == chinese["code"] == code
    assert english["type"] == chinese["type"] == code.split(".")[0]
    assert isinstance(english["message"], str) and isinstance(chinese["message"], str)
    assert not CJK.search(english["message"]), english
    assert CJK.search(chinese["message"]), chinese
    assert shown in english["message"] and shown in chinese["message"]
    assert quoted(english["message"]) == quoted(chinese["message"])
    if error.line is not None:
        assert english["message"].startswith(f"line {error.line}: ")
        assert chinese["message"].startswith(f"第 {error.line} 行：")


def test_every_code_of_the_interpreter_is_exercised() -> None:
    """The codes written in the interpreter's files, less those only a hostile worker state reaches (limit.memory)
    or only another entry point (request.input_name, forbidden.result, forbidden.key_function behind the class
    builtins), are all in CASES: a new code needs a row."""
    import pathlib

    sandbox = pathlib.Path(pipeline.__file__).parent / "sandbox"
    files = "parse guards interpret expressions classes members calls exceptions functions user_operators values"
    files += " builtins higher_builtins callbacks echo python_errors user_modules"
    written = set()
    for name in files.split():
        written |= set(
            re.findall(r'"((?:forbidden|limit|runtime|syntax|request)\.[a-z_]+)"', (sandbox / f"{name}.py").read_text())
        )
    unreachable = {"limit.memory", "request.input_name", "forbidden.result", "forbidden.key_function"}
    unreachable |= {"runtime.exception", "runtime.key_error", "runtime.not_implemented"}  # B's or any other class
    assert written - unreachable <= {case[0] for case in CASES}
    assert {case[0] for case in CASES} <= written | {"limit.tensor_elements"}


def test_a_caught_exception_is_python_s_whatever_the_language() -> None:
    # `except ZeroDivisionError as e` reads the class and text Python gave, never a translation.
    result = pipeline.run("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print(type(e).__name__, e)")
    assert result.stdout == "ZeroDivisionError division by zero\n"
