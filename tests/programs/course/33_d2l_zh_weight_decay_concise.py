# Source: 动手学深度学习 (zh.d2l.ai) — 4.5 权重衰减 - 简洁实现 (weight_decay 参数组), rewritten.
import torch
from torch import nn

n_train, num_inputs, batch_size = 20, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
X_train = torch.normal(0, 1, (n_train, num_inputs))
y_train = X_train @ true_w + true_b + torch.normal(0, 0.01, (n_train, 1))


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 100, 0.003
    # 只对权重做衰减，偏置不做
    trainer = torch.optim.SGD([
        {"params": net[0].weight, 'weight_decay': wd},
        {"params": net[0].bias}], lr=lr)
    for epoch in range(num_epochs):
        for i in range(0, n_train, batch_size):
            X, y = X_train[i:i + batch_size], y_train[i:i + batch_size]
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
    print('w的L2范数：', net[0].weight.norm().item())


train_concise(0)
train_concise(3)
