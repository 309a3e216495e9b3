x = torch.tensor(1.5, requires_grad=True)
y = x
n = 0
while n < 5:
    y = y * x + 1
    n += 1
    if y.item() > 100:
        break
y.backward()
print(n, y, x.grad)
