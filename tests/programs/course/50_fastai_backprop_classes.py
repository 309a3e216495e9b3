# Source: fast.ai Practical Deep Learning for Coders, part 2 (2022) — 03_backprop.ipynb - refactored into Relu, Lin, Mse classes with __call__ and backward, rewritten.
import torch

torch.manual_seed(42)
x_train = torch.randn(50, 20)
y_train = torch.randint(0, 10, (50,)).float()
n, m = x_train.shape
nh = 50
w1 = torch.randn(m, nh)
b1 = torch.zeros(nh)
w2 = torch.randn(nh, 1)
b2 = torch.zeros(1)


class Relu():
    def __call__(self, inp):
        self.inp = inp
        self.out = inp.clamp_min(0.)
        return self.out

    def backward(self):
        self.inp.g = (self.inp > 0).float() * self.out.g


class Lin():
    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, inp):
        self.inp = inp
        self.out = self.inp @ self.w + self.b
        return self.out

    def backward(self):
        self.inp.g = self.out.g @ self.w.t()
        self.w.g = self.inp.t() @ self.out.g
        self.b.g = self.out.g.sum(0)


class Mse():
    def __call__(self, inp, targ):
        self.inp, self.targ = inp, targ
        self.out = (inp.squeeze() - targ).pow(2).mean()
        return self.out

    def backward(self):
        self.inp.g = 2. * (self.inp.squeeze() - self.targ).unsqueeze(-1) / self.targ.shape[0]


class Model():
    def __init__(self, w1, b1, w2, b2):
        self.layers = [Lin(w1, b1), Relu(), Lin(w2, b2)]
        self.loss = Mse()

    def __call__(self, x, targ):
        for l in self.layers:
            x = l(x)
        return self.loss(x, targ)

    def backward(self):
        self.loss.backward()
        for l in reversed(self.layers):
            l.backward()


model = Model(w1, b1, w2, b2)
loss = model(x_train, y_train)
model.backward()
print(loss)

# the same with autograd
w1r, b1r, w2r, b2r = [t.clone().requires_grad_() for t in (w1, b1, w2, b2)]
out = (x_train @ w1r + b1r).clamp_min(0.) @ w2r + b2r
loss_pt = (out.squeeze() - y_train).pow(2).mean()
loss_pt.backward()
print(torch.allclose(w1.g, w1r.grad, rtol=1e-3, atol=1e-5), torch.allclose(b2.g, b2r.grad, rtol=1e-3, atol=1e-5))
