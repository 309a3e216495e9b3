# 动手学深度学习 style: Chinese variable and function names, a manual linear regression step.
import torch

真实权重 = torch.tensor([2.0, -3.4])
真实偏置 = 4.2
特征 = torch.tensor([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3], [2.0, 1.0]])
标签 = 特征 @ 真实权重 + 真实偏置


def 线性回归(输入, 权重, 偏置):
    return 输入 @ 权重 + 偏置


def 平方损失(预测, 目标):
    return (预测 - 目标) ** 2 / 2


权重 = torch.zeros(2, requires_grad=True)
偏置 = torch.zeros(1, requires_grad=True)
学习率 = 0.1
for 轮次 in range(3):
    损失 = 平方损失(线性回归(特征, 权重, 偏置), 标签).mean()
    损失.backward()
    with torch.no_grad():
        for 参数 in (权重, 偏置):
            参数 -= 学习率 * 参数.grad
            参数.grad.zero_()
    print(f"第 {轮次 + 1} 轮, 损失 {损失.item():f}")
print(权重, 偏置)
