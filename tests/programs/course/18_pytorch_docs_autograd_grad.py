# Source: PyTorch documentation (pytorch.org/docs) — torch.autograd.grad and higher-order gradients (create_graph=True), rewritten.
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3

# dy/dx = 3x^2, kept differentiable
dy_dx, = torch.autograd.grad(y, x, create_graph=True)
print(dy_dx)

# d2y/dx2 = 6x
d2y_dx2, = torch.autograd.grad(dy_dx, x)
print(d2y_dx2)

# gradient penalty style: grad of a norm of a gradient
w = torch.randn(3, requires_grad=True)
inp = torch.randn(4, 3)
out = (inp @ w).tanh().sum()
g, = torch.autograd.grad(out, w, create_graph=True)
penalty = g.pow(2).sum()
penalty.backward()
print(w.grad)
