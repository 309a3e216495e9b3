def mse(pred, target, reduce=True):
    err = (pred - target) ** 2
    if reduce:
        return err.mean()
    return err

def forward(x, w, b=0.0):
    return x @ w + b

w = torch.tensor([[0.5], [-1.0]], requires_grad=True)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
target = torch.tensor([[1.0], [0.0]])
pred = forward(x, w, b=0.25)
loss = mse(pred, target)
loss.backward()
print(loss)
print(w.grad)
print(mse(pred, target, reduce=False))
print(forward(x, w).shape)
