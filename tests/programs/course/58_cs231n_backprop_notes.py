# Source: Stanford CS231n — course notes, "Backpropagation, Intuitions" - staged backprop of a sigmoid neuron and of f(x,y), checked against autograd, rewritten.
import math
import torch

w = [2, -3, -3]
x = [-1, -2]

dot = w[0] * x[0] + w[1] * x[1] + w[2]
f = 1.0 / (1 + math.exp(-dot))

ddot = (1 - f) * f
dx = [w[0] * ddot, w[1] * ddot]
dw = [x[0] * ddot, x[1] * ddot, 1.0 * ddot]
print(f, dx, dw)

wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
ft = torch.sigmoid(wt[0] * xt[0] + wt[1] * xt[1] + wt[2])
ft.backward()
print(wt.grad, xt.grad)

x = 3
y = -4

sigy = 1.0 / (1 + math.exp(-y))
num = x + sigy
sigx = 1.0 / (1 + math.exp(-x))
xpy = x + y
xpysqr = xpy**2
den = sigx + xpysqr
invden = 1.0 / den
f = num * invden

dnum = invden
dinvden = num
dden = (-1.0 / (den**2)) * dinvden
dsigx = (1) * dden
dxpysqr = (1) * dden
dxpy = (2 * xpy) * dxpysqr
dx = (1) * dxpy
dy = (1) * dxpy
dx += ((1 - sigx) * sigx) * dsigx
dx += (1) * dnum
dsigy = (1) * dnum
dy += ((1 - sigy) * sigy) * dsigy
print(f, dx, dy)

xt = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
yt = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
ft = (xt + torch.sigmoid(yt)) / (torch.sigmoid(xt) + (xt + yt) ** 2)
ft.backward()
print(ft.item(), xt.grad.item(), yt.grad.item())
print(abs(xt.grad.item() - dx) < 1e-12, abs(yt.grad.item() - dy) < 1e-12)
