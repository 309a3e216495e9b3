# Source: Sebastian Raschka, STAT 453 Deep Learning (UW-Madison, 2021) — L06 adaline-with-autograd.ipynb parts 2-3 and pytorch-autograd.ipynb - torch.autograd.grad and backward(), rewritten (random data).
import torch
from torch.autograd import grad
import torch.nn.functional as F

# pytorch-autograd.ipynb: gradients of a tiny ReLU neuron
x = torch.tensor([3.])
w = torch.tensor([2.], requires_grad=True)
b = torch.tensor([1.], requires_grad=True)
a = F.relu(x * w + b)
print(a)
print(grad(a, w, retain_graph=True))
print(grad(a, b))

a = F.relu(x * w + b)
a.backward()
print(w.grad, b.grad)

X_train = torch.randn(70, 2)
y_train = (X_train[:, 0] - X_train[:, 1] > 0).float()


class Adaline2():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weight = torch.zeros(num_features, 1,
                                  dtype=torch.float,
                                  requires_grad=True)
        self.bias = torch.zeros(1, dtype=torch.float,
                                requires_grad=True)

    def forward(self, x):
        netinputs = torch.add(torch.mm(x, self.weight), self.bias)
        activations = netinputs
        return activations.view(-1)


def loss_func(yhat, y):
    return torch.mean((yhat - y)**2)


def train(model, x, y, num_epochs,
          learning_rate=0.01, seed=123, minibatch_size=10):
    cost = []

    torch.manual_seed(seed)
    for e in range(num_epochs):
        shuffle_idx = torch.randperm(y.size(0), dtype=torch.long)
        minibatches = torch.split(shuffle_idx, minibatch_size)

        for minibatch_idx in minibatches:
            yhat = model.forward(x[minibatch_idx])
            loss = loss_func(yhat, y[minibatch_idx])

            # gradients with torch.autograd.grad instead of by hand
            negative_grad_w = grad(loss, model.weight, retain_graph=True)[0] * (-1)
            negative_grad_b = grad(loss, model.bias)[0] * (-1)

            with torch.no_grad():
                model.weight += learning_rate * negative_grad_w
                model.bias += learning_rate * negative_grad_b

        with torch.no_grad():
            yhat = model.forward(x)
            curr_loss = loss_func(yhat, y)
            print('Epoch: %03d' % (e + 1), end="")
            print(' | MSE: %.5f' % curr_loss)
            cost.append(curr_loss)

    return cost


model = Adaline2(num_features=X_train.size(1))
cost = train(model, X_train, y_train, num_epochs=20,
             learning_rate=0.01, seed=123, minibatch_size=10)
print(model.weight.view(-1), model.bias)
