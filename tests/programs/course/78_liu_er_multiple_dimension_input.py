# Source: 刘二大人《PyTorch深度学习实践》(Bilibili) — 第7讲 处理多维特征的输入 (8-6-4-1 的网络), rewritten (随机数据代替 diabetes.csv.gz).
import numpy as np
import torch

rng = np.random.RandomState(0)
xy = rng.uniform(-1, 1, size=(60, 9)).astype(np.float32)
xy[:, -1] = (xy[:, 0] + xy[:, 3] > 0).astype(np.float32)
x_data = torch.from_numpy(xy[:, :-1])
y_data = torch.from_numpy(xy[:, [-1]])


class Model(torch.nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.linear1 = torch.nn.Linear(8, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


model = Model()

criterion = torch.nn.BCELoss(reduction='mean')
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

epoch_list = []
loss_list = []
for epoch in range(100):
    y_pred = model(x_data)
    loss = criterion(y_pred, y_data)
    if epoch % 10 == 0:
        print(epoch, loss.item())
    epoch_list.append(epoch)
    loss_list.append(loss.item())

    optimizer.zero_grad()
    loss.backward()

    optimizer.step()
print(len(loss_list), loss_list[-1])
