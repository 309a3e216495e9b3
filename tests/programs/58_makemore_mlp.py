torch.manual_seed(2147483647)
X = torch.randint(0, 27, (32, 3))
Y = torch.randint(0, 27, (32,))
C = torch.randn((27, 2))
W1 = torch.randn((6, 100))
b1 = torch.randn(100)
W2 = torch.randn((100, 27))
b2 = torch.randn(27)
parameters = [C, W1, b1, W2, b2]
print(sum(p.numel() for p in parameters))
for p in parameters:
    p.requires_grad = True
for step in range(10):
    emb = C[X]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Y)
    for p in parameters:
        p.grad = None
    loss.backward()
    for p in parameters:
        p.data += -0.1 * p.grad
print(emb.shape, h.shape, logits.shape)
print(loss.item())
counts = logits.exp()
prob = counts / counts.sum(1, keepdims=True)
print(prob[0].sum())
print(-prob[torch.arange(32), Y].log().mean())
