# Source: fast.ai Practical Deep Learning for Coders, part 2 (2022) — 03_backprop.ipynb and the "Matrix calculus" intro - checking a hand gradient of a small net against autograd step by step, rewritten.
import torch

torch.manual_seed(1)
x = torch.randn(5, 3)
targ = torch.randn(5)
w = torch.randn(3, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

lin = x @ w + b
act = lin.clamp_min(0.)
diff = act[:, 0] - targ
loss = diff.pow(2).mean()
loss.backward()

# the chain rule by hand
dloss_ddiff = 2 * diff / diff.shape[0]
ddiff_dact = dloss_ddiff[:, None]
dact_dlin = (lin > 0).float() * ddiff_dact
dw = x.t() @ dact_dlin
db = dact_dlin.sum(0)
print(torch.allclose(dw, w.grad), torch.allclose(db, b.grad))
print(w.grad.t(), b.grad)
