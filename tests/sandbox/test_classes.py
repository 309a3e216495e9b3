"""User-defined classes, nn.Module subclasses and custom autograd Functions, against real PyTorch."""

from __future__ import annotations

from typing import Any

import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError
from gradtrace.result import result_to_json

from tests.sandbox.real_pytorch import assert_same_as_pytorch, run_in_pytorch

PLAIN_CLASSES = """
class Counter:
    created = 0

    def __init__(self, start=0):
        self.value = start
        Counter.created += 1

    def __repr__(self):
        return f"Counter({self.value})"

    def __call__(self, step=1):
        self.value += step
        return self

    def __len__(self):
        return self.value

    def __getitem__(self, i):
        return self.value * i

    def __contains__(self, v):
        return v <= self.value

    @property
    def double(self):
        return self.value * 2

    @double.setter
    def double(self, v):
        self.value = v // 2

    @staticmethod
    def unit():
        return Counter(1)

    @classmethod
    def twice(cls, v):
        return cls(2 * v)


class Loud(Counter):
    def __init__(self, start):
        super().__init__(start + 100)
        self.extra = "loud"

    def __repr__(self):
        return "Loud/" + super().__repr__()


c = Counter(3)
c(2)(1)
print(c, len(c), c[4], 5 in c, 7 in c, c.double, Counter.created)
c.double = 40
print(c.value, Counter.unit(), Counter.twice(5), Loud.twice(1))
loud = Loud(1)
print(loud, loud.extra, isinstance(loud, Counter), isinstance(c, Loud), Counter.created)
print(type(loud) is Loud, type(loud).__name__, loud.__class__.__name__, [Counter(i) for i in range(3)])


class Plain:
    pass


p = Plain()
p.x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (p.x * 3).sum()
y.backward()
print(p.x.grad, hasattr(p, "x"), hasattr(p, "z"), getattr(p, "z", "missing"))
print(repr(p).startswith("<__main__.Plain object at 0x"), str(p) == repr(p))
"""

MICROGRAD = """
import math


class Value:
    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data ** other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = Value(t, (self,), 'tanh')

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1 * w1 + x2 * w2 + b
o = n.tanh()
o.backward()
print(o, x1.grad, w1.grad, x2.grad, w2.grad)
s = sum([Value(1.0), Value(2.5)], Value(0.0))
d = (2 * Value(3.0) - 1) / Value(4.0)
print(s, d, sorted([o.label, x1.label]), o._op, len(n._prev))

# The same neuron in PyTorch, as the lecture checks it.
tx1 = torch.tensor([2.0], dtype=torch.double, requires_grad=True)
tw1 = torch.tensor([-3.0], dtype=torch.double, requires_grad=True)
tb = torch.tensor([6.8813735870195432], dtype=torch.double, requires_grad=True)
to = torch.tanh(tx1 * tw1 + tb)
to.backward()
print(to.item(), tx1.grad.item(), tw1.grad.item())
"""

NN_MODULE = """
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)
        self.scale = nn.Parameter(torch.ones(n_out))
        self.note = "plain attributes are not registered"
        self.extras = [nn.Linear(2, 2)]

    def forward(self, x):
        return torch.relu(self.fc(x)) * self.scale

    def extra_repr(self):
        return "scaled"


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.block = Block(2, 3)
        self.out = nn.Linear(3, 1)

    def forward(self, x):
        return self.out(self.block(x))


torch.manual_seed(0)
model = Net()
print(model)
x = torch.tensor([[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]])
target = torch.tensor([[1.0], [0.0], [2.0]])
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(3):
    opt.zero_grad()
    loss = ((model(x) - target) ** 2).mean()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 6))
print([name for name, p in model.named_parameters()])
print([k for k in model.state_dict()], model.state_dict()["out.bias"])
print(model.training, model.eval() is model, model.training, model.block.training)
model.train()
model.zero_grad()
print(model.out.weight.grad, model.block.note, len(list(model.parameters())))
print(isinstance(model, nn.Module), isinstance(model.block, Block), isinstance(model, Block))
seq = nn.Sequential(Block(2, 2), nn.Tanh(), Net())
print(seq)
print([name for name, p in seq.named_parameters()])
y = seq(x).sum()
y.backward()
"""

AUTOGRAD_FUNCTIONS = """
import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        print("needs", ctx.needs_input_grad)
        return x.clamp(min=0) + slope * x.clamp(max=0)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        mask = (x > 0).float()
        return grad * (mask + ctx.slope * (1 - mask)), None


x = torch.linspace(-1.0, 1.0, 5, requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
P3 = LegendrePolynomial3.apply
y = MyReLU.apply(P3(x * w), 0.1)
loss = y.sum()
print(y.grad_fn.name(), y.grad_fn.next_functions[0][0].name())
print(type(y.grad_fn).__name__, type(P3(x)).__name__)
loss.backward()
print(x.grad, w.grad)
"""

D2L_BLOCKS = """
import torch
from torch import nn


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module

    def forward(self, X):
        for block in self._modules.values():
            X = block(X)
        return X


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((4, 4), requires_grad=False)
        self.linear = nn.Linear(4, 4)

    def forward(self, X):
        X = self.linear(X)
        X = torch.relu(torch.mm(X, self.rand_weight) + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


torch.manual_seed(0)
X = torch.rand(2, 4)
net = MySequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
print(net, net(X).shape, [name for name, p in net.named_parameters()])
chimera = nn.Sequential(MySequential(nn.Linear(4, 4)), FixedHiddenMLP())
out = chimera(X)
out.backward()
print(out, chimera[1].linear.weight.grad.shape)
"""

USER_DATASET = """
import torch
import torch.utils.data as data


class XORDataset(data.Dataset):
    def __init__(self, size, std=0.1):
        super().__init__()
        self.data = torch.randint(0, 2, (size, 2)).float()
        self.label = (self.data.sum(dim=1) == 1).long()
        self.data += std * torch.randn(self.data.shape)

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, idx):
        return self.data[idx], self.label[idx]


torch.manual_seed(0)
dataset = XORDataset(size=12)
print(len(dataset), dataset[0])
model = torch.nn.Linear(2, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for inputs, labels in data.DataLoader(dataset, batch_size=5, shuffle=True):
    loss = torch.nn.functional.cross_entropy(model(inputs), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(inputs.shape, labels.tolist(), round(loss.item(), 6))
"""

MODULE_IDIOMS = """
import torch
from torch import nn


class Stacked(nn.Module):
    def __init__(self, depth):
        super().__init__()
        self.fcs = []
        for i in range(depth):
            fc = nn.Linear(2, 2)
            setattr(self, 'fc%i' % i, fc)
            self.fcs.append(fc)

    def forward(self, x):
        for fc in self.fcs:
            x = torch.tanh(fc(x))
        return x


torch.manual_seed(0)
model = Stacked(3)
print(model, next(model.parameters()).shape, next(iter(model.parameters())).shape)
params = model.parameters()
print(next(params).shape, next(params).shape)
net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
net[2] = nn.Linear(4, 3)
for layer in net:
    print(layer.__class__.__name__, type(layer).__name__)
print(pow(2, 10), pow(2.0, -0.5), pow(3, 4, 5))
out = net(model(torch.ones(1, 2))).sum()
out.backward()
"""

PROGRAMS = {
    "plain_classes": PLAIN_CLASSES,
    "module_idioms": MODULE_IDIOMS,
    "user_dataset": USER_DATASET,
    "d2l_blocks": D2L_BLOCKS,
    "micrograd": MICROGRAD,
    "nn_module": NN_MODULE,
    "autograd_functions": AUTOGRAD_FUNCTIONS,
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_in_pytorch(PROGRAMS, tmp_path_factory.mktemp("classes"))


@pytest.mark.parametrize("case", PROGRAMS)
def test_class_program_matches_real_pytorch(case: str, reference: dict[str, Any]) -> None:
    assert_same_as_pytorch(PROGRAMS[case], reference[case])


def test_custom_function_node_carries_the_class_name() -> None:
    result = result_to_json(pipeline.run(AUTOGRAD_FUNCTIONS))
    ops = {n["op"] for n in result["graphs"][0]["nodes"] if n["kind"] == "op"}
    assert {"LegendrePolynomial3Backward", "MyReLUBackward"} <= ops
    assert "needs (True, False)" in result["stdout"]


def test_module_parameters_are_named_by_their_module_path() -> None:
    result = pipeline.run(NN_MODULE)
    assert {"model.block.fc.weight", "model.block.scale", "model.out.bias", "seq.2.block.fc.weight"} <= set(
        result.variables
    )


@pytest.mark.parametrize(
    ("source", "kind", "text"),
    [
        ("class A:\n    pass\nA(1)", "runtime", "TypeError: A() takes no arguments"),
        ("class A:\n    pass\nb = A()\nb.x = 1\nA().x", "runtime", "AttributeError: 'A' object has no attribute 'x'"),
        ("class A:\n    def __init__(self):\n        return 1\nA()", "runtime", "__init__() should return None"),
        (
            "class N(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(1, 1)\nN()",
            "runtime",
            "cannot assign module before Module.__init__() call",
        ),
        ("class N(nn.Module):\n    pass\nN()(torch.ones(1))", "runtime", 'missing the required "forward"'),
        ("class A:\n    pass\nA() + 1", "runtime", "unsupported operand type(s) for +: 'A' and 'int'"),
        ("class A:\n    pass\nA() < A()", "runtime", "'<' not supported between instances of 'A' and 'A'"),
        ("class F(torch.autograd.Function):\n    pass\nF()", "runtime", "call `F.apply(...)`"),
        ("nn.Module()", "forbidden", "used as a base class"),
        ("class A:\n    @property\n    def p(self):\n        return 1\n    q = p.getter", "forbidden", "`p.getter`"),
    ],
)
def test_class_errors_say_what_python_says(source: str, kind: str, text: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source)
    assert info.value.kind == kind
    assert text in info.value.message
