x = torch.tensor(2.0, requires_grad=True)
y = x ** 2
z = y.detach()
print(z.requires_grad, z.grad_fn, z.is_leaf)
w = y * z
w.backward()
print(x.grad)
a = torch.ones(3, requires_grad=True)
b = a.detach()
b[0] = 5.0
print(a)
print(b)
