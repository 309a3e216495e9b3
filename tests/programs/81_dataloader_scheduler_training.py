# d2l-style training loop: TensorDataset + DataLoader with shuffling, an nn.Sequential model
# initialised with nn.init through net.apply, SGD with a StepLR schedule and gradient clipping.
import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader

true_w = torch.tensor([2.0, -3.4])
true_b = 4.2
X = torch.normal(0, 1, (64, 2))
y = (X @ true_w + true_b + torch.normal(0, 0.01, (64,))).reshape(-1, 1)

loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)
net = nn.Sequential(nn.Linear(2, 1))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)
        nn.init.zeros_(m.bias)


net.apply(init_weights)
loss_fn = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(trainer, step_size=2, gamma=0.5)

for epoch in range(4):
    for xb, yb in loader:
        loss = loss_fn(net(xb), yb)
        trainer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), max_norm=5.0)
        trainer.step()
    scheduler.step()
    print(f"epoch {epoch + 1}, loss {loss_fn(net(X), y).item():f}, lr {scheduler.get_last_lr()[0]}")

w = net[0].weight.data
print("error in w:", true_w - w.reshape(true_w.shape))
print("error in b:", true_b - net[0].bias.data)
