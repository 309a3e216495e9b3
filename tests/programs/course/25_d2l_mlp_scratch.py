# Source: Dive into Deep Learning (d2l.ai) — "Implementation of Multilayer Perceptrons from Scratch", rewritten (random data).
import torch
from torch import nn

num_inputs, num_outputs, num_hiddens = 784, 10, 256

W1 = nn.Parameter(torch.randn(
    num_inputs, num_hiddens, requires_grad=True) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(
    num_hiddens, num_outputs, requires_grad=True) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))

params = [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)  # '@' is matrix multiplication
    return (H @ W2 + b2)


loss = nn.CrossEntropyLoss(reduction='none')

num_epochs, lr = 3, 0.1
updater = torch.optim.SGD(params, lr=lr)

X_train = torch.rand(128, 1, 28, 28)
y_train = torch.randint(0, 10, (128,))
for epoch in range(num_epochs):
    for i in range(0, 128, 64):
        X, y = X_train[i:i + 64], y_train[i:i + 64]
        l = loss(net(X), y)
        updater.zero_grad()
        l.mean().backward()
        updater.step()
    print(epoch + 1, float(loss(net(X_train), y_train).mean()))
