w = torch.ones(2, 3, requires_grad=True)
with torch.no_grad():
    first = w[0]
    first.fill_(5.0)
print(w)
loss = (w * 2).sum()
loss.backward()
print(w.grad)
