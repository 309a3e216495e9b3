torch.manual_seed(0)
x = torch.linspace(0, 1, 10).unsqueeze(1)
y = 2 * x - 1
layer = nn.Linear(1, 1)
opt = torch.optim.SGD(layer.parameters(), lr=0.5, momentum=0.9)
loss_fn = nn.MSELoss()
history = []
step = 0
while step < 20:
    opt.zero_grad()
    loss = loss_fn(layer(x), y)
    loss.backward()
    opt.step()
    step += 1
    if step % 5 == 0:
        history.append(round(loss.item(), 5))
print(history)
print(layer.weight.item() > 1.5, f"{layer.bias.item():+.3f}")
