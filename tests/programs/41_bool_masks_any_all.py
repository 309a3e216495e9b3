t = torch.tensor([[1.0, -2.0], [0.0, 4.0]], requires_grad=True)
pos = t > 0
print(pos.any(), pos.all(), pos.sum().item())
masked = t.masked_fill(~pos, 0.0)
print(masked)
relu_like = t * pos
relu_like.sum().backward()
print(t.grad)
print(any([False, True]), all([1, 0]))
print((t.detach() >= 0) & (t.detach() < 3))
