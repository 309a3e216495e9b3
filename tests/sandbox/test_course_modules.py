"""The last constructs of issue 10's course corpus, each compared with real Python + PyTorch:
collections.OrderedDict (DLwPT's named Sequential), pprint (state_dict), np.nditer (CS231n's
gradient check), `__module__`/`__name__` (d2l's scheduler test) and optimizer.param_groups."""

from __future__ import annotations

import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.real_python import real_outputs

ORDERED_DICT = [
    "from collections import OrderedDict\nd = OrderedDict([('b', 1), ('a', 2)])\nd['c'] = 3\n"
    "print(d, list(d), list(d.items()), len(d), 'a' in d, isinstance(d, dict), isinstance(d, OrderedDict))",
    "import collections\nd = collections.OrderedDict(x=1, y=2)\nd.update({'z': 3})\nd.pop('x')\nprint(d, d.get('y'))",
    "from collections import OrderedDict\ntorch.manual_seed(0)\n"
    "m = nn.Sequential(OrderedDict([('hidden', nn.Linear(2, 3)), ('act', nn.Tanh()), ('out', nn.Linear(3, 1))]))\n"
    "print(m)\nprint([n for n, p in m.named_parameters()])\nprint(m.out.bias.shape, m.hidden.weight.shape)\n"
    "print(m(torch.ones(1, 2)).shape)",
    "from collections import OrderedDict\ntorch.manual_seed(0)\nm = nn.Linear(2, 1)\n"
    "sd = OrderedDict(m.state_dict())\nsd['bias'] = torch.zeros(1)\nprint(sd)",
]

COUNTING = [
    "from collections import defaultdict\nd = defaultdict(list)\nfor w in ['a', 'b', 'a']:\n    d[w].append(len(w))\n"
    "print(d, dict(d), isinstance(d, dict), len(d), d['zz'], sorted(d))\nn = defaultdict(int)\nn['x'] += 2\nprint(n)",
    "from collections import defaultdict\nf = defaultdict(lambda: 5)\nprint(f['k'], f.get('q'), list(f.items()))\n"
    "def zero():\n    return torch.zeros(2)\ng = defaultdict(zero)\ng['a'] += 1\nprint(g['a'], len(g))",
    "import collections\nh = collections.defaultdict(lambda: collections.defaultdict(int))\nh['a']['b'] += 1\n"
    "print(dict(h['a']))",
    "from collections import Counter\nc = Counter('abracadabra')\n"
    "print(c, c.most_common(2), sorted(c.elements()), c.total(), c['z'])\nc.update('aaz')\nc.subtract({'a': 1})\n"
    "print(c, c + Counter(b=5), len(c))\ne = Counter({'x': 3}, y=2)\ne['w'] += 1\nprint(e, Counter([1, 2, 2]))",
    # makemore's bigram counts, by dict and by Counter
    "from collections import Counter\nwords = ['emma', 'olivia', 'ava']\nb = Counter()\nfor w in words:\n"
    "    chs = ['<S>'] + list(w) + ['<E>']\n    for ch1, ch2 in zip(chs, chs[1:]):\n        b[(ch1, ch2)] += 1\n"
    "print(sorted(b.items(), key=lambda kv: -kv[1])[:4])",
]

PPRINT = [
    "from pprint import pprint\ntorch.manual_seed(42)\nm = nn.Linear(1, 1)\npprint(m.state_dict())",
    "import pprint\npprint.pprint({'b': list(range(30)), 'a': {'z': 1, 'y': [1.5, 'x'] * 10}})",
    "import pprint\npprint.pprint(list(range(30)), width=40, compact=True)",
    "import pprint\npprint.pp({'b': 1, 'a': 2})\nprint(pprint.pformat([1, (2, 3)], width=5))",
    "from pprint import pprint\ntorch.manual_seed(0)\nm = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n"
    "pprint(m.state_dict(), indent=2)",
]

NDITER = [
    "import numpy as np\nx = np.arange(6.0).reshape(2, 3)\n"
    "it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])\nwhile not it.finished:\n"
    "    ix = it.multi_index\n    x[ix] = x[ix] * 2 + it.iterindex\n    it.iternext()\nprint(x, it.finished)",
    "import numpy as np\nfor v in np.nditer(np.arange(4).reshape(2, 2), order='F'):\n    print(v, v.shape)",
    "import numpy as np\nit = np.nditer(np.zeros((2, 2)), flags=['c_index'])\nout = []\nwhile not it.finished:\n"
    "    out.append(it.index)\n    print(it.iternext())\nprint(out, it.itersize)",
    # numpy's documentation writes to an array through the iterator inside `with`
    "import numpy as np\na = np.arange(6.0).reshape(2, 3)\nwith np.nditer(a, op_flags=['readwrite']) as it:\n"
    "    for x in it:\n        x[...] = 2 * x\nprint(a)",
    # CS231n's centred difference, then the same gradient from autograd
    "import numpy as np\ndef f(w):\n    return np.sum(w ** 3)\nw = np.array([[1.0, 2.0], [3.0, -1.0]])\n"
    "grad = np.zeros_like(w)\nit = np.nditer(w, flags=['multi_index'], op_flags=['readwrite'])\n"
    "while not it.finished:\n    ix = it.multi_index\n    old = w[ix]\n    w[ix] = old + 1e-5\n    fp = f(w)\n"
    "    w[ix] = old - 1e-5\n    fm = f(w)\n    w[ix] = old\n    grad[ix] = (fp - fm) / 2e-5\n    it.iternext()\n"
    "t = torch.tensor(w, requires_grad=True)\n(t ** 3).sum().backward()\n"
    "print(np.abs(grad - t.grad.numpy()).max() < 1e-4)",
]

ORIGIN_NAMES = [
    "from torch.optim import lr_scheduler\nclass S:\n    pass\n"
    "o = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.1)\ns = lr_scheduler.StepLR(o, 1)\n"
    "print(S().__module__, S.__module__, s.__module__, lr_scheduler.__name__)\n"
    "print(s.__module__ == lr_scheduler.__name__, S().__module__ == lr_scheduler.__name__)",
    "import numpy as np\nimport collections\ndef f():\n    pass\n"
    "print(f.__module__, (lambda: 1).__module__, nn.Linear.__module__, nn.Linear(1, 1).__module__)\n"
    "print(torch.ones(1).__module__, torch.__name__, nn.__name__, np.__name__, collections.__name__)\n"
    "print(collections.OrderedDict.__module__, int.__module__, torch.float32.__module__)",
    "print(hasattr([], '__module__'), hasattr(torch.ones(1), '__module__'))\ntry:\n    (1).__module__\n"
    "except AttributeError as e:\n    print('AttributeError', e)",
]

PARAM_GROUPS = [
    "w = torch.ones(2, requires_grad=True)\no = torch.optim.SGD([w], lr=0.1)\n"
    "for epoch in range(3):\n    (w * w).sum().backward()\n    o.step()\n    o.zero_grad()\n"
    "    for group in o.param_groups:\n        group['lr'] = 0.1 / (epoch + 1)\n"
    "print(w, o.param_groups[0]['lr'], len(o.param_groups[0]['params']))",
    "w = torch.ones(2, requires_grad=True)\no = torch.optim.Adam([w], lr=0.1)\n"
    "s = torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.5)\nfor i in range(2):\n"
    "    w.sum().backward()\n    o.step()\n    s.step()\nprint(o.param_groups[0]['lr'], o.param_groups[0]['betas'], w)",
]

PROGRAMS = ORDERED_DICT + COUNTING + PPRINT + NDITER + ORIGIN_NAMES + PARAM_GROUPS


@pytest.fixture(scope="module")
def real() -> dict[str, str]:
    """Every program's output under real Python, from one subprocess."""
    return dict(zip(PROGRAMS, real_outputs(PROGRAMS), strict=True))


@pytest.mark.parametrize("source", PROGRAMS)
def test_prints_what_python_prints(source: str, real: dict[str, str]) -> None:
    assert pipeline.run(source).stdout == real[source]


# (program, the error's kind, what its message says)
REFUSED = [
    (
        "import collections\nP = collections.namedtuple('P', 'x y')",
        "forbidden",
        "gradtrace offers Counter, OrderedDict",
    ),
    ("from collections import defaultdict\nd = defaultdict(print)", "forbidden", "a type (list, int"),
    ("import pprint\npprint.pprint(1, stream=None)", "forbidden", "prints to the output only"),
    ("import numpy as np\nit = np.nditer(np.ones(2), flags=['buffered'])", "forbidden", "offers c_index"),
    ("import numpy as np\nit = np.nditer([1, 2])", "forbidden", "one numpy array"),
    ("import numpy as np\nit = np.nditer(np.ones(2))\nv = it.operands", "forbidden", "`it.operands`"),
    ("import os\nprint(os.__name__)", "forbidden", "does not offer the module `os`"),
    ("x = print.__module__", "forbidden", "`print.__module__`"),
    ("x = [].__module__", "runtime", "AttributeError: 'list' object has no attribute '__module__'"),
    (
        "w = torch.ones(1, requires_grad=True)\no = torch.optim.SGD([w], lr=0.1)\n"
        "o.param_groups[0]['lr'] = len\no.step()",
        "forbidden",
        "param_groups may hold only numbers and tensors",
    ),
]


@pytest.mark.parametrize(("source", "kind", "says"), REFUSED)
def test_what_is_not_offered_is_refused_with_why(source: str, kind: str, says: str) -> None:
    with pytest.raises(GradtraceError) as caught:
        pipeline.run(source)
    assert caught.value.kind == kind
    assert says in caught.value.message
