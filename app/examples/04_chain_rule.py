# The chain rule on a scalar expression
import torch

x = torch.tensor(0.5, requires_grad=True)
u = x * 3  # du/dx = 3
v = torch.tanh(u)  # dv/du = 1 - tanh(u)^2
f = v * v + u  # df/dv = 2v, and u also feeds f directly: df/du += 1

f.backward()
# df/dx = (2v * (1 - v^2) + 1) * 3
print(x.grad)
print((2 * v * (1 - v * v) + 1) * 3)
