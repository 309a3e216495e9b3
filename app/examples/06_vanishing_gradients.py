# Vanishing gradients: sigmoid versus ReLU
import torch

x = torch.tensor(1.0, requires_grad=True)

# Five sigmoids in a row: each multiplies the gradient by at most 0.25.
h = x
for i in range(5):
    h = torch.sigmoid(h)
h.backward()
print("through sigmoids:", x.grad)

# The same stack with ReLU passes the gradient through unchanged.
x2 = torch.tensor(1.0, requires_grad=True)
r = x2
for i in range(5):
    r = torch.relu(r)
r.backward()
print("through ReLUs:", x2.grad)
