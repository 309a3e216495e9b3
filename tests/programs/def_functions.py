def sigmoid(t):
    return 1 / (1 + torch.exp(-t))

def layer(inp, w, b=0.0):
    return sigmoid(inp * w + b)

w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
x = torch.tensor([1.0, 2.0, 3.0])
a = layer(x, w)
b = layer(a, w, b=0.1)
loss = b.sum()
loss.backward()
print(a, b, w.grad, sep="\n")
