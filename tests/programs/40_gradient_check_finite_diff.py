def f(t):
    return (t ** 3 - 2 * t).sum()

x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
f(x).backward()
eps = 1e-6
numeric = []
for i in range(3):
    plus = x.detach().clone()
    minus = x.detach().clone()
    plus[i] += eps
    minus[i] -= eps
    numeric.append(((f(plus) - f(minus)) / (2 * eps)).item())
print([round(g, 5) for g in x.grad.tolist()])
print([round(g, 5) for g in numeric])
print(all(abs(a - b) < 1e-4 for a, b in zip(x.grad.tolist(), numeric)))
