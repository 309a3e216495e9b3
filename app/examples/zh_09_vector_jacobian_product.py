# 向量-雅可比积：backward(gradient=v)
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x * 2  # y 是向量，所以 backward() 需要传入一个向量 v

v = torch.tensor([0.1, 1.0, 0.01])
y.backward(gradient=v)
# x.grad = v^T J，其中雅可比矩阵 J = diag(4x)
print(x.grad)
