import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(3, 4),
    nn.ReLU(),
    nn.Linear(4, 2),
)
print(model)
x = torch.randn(5, 3)
out = model(x)
print(out.shape)
loss = out.pow(2).mean()
loss.backward()
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.grad.shape)
print(sum(p.numel() for p in model.parameters()))
print(model[0])
print(model[0].weight.grad.abs().sum() > 0)
