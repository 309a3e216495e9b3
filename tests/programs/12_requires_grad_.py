t = torch.arange(4.0)
print(t.requires_grad)
t.requires_grad_()
print(t.requires_grad, t.is_leaf)
s = (t * t).sum()
s.backward()
print(t.grad)
u = torch.zeros(2)
u.requires_grad_(True)
u2 = u + 1
print(u2.grad_fn is not None)
v = torch.ones(2, requires_grad=True)
v.requires_grad = False
print(v.requires_grad)
