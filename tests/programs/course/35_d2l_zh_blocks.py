# Source: 动手学深度学习 (zh.d2l.ai) — 5.1 层和块 (MLP, MySequential, FixedHiddenMLP, NestMLP), rewritten.
import torch
from torch import nn
from torch.nn import functional as F

X = torch.rand(2, 20)


class MLP(nn.Module):
    # 两个全连接层作为成员，赋值即注册
    def __init__(self):
        # 先让 nn.Module 完成自己的初始化
        super().__init__()
        self.hidden = nn.Linear(20, 256)  # 256 个隐藏单元
        self.out = nn.Linear(256, 10)  # 10 个输出

    # 前向计算：输入经过隐藏层、ReLU，再到输出层
    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


net = MLP()
print(net(X))


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            # 每个子模块按序号登记到 _modules（一个有序字典）里
            self._modules[str(idx)] = module

    def forward(self, X):
        # 按登记的先后依次调用
        for block in self._modules.values():
            X = block(X)
        return X


net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
print(net(X))


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        # 固定的随机矩阵：不要梯度，训练时不会变
        self.rand_weight = torch.rand((20, 20), requires_grad=False)
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = self.linear(X)
        # 与常量矩阵相乘后加一，再过 relu
        X = F.relu(torch.mm(X, self.rand_weight) + 1)
        # 同一个线性层用第二次：两处共享同一组参数
        X = self.linear(X)
        # Python 的 while 循环也能出现在前向计算里
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))


chimera = nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
y = chimera(X)
print(y)
y.backward()
print(chimera[1].weight.grad.shape)
