# Source: Stanford CS231n course notes, "Backpropagation, Intuitions" - staged backprop of a sigmoid neuron and of f(x,y), checked against autograd, rewritten.
import math
import torch

# a sigmoid neuron, gradients by hand
w = [2, -3, -3]  # assume some random weights and data
x = [-1, -2]

dot = w[0] * x[0] + w[1] * x[1] + w[2]
f = 1.0 / (1 + math.exp(-dot))  # sigmoid function

ddot = (1 - f) * f  # gradient on dot variable, using the sigmoid gradient derivation
dx = [w[0] * ddot, w[1] * ddot]  # backprop into x
dw = [x[0] * ddot, x[1] * ddot, 1.0 * ddot]  # backprop into w
print(f, dx, dw)

wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
ft = torch.sigmoid(wt[0] * xt[0] + wt[1] * xt[1] + wt[2])
ft.backward()
print(wt.grad, xt.grad)

# f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2), staged
x = 3  # example values
y = -4

# forward pass
sigy = 1.0 / (1 + math.exp(-y))  # sigmoid in numerator   #(1)
num = x + sigy  # numerator                               #(2)
sigx = 1.0 / (1 + math.exp(-x))  # sigmoid in denominator #(3)
xpy = x + y                                              #(4)
xpysqr = xpy**2                                          #(5)
den = sigx + xpysqr  # denominator                        #(6)
invden = 1.0 / den                                       #(7)
f = num * invden  # done!                                 #(8)

# backprop f = num * invden
dnum = invden  # gradient on numerator                             #(8)
dinvden = num                                                     #(8)
# backprop invden = 1.0 / den
dden = (-1.0 / (den**2)) * dinvden                                #(7)
# backprop den = sigx + xpysqr
dsigx = (1) * dden                                                #(6)
dxpysqr = (1) * dden                                              #(6)
# backprop xpysqr = xpy**2
dxpy = (2 * xpy) * dxpysqr                                        #(5)
# backprop xpy = x + y
dx = (1) * dxpy                                                   #(4)
dy = (1) * dxpy                                                   #(4)
# backprop sigx = 1.0 / (1 + math.exp(-x))
dx += ((1 - sigx) * sigx) * dsigx  # Notice += !! See notes below  #(3)
# backprop num = x + sigy
dx += (1) * dnum                                                  #(2)
dsigy = (1) * dnum                                                #(2)
# backprop sigy = 1.0 / (1 + math.exp(-y))
dy += ((1 - sigy) * sigy) * dsigy                                 #(1)
print(f, dx, dy)

xt = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
yt = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
ft = (xt + torch.sigmoid(yt)) / (torch.sigmoid(xt) + (xt + yt) ** 2)
ft.backward()
print(ft.item(), xt.grad.item(), yt.grad.item())
print(abs(xt.grad.item() - dx) < 1e-12, abs(yt.grad.item() - dy) < 1e-12)
