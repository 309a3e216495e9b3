# Source: PyTorch documentation (pytorch.org/docs) — torch.Tensor.register_hook and retain_grad, rewritten.
import torch

v = torch.tensor([0., 0., 0.], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1., 2., 3.]))
print(v.grad)
h.remove()  # the hook is gone

# hooks on an intermediate result see its gradient
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 3
seen = []
y.register_hook(lambda g: seen.append(g.clone()))
z = (y ** 2).sum()
z.backward()
print(seen[0])
print(x.grad)

# retain_grad keeps the gradient of a non-leaf
x.grad = None
y = x * 3
y.retain_grad()
(y ** 2).sum().backward()
print(y.grad, x.grad)
