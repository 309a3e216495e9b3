a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 3
b.retain_grad()
c = b.clone()
c += c + 1
d = c.sum()
d.backward()
print(b.grad, c.grad_fn, d.grad_fn.name(), a.is_leaf, b.is_leaf)
e = a.detach() * 2
print(e.requires_grad, e.grad_fn)
