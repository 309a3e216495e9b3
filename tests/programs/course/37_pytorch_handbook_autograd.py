# Source: PyTorch 中文手册 (pytorch-handbook, zergtant) — 2.1.2 使用PyTorch计算梯度数值 (Autograd), rewritten.
import torch
torch.__version__

x = torch.rand(5, 5, requires_grad=True)
x
y = torch.rand(5, 5, requires_grad=True)
y
z = torch.sum(x + y)
z

z.backward()
print(x.grad, y.grad)

x = torch.rand(5, 5, requires_grad=True)
y = torch.rand(5, 5, requires_grad=True)
z = x**2 + y**3
z
z.backward(torch.ones_like(x))
print(x.grad)

with torch.no_grad():
    print((x + y * 2).requires_grad)

print(z.grad_fn)
print(z.grad_fn.next_functions)
xg = z.grad_fn.next_functions[0][0]
print(xg)
x_leaf = xg.next_functions[0][0]
print(type(x_leaf))
print(x_leaf.variable is x)
print(z.is_leaf, x.is_leaf)
