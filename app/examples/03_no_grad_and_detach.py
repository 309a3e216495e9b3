# torch.no_grad() and detach
import torch

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (w * 2).sum()

with torch.no_grad():
    scaled = w * 10  # computed without recording a graph
print(scaled.requires_grad)

frozen = w.detach()  # shares values with w, but is cut out of the graph
print(frozen.requires_grad)

loss = y + (frozen * w).sum()  # only the `w` factor carries a gradient
loss.backward()
print(w.grad)  # 2 + frozen = [3, 4, 5]
