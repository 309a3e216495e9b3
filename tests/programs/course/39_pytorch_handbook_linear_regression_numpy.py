# Source: PyTorch 中文手册 (pytorch-handbook, zergtant) — 2.2 深度学习基础及数学原理 - 线性回归 (numpy 数据, 3000 epochs), rewritten.
import torch
from torch.nn import Linear, Module, MSELoss
from torch.optim import SGD
import numpy as np

x = np.linspace(0, 20, 500)
y = 5 * x + 7 + np.random.rand(500)

model = Linear(1, 1)
criterion = MSELoss()
optim = SGD(model.parameters(), lr=0.001)
epochs = 3000

x_train = x.reshape(-1, 1).astype('float32')
y_train = y.reshape(-1, 1).astype('float32')

for i in range(epochs):
    inputs = torch.from_numpy(x_train)
    labels = torch.from_numpy(y_train)
    outputs = model(inputs)
    optim.zero_grad()
    loss = criterion(outputs, labels)
    loss.backward()
    optim.step()
    if (i % 100 == 0):
        print('epoch {}, loss {:1.4f}'.format(i, loss.data.item()))

[w, b] = model.parameters()
print(w.item(), b.item())

predicted = model.forward(torch.from_numpy(x_train)).data.numpy()
print(predicted[:3])
