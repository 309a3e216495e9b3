# Source: Dive into Deep Learning (d2l.ai) — "Numerical Stability and Initialization" - vanishing and exploding gradients, rewritten (plots replaced by prints).
import torch

x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))

# the sigmoid's gradient vanishes at both ends
print(x.grad[:5])
print(x.grad.max(), x.grad[::20])

M = torch.normal(0, 1, size=(4, 4))
print('a single matrix \n', M)
for i in range(100):
    M = M @ torch.normal(0, 1, size=(4, 4))
print('after multiplying 100 matrices\n', M)
