# Vector-Jacobian product with backward(gradient=v)
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x * 2  # y is a vector, so backward() needs a vector v

v = torch.tensor([0.1, 1.0, 0.01])
y.backward(gradient=v)
# x.grad = v^T J, where J = diag(4x)
print(x.grad)
