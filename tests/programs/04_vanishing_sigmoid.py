import torch

x = torch.tensor(1.0, requires_grad=True)
h = x
depth = 6
for i in range(depth):
    h = torch.sigmoid(h)
h.backward()
print(f"gradient after {depth} sigmoids: {x.grad.item():.6e}")
grads = []
for n in [1, 2, 4, 8]:
    z = torch.tensor(1.0, requires_grad=True)
    out = z
    for k in range(n):
        out = out.sigmoid()
    out.backward()
    grads.append(round(z.grad.item(), 8))
print(grads)
print(max(grads), min(grads))
