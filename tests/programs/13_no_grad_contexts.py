x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad)
torch.set_grad_enabled(False)
z = x * 3
print(z.requires_grad)
torch.set_grad_enabled(True)
w = x * 4
print(w.requires_grad)
with torch.set_grad_enabled(False):
    q = x + 1
print(q.requires_grad, torch.is_grad_enabled())
with torch.no_grad():
    with torch.enable_grad():
        r = x * x
print(r.requires_grad)
r.sum().backward()
print(x.grad)
