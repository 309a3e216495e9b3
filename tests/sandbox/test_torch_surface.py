"""torch surface beyond tensors and nn: what real PyTorch prints, graphs of autograd.grad and its
derivatives, hooks run as the program wrote them, print options per run, sizes before allocation."""

from __future__ import annotations

import pytest
from gradtrace import pipeline
from gradtrace.errors import GradtraceError

from tests.sandbox.real_python import real_outputs

PROGRAMS = [
    # makemore: a seeded Generator passed to randn, rand and multinomial
    "g = torch.Generator().manual_seed(2147483647)\nC = torch.randn((27, 2), generator=g)\n"
    "p = torch.rand(3, generator=g)\np = p / p.sum()\n"
    "print(C[:2], torch.multinomial(p, num_samples=10, replacement=True, generator=g))",
    "print(torch.normal(0.0, 1.0, size=(2,)), torch.normal(torch.zeros(2), 2.0))",
    "x = torch.tensor([1.0, float('inf'), 100.0])\n"
    "print(x.nelement(), x.log10(), torch.isfinite(x), torch.all(x > 0), x.clamp_min(50), torch.clamp_min(x, 2))",
    "print(torch.LongTensor([1, 2]), torch.FloatTensor([1.5]), torch.FloatTensor(2, 3).shape)",
    "w = torch.empty(3, 5)\nnn.init.xavier_uniform_(w)\nprint(w)\nnn.init.zeros_(w)\n"
    "print(w.sum(), nn.init.calculate_gain('relu'))\n"
    "nn.init.kaiming_normal_(w, nonlinearity='relu')\nprint(w.std() > 0)",
    "m = nn.Linear(4, 2)\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
    "sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)\n"
    "for i in range(4):\n    loss = m(torch.ones(1, 4)).pow(2).sum() * 100\n    opt.zero_grad()\n    loss.backward()\n"
    "    n = nn.utils.clip_grad_norm_(m.parameters(), max_norm=1.0)\n    opt.step()\n    sched.step()\n"
    "    print(i, sched.get_last_lr(), round(n.item(), 4))",
    "conv = nn.Conv2d(1, 2, 3, padding=1)\npool = nn.MaxPool2d(2)\nbn = nn.BatchNorm2d(2)\n"
    "img = torch.randn(2, 1, 4, 4)\nout = pool(bn(conv(img)))\n"
    "print(out, nn.AvgPool2d(2)(img).shape, nn.Flatten()(out).shape)\nout.sum().backward()\nprint(conv.weight.grad)",
    "ln = nn.LayerNorm(4)\nemb = nn.Embedding(10, 4)\ne = ln(emb(torch.tensor([1, 2, 3])))\n"
    "print(e, nn.BatchNorm1d(4)(torch.randn(3, 4)))\ne.sum().backward()\nprint(emb.weight.grad[1:4])",
    "seq = torch.randn(2, 5, 4)\nrnn = nn.RNN(4, 3, batch_first=True)\nlstm = nn.LSTM(4, 3)\ngru = nn.GRU(4, 3)\n"
    "cell = nn.RNNCell(4, 3)\no, h = rnn(seq)\no2, (h2, c2) = lstm(seq)\no3, h3 = gru(seq)\nh4 = cell(seq[0])\n"
    "total = o.sum() + o2.sum() + o3.sum() + h4.sum()\ntotal.backward()\n"
    "print(total, rnn.weight_ih_l0.grad, lstm.weight_hh_l0.grad.shape)",
    "d = nn.Dropout(0.5)\nprint(d(torch.ones(8)), F.dropout(torch.ones(4), 0.5))",
    "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\n"
    "x = torch.ones(2).to(device)\nm = nn.Linear(2, 1).to(device)\nprint(device, x.device, m(x).shape)",
    # hooks as the PyTorch docs write them: print the gradient, then change it
    "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * x\n"
    "def show(g):\n    print('grad of y:', g)\n    return g * 2\nh = y.register_hook(show)\n"
    "y.sum().backward()\nprint(x.grad)\nh.remove()\nx.grad = None\n(x * x).sum().backward()\nprint(x.grad)",
    "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "x.register_hook(lambda g: print('leaf', g))\n(x ** 2).sum().backward()",
    # the saved-tensors page: what a node saved, read-only
    "a = torch.tensor([3.0], requires_grad=True)\nb = a.exp()\nprint(b.grad_fn._saved_result)\n"
    "print(b.grad_fn.next_functions[0][0].variable is a)\nc = a * a\n"
    "print(c.grad_fn._saved_self, c.grad_fn._saved_other)",
    "def f(t):\n    return t ** 3\nprint(torch.autograd.functional.jacobian(f, torch.tensor([1.0, 2.0])))\n"
    "print(torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0])))",
    "u = torch.tensor(2.0, requires_grad=True)\nv = u ** 3\ndu, = torch.autograd.grad(v, u, create_graph=True)\n"
    "d2u, = torch.autograd.grad(du, u)\nprint(du, d2u, u.grad)",
]


def test_programs_print_what_real_pytorch_prints() -> None:
    expected = real_outputs(PROGRAMS)
    for program, theirs in zip(PROGRAMS, expected, strict=True):
        assert pipeline.run(program).stdout == theirs, program


def op_names(result: pipeline.Result) -> list[list[str]]:
    return [sorted(n.op for n in g.graph.nodes if n.kind == "op") for g in result.graphs]


def test_autograd_grad_is_drawn_and_so_is_the_graph_of_the_derivative() -> None:
    result = pipeline.run(PROGRAMS[-1])
    assert op_names(result) == [
        ["AccumulateGrad", "PowBackward0"],
        ["AccumulateGrad", "MulBackward0", "MulBackward1", "PowBackward0"],
    ]
    leaf = next(n for n in result.graphs[0].graph.nodes if n.kind == "leaf")
    assert leaf.name == "u" and leaf.grad is not None and leaf.grad.values == 12.0  # what grad() returned
    derivative = next(n for n in result.graphs[1].graph.nodes if n.is_root)  # built by the engine, not an op
    assert derivative.name == "du" and derivative.value is not None and derivative.value.values == 12.0


def test_jacobian_draws_no_graph_per_output_element() -> None:
    assert pipeline.run(PROGRAMS[-2]).graphs == ()


def test_print_options_hold_for_the_run_only() -> None:
    assert pipeline.run("torch.set_printoptions(precision=1)\nprint(torch.tensor([1 / 3]))").stdout == "tensor([0.3])\n"
    assert pipeline.run("print(torch.tensor([1 / 3]))").stdout == "tensor([0.3333])\n"


def test_a_hook_error_is_the_programs_error_at_its_line() -> None:
    source = "x = torch.ones(2, requires_grad=True)\ndef bad(g):\n    return g[10]\nx.register_hook(bad)\n"
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source + "(x * 2).sum().backward()")
    assert info.value.kind == "runtime" and "IndexError" in str(info.value)
    assert info.value.line == 3


TOO_BIG = [
    "c = nn.Conv2d(1, 1000, 1)\ny = c(torch.ones(1, 1, 1000, 1000))",
    "e = nn.Embedding(10, 100000)\ny = e(torch.zeros(1000, dtype=torch.long))",
    "l = nn.Linear(1, 4000)\ny = l(torch.ones(4000, 1))",
    "y = torch.FloatTensor(100000, 100000)",
    "g = torch.Generator()\ny = torch.randn(100000, 100000, generator=g)",
    "y = nn.AdaptiveAvgPool2d((10**5, 10**5))(torch.ones(1, 1, 2, 2))",
    "y = F.adaptive_avg_pool2d(torch.ones(1, 1, 2, 2), 100000)",
    "torch.set_printoptions(threshold=10**9)\nprint(torch.ones(4000000))",
]


@pytest.mark.parametrize("source", TOO_BIG)
def test_layer_outputs_and_new_constructors_are_sized_before_allocation(source: str) -> None:
    with pytest.raises(GradtraceError) as info:
        pipeline.run(source)
    assert info.value.kind == "limit"
