# 一步梯度下降
import torch

w = torch.tensor([0.5, -0.3], requires_grad=True)
x = torch.tensor([1.0, 2.0])
target = torch.tensor(1.0)

prediction = (w * x).sum()
loss = (prediction - target) ** 2
loss.backward()
print("梯度:", w.grad)

learning_rate = 0.1  # 学习率
with torch.no_grad():
    new_w = w - learning_rate * w.grad  # 更新参数这一步本身不进入计算图
print("新的 w:", new_w)
print("新的损失:", ((new_w * x).sum() - target) ** 2)
