def train_step(model, opt, x, y, loss_fn=nn.MSELoss()):
    opt.zero_grad(set_to_none=False)
    pred = model(x)
    loss = loss_fn(pred, y)
    loss.backward()
    opt.step()
    return loss.item(), pred.detach()

torch.manual_seed(3)
net = nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1))
opt = torch.optim.AdamW(net.parameters(), lr=0.01, weight_decay=0.1)
x = torch.randn(6, 2)
y = x.sum(dim=1, keepdim=True)
history = [train_step(net, opt, x, y)[0] for epoch in range(4)]
print([f"{h:.4f}" for h in history])
last_loss, last_pred = train_step(net, opt, x, y)
print(round(last_loss, 4), last_pred.shape, last_pred.requires_grad)
opt.zero_grad(set_to_none=False)
print(net[0].bias.grad)
with torch.no_grad() as ctx:
    print(net(x[:1]).requires_grad)
