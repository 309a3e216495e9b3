# Source: PyTorch Tutorials (pytorch.org/tutorials) — "What is torch.nn really?" (Jeremy Howard) - neural net from scratch, rewritten.
# MNIST is replaced by a small random tensor dataset built here.
import math
import numpy as np
import torch

# stand-in for the MNIST arrays the tutorial unpickles: numpy arrays, then map(torch.tensor, ...)
rng = np.random.default_rng(0)
x_train_np = rng.random((256, 784), dtype=np.float32)
y_train_np = rng.integers(0, 10, size=256)
x_train, y_train = map(torch.tensor, (x_train_np, y_train_np))
n, c = x_train.shape
print(x_train.shape, y_train.min(), y_train.max())

# Xavier initialisation, then ask for gradients
weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64
xb = x_train[0:bs]
preds = model(xb)
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll
yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))

lr = 0.5
epochs = 2
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

print(loss_func(model(xb), yb), accuracy(model(xb), yb))
