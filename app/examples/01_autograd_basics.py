# Autograd basics
import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
print(z, out)

out.backward()
print(x.grad)  # d(out)/dx = 3 * 2 * (x + 2) / 4 = 4.5 everywhere
