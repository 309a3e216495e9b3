# "Learning PyTorch with Examples": a custom nn.Module (Polynomial3) whose parameters are
# nn.Parameter attributes, and a two-layer net built from layers assigned in __init__.
import math

import torch
import torch.nn as nn


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


x = torch.linspace(-math.pi, math.pi, 200)
y = torch.sin(x)
model = Polynomial3()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(100):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f'Result: {model.string()}')


class TwoLayerNet(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = nn.Linear(d_in, hidden)
        self.linear2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


net = TwoLayerNet(3, 4, 2)
print(net)
inputs = torch.randn(5, 3)
targets = torch.randn(5, 2)
out = net(inputs)
mse = ((out - targets) ** 2).mean()
mse.backward()
for name, param in net.named_parameters():
    print(name, tuple(param.shape), param.grad.abs().sum().item() > 0)
print(sorted(net.state_dict()))
