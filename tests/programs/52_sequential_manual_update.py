torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Dropout(0.5), nn.Linear(3, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(4, 3)
out = model(x).sum()
out.backward()
print(model[0].weight.grad is not None)
opt.zero_grad()
print(model[0].weight.grad)
model.zero_grad()
print(len(model), model[:2])
lr = 0.01
out = model(x).sum()
out.backward()
with torch.no_grad():
    for p in model.parameters():
        p -= lr * p.grad
for p in model.parameters():
    p.grad = None
print(model[3].bias)
params = list(model.parameters())
print(len(params), [tuple(p.shape) for p in params])
print(isinstance(model[0], nn.Linear), isinstance(params[0], nn.Parameter), isinstance(params[0], torch.Tensor))
