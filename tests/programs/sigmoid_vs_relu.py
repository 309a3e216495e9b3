x = torch.tensor(0.5, requires_grad=True)
h = x
for i in range(6):
    h = torch.sigmoid(h * 2.0)
h.backward()
sig_grad = x.grad.clone()
x.grad.zero_()
r = x
for i in range(6):
    r = torch.relu(r * 2.0)
r.backward()
print(f"sigmoid stack: {sig_grad.item():.6e}, relu stack: {x.grad.item():.6e}")
