# One gradient-descent step
import torch

w = torch.tensor([0.5, -0.3], requires_grad=True)
x = torch.tensor([1.0, 2.0])
target = torch.tensor(1.0)

prediction = (w * x).sum()
loss = (prediction - target) ** 2
loss.backward()
print("gradient:", w.grad)

learning_rate = 0.1
with torch.no_grad():
    new_w = w - learning_rate * w.grad  # the update itself is not part of the graph
print("new w:", new_w)
print("new loss:", ((new_w * x).sum() - target) ** 2)
