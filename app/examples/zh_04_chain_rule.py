# 标量表达式上的链式法则
import torch

x = torch.tensor(0.5, requires_grad=True)
u = x * 3  # du/dx = 3
v = torch.tanh(u)  # dv/du = 1 - tanh(u)^2
f = v * v + u  # df/dv = 2v；u 还直接进入 f：df/du 再加 1

f.backward()
# 链式法则：df/dx = (2v * (1 - v^2) + 1) * 3
print(x.grad)
print((2 * v * (1 - v * v) + 1) * 3)
