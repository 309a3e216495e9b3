# Source: Dive into Deep Learning (d2l.ai) — "Learning Rate Scheduling" - a hand-written SquareRootScheduler and torch.optim.lr_scheduler.MultiStepLR, rewritten (a small MLP on random data).
import math
import torch
from torch import nn
from torch.optim import lr_scheduler


def net_fn():
    model = nn.Sequential(
        nn.Linear(20, 32), nn.ReLU(),
        nn.Linear(32, 4))
    return model


loss = nn.CrossEntropyLoss()
X = torch.randn(64, 20)
y = torch.randint(0, 4, (64,))


class SquareRootScheduler:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


def train(net, trainer, num_epochs, scheduler=None):
    for epoch in range(num_epochs):
        for i in range(0, 64, 16):
            trainer.zero_grad()
            l = loss(net(X[i:i + 16]), y[i:i + 16])
            l.backward()
            trainer.step()
        if scheduler:
            if scheduler.__module__ == lr_scheduler.__name__:
                # a built-in scheduler steps itself
                scheduler.step()
            else:
                for param_group in trainer.param_groups:
                    param_group['lr'] = scheduler(epoch)
        print(f'epoch {epoch + 1}, loss {l.item():.4f}, lr {trainer.param_groups[0]["lr"]:.5f}')


net = net_fn()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
train(net, trainer, 4, SquareRootScheduler(lr=0.1))

net = net_fn()
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
scheduler = lr_scheduler.MultiStepLR(trainer, milestones=[2, 3], gamma=0.5)
train(net, trainer, 4, scheduler)
print(math.isclose(trainer.param_groups[0]['lr'], 0.125))
