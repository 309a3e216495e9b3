# Source: PyTorch Tutorials (pytorch.org/tutorials) — "A Gentle Introduction to torch.autograd" (60 Minute Blitz), rewritten.
# The pretrained resnet18 is replaced by a small stack of layers built here.
import torch
from torch import nn, optim

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a**3 - b**2

# Q is a vector, so backward needs the gradient of something w.r.t. Q
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9 * a**2 == a.grad)
print(-2 * b == b.grad)

# which results require gradients
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

# freeze a "pretrained" feature extractor and train a new head
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(16, 3)  # the new classifier is trainable
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
data = torch.rand(2, 8)
labels = torch.rand(2, 3)
prediction = model(data)
loss = (prediction - labels).sum()
loss.backward()
optimizer.step()
print(model[0].weight.grad is None, model[2].weight.grad.shape)
