torch.manual_seed(42)
X = torch.randn(100, 3)
true_w = torch.tensor([[2.0], [-3.0], [0.5]])
y = X @ true_w + 0.1 * torch.randn(100, 1)
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
batch_size = 20
for epoch in range(5):
    perm = torch.randperm(100)
    total = 0.0
    for i in range(0, 100, batch_size):
        idx = perm[i:i + batch_size]
        xb, yb = X[idx], y[idx]
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    print(f"epoch {epoch}: {total / 100:.4f}")
print(model.weight.data.round(decimals=1))
