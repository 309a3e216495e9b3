x = torch.tensor(3.14159, requires_grad=True)
y = x * 2
name = "loss"
print(f"{name}: {y.item():.3f}")
print(f"{name!r:>10}|{42:05d}|{0.000123:.2e}|{1234567.891:,.2f}")
print(f"{7:b} {255:x} {255:#X} {0.25:%}")
print(f"{'left':<8}|{'mid':^8}|{'right':>8}|")
print(f"{x.item():8.4f} {y}")
print(f"{x=}")
print(f"{3 + 4 = }")
pct = 0.8765
print(f"accuracy {pct:.1%}")
print("%.3f %d %s" % (1.23456, 7, "ok"))
