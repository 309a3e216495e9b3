# requires_grad_ 与 grad_fn
import torch

torch.manual_seed(0)
a = torch.randn(2, 2)
a = (a * 3) / (a - 1)
# 自己创建的张量默认不跟踪计算：requires_grad 为 False
print(a.requires_grad)

# .requires_grad_(...) 原地改变张量的 requires_grad 标志
a.requires_grad_(True)
print(a.requires_grad)
# a 是叶子张量：没有哪个运算创建它，所以 grad_fn 是 None
print(a.grad_fn)

b = (a * a).sum()
# b 由运算得到，不是叶子张量（图中是 SumBackward0）
print(b.is_leaf)

b.backward()
# d(sum(a^2))/da = 2a
print(a.grad)
