# Vanishing gradients: sigmoid versus ReLU
import torch

x = torch.tensor(1.0, requires_grad=True)

# Five sigmoids in a row: each multiplies the gradient by at most 0.25.
h = x
for layer in range(1, 6):
    h = torch.sigmoid(h)
    print("after sigmoid", layer, h)
h.backward()
print("gradient through sigmoids:", x.grad)

# The same stack with ReLU passes the gradient through unchanged.
x2 = torch.tensor(1.0, requires_grad=True)
r = x2
for layer in range(1, 6):
    r = torch.relu(r)
    print("after relu", layer, r)
r.backward()
print("gradient through ReLUs:", x2.grad)
