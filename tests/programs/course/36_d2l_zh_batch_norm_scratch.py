# Source: 动手学深度学习 (zh.d2l.ai) — 7.5 批量规范化 - 从零实现, rewritten (小的全连接网络与随机数据).
import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # 没有在记录梯度时，当作推理：用累计的均值和方差
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # 全连接层的输出：按特征（第 0 维之外）求均值和方差
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # 训练时用这一批自己的统计量做标准化
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # 滑动平均，留给推理时使用
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # 再乘 gamma、加 beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    # num_features 是特征数（或通道数）；num_dims 为 2 表示全连接输入，4 表示卷积输入
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # 要学习的缩放和平移：从 1 和 0 开始
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # 不参与求导的滑动统计量
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        # 统计量跟着输入走到同一个设备上
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # 把更新后的统计量存回模块
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.9)
        return Y


net = nn.Sequential(nn.Linear(16, 12), BatchNorm(12, num_dims=2), nn.Sigmoid(),
                    nn.Linear(12, 3))
X = torch.randn(8, 16)
y = torch.randint(0, 3, (8,))
trainer = torch.optim.SGD(net.parameters(), lr=1.0)
for step in range(5):
    l = nn.functional.cross_entropy(net(X), y)
    trainer.zero_grad()
    l.backward()
    trainer.step()
    print(step, l.item())
print(net[1].gamma.reshape((-1,)), net[1].beta.reshape((-1,)))
print(net[1].moving_mean.reshape((-1,)))
