# Source: PyTorch 中文手册 (pytorch-handbook, zergtant) — 2.1.3 神经网络包nn和优化器optim (LeNet 风格的 Net), rewritten.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()

        # 单通道输入，6 个 3x3 卷积核
        self.conv1 = nn.Conv2d(1, 6, 3)
        # 1350 = 6 * 15 * 15，见 forward 里打印的形状
        self.fc1 = nn.Linear(1350, 10)

    def forward(self, x):
        print(x.size())
        x = self.conv1(x)
        x = F.relu(x)
        print(x.size())
        x = F.max_pool2d(x, (2, 2))
        x = F.relu(x)
        print(x.size())
        x = x.view(x.size()[0], -1)
        print(x.size())
        x = self.fc1(x)
        return x


net = Net()
print(net)

for parameters in net.parameters():
    print(parameters.size())

for name, parameters in net.named_parameters():
    print(name, ':', parameters.size())

input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out.size())

# 反向之前先把梯度清零
net.zero_grad()
out.backward(torch.ones(1, 10))

y = torch.arange(0, 10).view(1, 10).float()
criterion = nn.MSELoss()
loss = criterion(out, y)
print(loss.item())

import torch.optim
out = net(input)
criterion = nn.MSELoss()
loss = criterion(out, y)
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()
loss.backward()

optimizer.step()
print(net.fc1.bias.grad)
