# fast.ai part 2, "backprop from the foundations": Relu, Lin and Mse as classes with __call__
# and backward, gradients kept as `.g` attributes on the tensors, checked against autograd.
import torch


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


torch.manual_seed(1)
x_train = torch.randn(8, 4)
y_train = torch.randn(8)
w1 = torch.randn(4, 5) * 0.5
b1 = torch.zeros(5)
w2 = torch.randn(5, 1) * 0.5
b2 = torch.zeros(1)
model = Model(w1, b1, w2, b2)
loss = model(x_train, y_train)
model.backward()
print(loss)
manual = [w1.g, b1.g, w2.g, b2.g]

xt2 = x_train.clone().requires_grad_(True)
ws = [p.clone().requires_grad_(True) for p in (w1, b1, w2, b2)]
w12, b12, w22, b22 = ws
loss2 = Model(w12, b12, w22, b22)(xt2, y_train)
loss2.backward()
for mine, theirs in zip(manual, ws):
    print(torch.allclose(mine, theirs.grad, atol=1e-6))
print(torch.allclose(x_train.g, xt2.grad, atol=1e-6))
