x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y ** 2).sum()
z.backward()
print(x.grad, y.grad)
print(x.is_leaf, y.is_leaf, z.is_leaf)
print(y.retains_grad, x.retains_grad)
