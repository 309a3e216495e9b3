w = torch.tensor([0.5, -0.5], requires_grad=True)
batches = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0])]
for i, xb in enumerate(batches):
    loss = (w * xb).sum() ** 2
    loss.backward()
    print(i, loss.item(), w.grad.tolist())
accumulated = w.grad.clone()
w.grad = None
print(w.grad)
print(accumulated)
