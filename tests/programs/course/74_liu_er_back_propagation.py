# Source: 刘二大人《PyTorch深度学习实践》(Bilibili) — 第4讲 反向传播 - w.requires_grad = True, l.backward(), w.data 更新, rewritten.
import torch

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]

w = torch.Tensor([1.0])
w.requires_grad = True  # 先建张量，再打开梯度记录


def forward(x):
    return x * w


def loss(x, y):
    y_pred = forward(x)
    return (y_pred - y) ** 2


print("predict (before training)", 4, forward(4).item())

for epoch in range(100):
    for x, y in zip(x_data, y_data):
        l = loss(x, y)
        l.backward()
        print('\tgrad:', x, y, w.grad.item())
        # 用 .data 更新，不把这一步记进计算图
        w.data = w.data - 0.01 * w.grad.data

        w.grad.data.zero_()

    print('progress:', epoch, l.item())

print("predict (after training)", 4, forward(4).item())
