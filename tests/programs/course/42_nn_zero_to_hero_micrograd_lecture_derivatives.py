# Source: Neural Networks: Zero to Hero (Andrej Karpathy) — lecture 1 "building micrograd" - numerical derivatives and the tanh neuron in PyTorch, rewritten.
import math
import numpy as np
import torch


def f(x):
    return 3 * x**2 - 4 * x + 5


print(f(3.0))
xs = np.arange(-5, 5, 0.25)
ys = f(xs)
print(ys[:4])

# slope by a small nudge
h = 0.000001
x = 2 / 3
print((f(x + h) - f(x)) / h)

# a function of three inputs: nudge one at a time
a, b, c = 2.0, -3.0, 10.0
d1 = a * b + c
c += h
d2 = a * b + c
print('d1', d1)
print('d2', d2)
print('slope', (d2 - d1) / h)

# the same neuron as in the lecture, in PyTorch
x1 = torch.Tensor([2.0]).double();                x1.requires_grad = True
x2 = torch.Tensor([0.0]).double();                x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double();               w1.requires_grad = True
w2 = torch.Tensor([1.0]).double();                w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double();  b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)

print(o.data.item())
o.backward()

print('---')
print('x2', x2.grad.item())
print('w2', w2.grad.item())
print('x1', x1.grad.item())
print('w1', w1.grad.item())

# tanh written out with exp gives the same gradient
e = (2 * n).exp()
o2 = (e - 1) / (e + 1)
print(math.isclose(o2.item(), o.item()))
