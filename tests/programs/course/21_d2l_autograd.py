# Source: Dive into Deep Learning (d2l.ai) — section 2.5 "Automatic Differentiation" (PyTorch tab), rewritten.
import torch

x = torch.arange(4.0)
x
x.requires_grad_(True)  # same as torch.arange(4.0, requires_grad=True)
x.grad  # None until backward runs

y = 2 * torch.dot(x, x)
y
y.backward()
x.grad
x.grad == 4 * x

# gradients accumulate: reset before the next one
x.grad.zero_()
y = x.sum()
y.backward()
x.grad

# a non-scalar y: sum it (or pass a gradient of ones)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
x.grad

# detaching computation
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
x.grad == u

x.grad.zero_()
y.sum().backward()
x.grad == 2 * x


# gradients through Python control flow
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
a.grad == d / a
