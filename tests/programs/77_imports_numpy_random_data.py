# The first cell of many courses: imports the sandbox offers (numpy subset, random, Variable,
# autograd.grad, TensorDataset/DataLoader, Generator) and one it does not (os), never used.
import os
import random
import numpy as np
import torch
from torch.autograd import Variable
from torch.utils.data import TensorDataset, DataLoader

print(torch.cuda.is_available())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

np.random.seed(42)
random.seed(42)
data = np.random.rand(4, 2).astype(np.float32)
print(data.shape, data.dtype, round(float(data.mean()), 6))
print(random.random(), random.choice([1, 2, 3]), random.randint(0, 9))
order = [0, 1, 2, 3]
random.shuffle(order)
print(order)

x = torch.from_numpy(data).to(device)
w = Variable(torch.ones(2, 1), requires_grad=True)
y = torch.tensor(np.array([[1.0], [0.0], [1.0], [0.0]], dtype=np.float32))
loss = ((x @ w - y) ** 2).mean()
grad_w, = torch.autograd.grad(loss, w, create_graph=True)
print(grad_w)
print(w.grad)

g = torch.Generator().manual_seed(2147483647)
probs = torch.softmax(torch.randn(5, generator=g), dim=0)
print(torch.multinomial(probs, num_samples=3, replacement=True, generator=g))
print(torch.normal(torch.zeros(3), torch.ones(3)).nelement())

dataset = TensorDataset(x, y)
loader = DataLoader(dataset, batch_size=2, shuffle=True)
for xb, yb in loader:
    print(xb.shape, yb.view(-1))
print(len(dataset), len(loader))
out = x.detach().numpy() * 2
print(out.sum(axis=0))
