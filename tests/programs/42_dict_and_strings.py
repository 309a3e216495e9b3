config = {"lr": 0.1, "epochs": 3}
config["momentum"] = 0.9
print(config)
print(list(config.keys()), config.get("wd", 0.0))
for k, v in sorted(config.items()):
    print(k.upper().ljust(9), v)
w = torch.tensor(1.0, requires_grad=True)
log = []
for epoch in range(config["epochs"]):
    loss = (w - 3) ** 2
    loss.backward()
    with torch.no_grad():
        w -= config["lr"] * w.grad
        w.grad.zero_()
    log.append(f"{epoch}:{loss.item():.3f}")
print(", ".join(log))
print("w".join(["a", "b"]), "x,y".split(","), "  pad ".strip())
