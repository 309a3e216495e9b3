xs = [torch.tensor(float(i), requires_grad=True) for i in range(1, 5)]
ys = [x ** 2 for x in xs if x.item() != 3.0]
total = sum(ys)
print(total)
total.backward()
print([x.grad for x in xs])
print([x.grad.item() if x.grad is not None else None for x in xs])
squares = {i: i * i for i in range(4)}
print(squares)
pairs = [(i, j) for i in range(3) for j in range(i)]
print(pairs)
