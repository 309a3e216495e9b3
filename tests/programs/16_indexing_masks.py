x = torch.arange(12.0).reshape(3, 4)
x.requires_grad_()
print(x[1])
print(x[:, 2])
print(x[0:2, 1:3])
print(x[-1, -1])
mask = x > 5
print(mask)
picked = x[mask]
print(picked)
loss = picked.sum() + x[0, 0] * 2
loss.backward()
print(x.grad)
idx = torch.tensor([0, 2])
print(x.detach()[idx])
print(x.detach()[..., 1])
