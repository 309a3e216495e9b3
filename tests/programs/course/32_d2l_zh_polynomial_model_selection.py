# Source: 动手学深度学习 (zh.d2l.ai) — 4.4 模型选择、欠拟合和过拟合 - 多项式回归, rewritten.
import math
import numpy as np
import torch
from torch import nn

max_degree = 20  # 特征最多到 x 的 19 次方
n_train, n_test = 100, 100  # 训练集、测试集各 100 个
true_w = np.zeros(max_degree)  # 只有前四个系数非零
true_w[0:4] = np.array([5, 1.2, -3.4, 5.6])

features = np.random.normal(size=(n_train + n_test, 1))
np.random.shuffle(features)
poly_features = np.power(features, np.arange(max_degree).reshape(1, -1))
for i in range(max_degree):
    poly_features[:, i] /= math.gamma(i + 1)  # 除以 i!，免得高次项太大
# 标签是一维的，长度 200
labels = np.dot(poly_features, true_w)
labels += np.random.normal(scale=0.1, size=labels.shape)

# 全部转成 float32 的张量
true_w, features, poly_features, labels = [torch.tensor(x, dtype=
    torch.float32) for x in [true_w, features, poly_features, labels]]

print(features[:2], poly_features[:2, :], labels[:2])


def evaluate_loss(net, X, y, loss):
    """在一组数据上求平均损失（不记录梯度）"""
    with torch.no_grad():
        out = net(X)
        l = loss(out, y.reshape(out.shape))
    return float(l.sum()) / l.numel()


def train(train_features, test_features, train_labels, test_labels,
          num_epochs=400):
    loss = nn.MSELoss(reduction='none')
    input_shape = train_features.shape[-1]
    # 常数项已经是第 0 个特征，所以不要偏置
    net = nn.Sequential(nn.Linear(input_shape, 1, bias=False))
    batch_size = min(10, train_labels.shape[0])
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)
    for epoch in range(num_epochs):
        for i in range(0, train_labels.shape[0], batch_size):
            X = train_features[i:i + batch_size]
            y = train_labels[i:i + batch_size].reshape(-1, 1)
            l = loss(net(X), y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
        if epoch == 0 or (epoch + 1) % 100 == 0:
            print(epoch + 1, evaluate_loss(net, train_features, train_labels, loss),
                  evaluate_loss(net, test_features, test_labels, loss))
    print('weight:', net[0].weight.data.numpy())


# 只用前四个特征：正好是生成数据的三阶多项式
train(poly_features[:n_train, :4], poly_features[n_train:, :4],
      labels[:n_train], labels[n_train:], num_epochs=100)
