# with torch.no_grad(): 与 detach
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
print(x.requires_grad)
print((x**2).requires_grad)

# 在 with torch.no_grad(): 代码块中计算，不记录计算图
with torch.no_grad():
    print((x**2).requires_grad)

# detach() 得到值相同、但从计算图中切断的新张量
frozen = x.detach()
print(frozen.requires_grad)

# 只有 x 这一项带着梯度，frozen 被当作常数
loss = (x * 2).sum() + (frozen * x).sum()
loss.backward()
print(x.grad)  # 2 + frozen = [3, 4, 5]
