# Karpathy's micrograd (the lecture's Value class, Neuron, Layer, MLP), with fixed weights
# instead of random ones, checked against the same network in PyTorch.
import torch


class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f'**{other}')

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, weights, nonlin=True):
        self.w = [Value(w) for w in weights]
        self.b = Value(0.1)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, rows, **kwargs):
        self.neurons = [Neuron(row, **kwargs) for row in rows]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


W1 = [[0.5, -0.2], [0.3, 0.8], [-0.6, 0.1]]
W2 = [[1.0, -0.5, 0.25]]
model = [Layer(W1), Layer(W2, nonlin=False)]
xs = [[2.0, 1.0], [-1.0, 0.5]]
ys = [1.0, -1.0]
total = Value(0)
for x, target in zip(xs, ys):
    out = x
    for layer in model:
        out = layer(out)
    total = total + (out - target) ** 2
total.backward()
params = [p for layer in model for p in layer.parameters()]
print(total, len(params))
print([round(p.grad, 6) for p in params])

tw1 = torch.tensor(W1, requires_grad=True)
tb1 = torch.full((3,), 0.1, requires_grad=True)
tw2 = torch.tensor(W2, requires_grad=True)
tb2 = torch.full((1,), 0.1, requires_grad=True)
tx = torch.tensor(xs)
tout = torch.relu(tx @ tw1.t() + tb1) @ tw2.t() + tb2
tloss = ((tout.squeeze(1) - torch.tensor(ys)) ** 2).sum()
tloss.backward()
print(round(tloss.item(), 5), [round(g, 6) for g in tw1.grad.flatten().tolist()])
model[0].zero_grad()
print(params[0].grad, params[-1].grad)
