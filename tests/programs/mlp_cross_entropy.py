import torch
import torch.nn.functional as F
torch.manual_seed(0)
X = torch.randn(4, 3)
target = torch.tensor([0, 2, 1, 2])
W1 = torch.randn(3, 5, requires_grad=True)
b1 = torch.zeros(5, requires_grad=True)
W2 = torch.randn(5, 3, requires_grad=True)
b2 = torch.zeros(3, requires_grad=True)
h = torch.tanh(X @ W1 + b1)
logits = h @ W2 + b2
loss = F.cross_entropy(logits, target)
loss.backward()
print(f"loss {loss.item():.5f}")
print(W1.grad.shape, b2.grad)
