# Source: UMich EECS 498-007 Deep Learning for Computer Vision (Justin Johnson) — eecs598/grad.py - compute_numeric_gradient and rel_error, rewritten.
import torch


def compute_numeric_gradient(f, x, dLdf=None, h=1e-7):
    """Numeric gradient of f at x with centred differences, entry by entry."""
    flat_x = x.contiguous().flatten()
    grad = torch.zeros_like(x)
    flat_grad = grad.flatten()

    if dLdf is None:
        y = f(x)
        dLdf = torch.ones_like(y)
    dLdf = dLdf.flatten()

    for i in range(flat_x.shape[0]):
        oldval = flat_x[i].item()
        flat_x[i] = oldval + h
        fxph = f(x).flatten()
        flat_x[i] = oldval - h
        fxmh = f(x).flatten()
        flat_x[i] = oldval

        dfdxi = (fxph - fxmh) / (2 * h)

        flat_grad[i] = dLdf.dot(dfdxi).item()

    return grad


def rel_error(x, y, eps=1e-10):
    """Relative error between two tensors, bounded below by eps."""
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


x = torch.randn(4, 5, dtype=torch.float64)
w = torch.randn(5, 3, dtype=torch.float64)
dout = torch.randn(4, 3, dtype=torch.float64)

f = lambda x: torch.tanh(x @ w)
dx_num = compute_numeric_gradient(f, x, dout)

xr = x.clone().requires_grad_()
out = torch.tanh(xr @ w)
out.backward(dout)
print('dx error: ', rel_error(dx_num, xr.grad))
print(rel_error(dx_num, xr.grad) < 1e-6)
