# Source: 动手学深度学习 (zh.d2l.ai) — 3.7 softmax回归的简洁实现, rewritten (随机数据代替 Fashion-MNIST).
import torch
from torch import nn

batch_size = 256
# 模拟的小批量数据
X_all = torch.rand(512, 1, 28, 28)
y_all = torch.randint(0, 10, (512,))

# 图像先展平成 784 维向量，再交给线性层
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)

loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)

num_epochs = 3
for epoch in range(num_epochs):
    总损失 = 0.0
    for i in range(0, 512, batch_size):
        X, y = X_all[i:i + batch_size], y_all[i:i + batch_size]
        l = loss(net(X), y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        总损失 += float(l.sum())
    print(f'epoch {epoch + 1}, 平均损失 {总损失 / 512:.4f}')
