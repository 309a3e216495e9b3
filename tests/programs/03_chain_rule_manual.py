x = torch.tensor(0.5, requires_grad=True)
u = x**2
v = torch.sin(u)
y = 3 * v
y.backward()
manual = 3 * math.cos(0.5**2) * 2 * 0.5
print("autograd:", round(x.grad.item(), 6))
print("manual:  ", round(manual, 6))
print("match?", abs(x.grad.item() - manual) < 1e-6)
