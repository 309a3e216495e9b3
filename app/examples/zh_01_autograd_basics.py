# 自动求导入门：out.backward() 与 x.grad
import torch

# 创建一个张量，设置 requires_grad=True 来跟踪与它相关的计算
x = torch.ones(2, 2, requires_grad=True)
print(x)

# 对张量做一次运算：y 是计算的结果，所以它有 grad_fn
y = x + 2
print(y)

# 对 y 做更多运算
z = y * y * 3
out = z.mean()
print(z, out)

# 反向传播：out 是标量，out.backward() 等价于 out.backward(torch.tensor(1.))
out.backward()
# 梯度 d(out)/dx：out = 3 * (x + 2)^2 的均值，所以每个元素都是 3 * 2 * (1 + 2) / 4 = 4.5
print(x.grad)
