# requires_grad_ and grad_fn
import torch

a = torch.tensor([[2.0, -1.0], [0.5, 3.0]])
print(a.requires_grad)  # a tensor you build yourself does not track history yet

a.requires_grad_(True)  # switch tracking on, in place
print(a.grad_fn)  # None: `a` is a leaf, nothing created it

b = (a * a).sum()
print(b.is_leaf)  # False: b has a grad_fn (SumBackward0 in the graph)

b.backward()
print(a.grad)  # d(sum(a^2))/da = 2a
