import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
x = torch.tensor([[1.0, 2.0], [2.0, 1.0], [3.0, 0.5], [0.0, 1.0]])
y = torch.tensor([[5.0], [4.0], [4.0], [2.0]])
loss_fn = nn.MSELoss()
losses = []
for step in range(15):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
print([round(l, 4) for l in losses[::5]])
print(losses[-1] < losses[0])
print(model.weight.shape, model.bias.shape)
