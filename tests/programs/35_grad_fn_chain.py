a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
c = a * b
d = c + a
e = d.exp()
print(e.grad_fn)
print(e.grad_fn.name())
print(e.grad_fn.next_functions[0][0].name())
print(len(d.grad_fn.next_functions))
print(a.grad_fn, c.is_leaf)
e.backward()
print(a.grad, b.grad)
