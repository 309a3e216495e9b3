torch.manual_seed(1)
w = torch.randn(3, requires_grad=True)
xs = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
ys = torch.tensor([1.0, -2.0])
lr = 0.05
for step in range(3):
    pred = xs @ w
    loss = ((pred - ys) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
    print(step, round(loss.item(), 5))
    w.grad = None
print(w)
