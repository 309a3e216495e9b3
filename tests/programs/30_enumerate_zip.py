names = ["w1", "w2", "w3"]
values = [0.5, -1.0, 2.0]
params = {}
for n, v in zip(names, values):
    params[n] = torch.tensor(v, requires_grad=True)
out = params["w1"] * params["w2"] + params["w3"] ** 2
out.backward()
for i, (n, p) in enumerate(params.items()):
    print(i, n, p.item(), p.grad.item())
for i, n in enumerate(names, start=1):
    print(f"{i}. {n}")
print(list(zip([1, 2, 3], "abc")))
