# Source: PyTorch 中文手册 (pytorch-handbook, zergtant), 2.2 深度学习基础及数学原理 - 线性回归 (numpy 数据, 3000 epochs), rewritten.
import torch
from torch.nn import Linear, Module, MSELoss
from torch.optim import SGD
import numpy as np

# 生成 y = 5x + 7 的数据，并加入一些噪声
x = np.linspace(0, 20, 500)
y = 5 * x + 7 + np.random.rand(500)

model = Linear(1, 1)
criterion = MSELoss()
optim = SGD(model.parameters(), lr=0.001)
epochs = 3000

# 把数据整理成 (500, 1) 的 float32 矩阵
x_train = x.reshape(-1, 1).astype('float32')
y_train = y.reshape(-1, 1).astype('float32')

for i in range(epochs):
    # 整理输入和输出的数据，这里输入和输出一定要是torch的Tensor类型
    inputs = torch.from_numpy(x_train)
    labels = torch.from_numpy(y_train)
    # 使用模型进行预测
    outputs = model(inputs)
    # 梯度置0，否则会累加
    optim.zero_grad()
    # 计算损失
    loss = criterion(outputs, labels)
    # 反向传播
    loss.backward()
    # 使用优化器默认方法优化
    optim.step()
    if (i % 100 == 0):
        # 每 100次打印一下损失函数，看看效果
        print('epoch {}, loss {:1.4f}'.format(i, loss.data.item()))

[w, b] = model.parameters()
print(w.item(), b.item())

predicted = model.forward(torch.from_numpy(x_train)).data.numpy()
print(predicted[:3])
