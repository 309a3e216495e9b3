x = torch.tensor(3.0, requires_grad=True)
it = 0
while True:
    f = x ** 2 - 2
    f.backward()
    with torch.no_grad():
        x -= f / x.grad
    x.grad.zero_()
    it += 1
    if abs(x.item() ** 2 - 2) < 1e-6 or it >= 20:
        break
print(it, f"{x.item():.6f}", round(math.sqrt(2), 6))
