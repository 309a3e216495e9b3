w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
loss = (w ** 2).sum()
loss.backward()
with torch.no_grad():
    w.sub_(0.1 * w.grad)
    w.mul_(2)
print(w)
print(w.is_leaf, w.requires_grad)
w.grad.zero_()
print(w.grad)
with torch.no_grad():
    w[0] = 0.0
    w.clamp_(min=1.0)
print(w)
