# A two-layer network: forward and backward
import torch

torch.manual_seed(0)
layer1 = torch.nn.Linear(3, 4)
layer2 = torch.nn.Linear(4, 1)

x = torch.randn(2, 3)  # a batch of two examples
target = torch.tensor([[1.0], [0.0]])

hidden = torch.relu(layer1(x))
prediction = layer2(hidden)
loss = ((prediction - target) ** 2).mean()

loss.backward()
print(loss)
print(layer1.weight.grad)
print(layer2.weight.grad)
