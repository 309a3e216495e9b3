# Source: 动手学深度学习 (zh.d2l.ai) — 4.8 数值稳定性和模型初始化 - 梯度消失和梯度爆炸, rewritten (图改为打印).
import torch

x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))

# 输入离 0 越远，sigmoid 的导数越接近 0
print('sigmoid 的梯度（两端）:', x.grad[0].item(), x.grad[-1].item())
print('最大的梯度:', x.grad.max().item())

M = torch.normal(0, 1, size=(4, 4))
print('一个矩阵 \n', M)
for i in range(100):
    M = torch.mm(M, torch.normal(0, 1, size=(4, 4)))

print('乘以100个矩阵后\n', M)
