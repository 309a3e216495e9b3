# Source: UMich EECS 498-007 Deep Learning for Computer Vision (Justin Johnson) — assignment 3 fully_connected_networks.py - Linear/ReLU layers as classes of static forward/backward methods with a cache, rewritten.
import torch


class Linear(object):

    @staticmethod
    def forward(x, w, b):
        """out = x w + b for x of shape (N, d_1, ..., d_k) reshaped to (N, D)."""
        out = x.reshape(x.shape[0], -1).mm(w) + b
        cache = (x, w, b)
        return out, cache

    @staticmethod
    def backward(dout, cache):
        x, w, b = cache
        dx = dout.mm(w.t()).reshape(x.shape)
        dw = x.reshape(x.shape[0], -1).t().mm(dout)
        db = dout.sum(dim=0)
        return dx, dw, db


class ReLU(object):

    @staticmethod
    def forward(x):
        out = x.clamp(min=0)
        cache = x
        return out, cache

    @staticmethod
    def backward(dout, cache):
        dx, x = None, cache
        dx = dout * (x > 0)
        return dx


class Linear_ReLU(object):

    @staticmethod
    def forward(x, w, b):
        a, fc_cache = Linear.forward(x, w, b)
        out, relu_cache = ReLU.forward(a)
        cache = (fc_cache, relu_cache)
        return out, cache

    @staticmethod
    def backward(dout, cache):
        fc_cache, relu_cache = cache
        da = ReLU.backward(dout, relu_cache)
        dx, dw, db = Linear.backward(da, fc_cache)
        return dx, dw, db


def rel_error(x, y, eps=1e-10):
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


x = torch.randn(2, 3, 4, dtype=torch.float64)
w = torch.randn(12, 10, dtype=torch.float64)
b = torch.randn(10, dtype=torch.float64)
dout = torch.randn(2, 10, dtype=torch.float64)

out, cache = Linear_ReLU.forward(x, w, b)
dx, dw, db = Linear_ReLU.backward(dout, cache)

xt, wt, bt = [t.clone().requires_grad_(True) for t in (x, w, b)]
outt = torch.relu(xt.reshape(2, -1) @ wt + bt)
outt.backward(dout)

print('Testing Linear_ReLU.forward function:')
print('difference: ', rel_error(out, outt.detach()))
print('Testing Linear_ReLU.backward function:')
print('dx error: ', rel_error(dx, xt.grad))
print('dw error: ', rel_error(dw, wt.grad))
print('db error: ', rel_error(db, bt.grad))
