# Source: Stanford CS231n — assignment 2, PyTorch.ipynb - "Barebones PyTorch": flatten, two_layer_fc, random_weight with Kaiming init, a manual training step, rewritten (random data).
import numpy as np
import torch
import torch.nn.functional as F

USE_GPU = True
dtype = torch.float32

if USE_GPU and torch.cuda.is_available():
    device = torch.device('cuda')
else:
    device = torch.device('cpu')

print_every = 2
print('using device:', device)


def flatten(x):
    N = x.shape[0]
    return x.view(N, -1)


x = torch.arange(12).view(2, 1, 3, 2)
print('Before flattening: ', x)
print('After flattening: ', flatten(x))


def two_layer_fc(x, params):
    x = flatten(x)

    w1, w2 = params

    x = F.relu(x.mm(w1))
    x = x.mm(w2)
    return x


def random_weight(shape):
    """Kaiming normalization: sqrt(2 / fan_in)"""
    if len(shape) == 2:
        fan_in = shape[0]
    else:
        fan_in = np.prod(shape[1:])
    w = torch.randn(shape, device=device, dtype=dtype) * np.sqrt(2. / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


hidden_layer_size = 42
x = torch.zeros((64, 50), dtype=dtype)
w1 = torch.zeros((50, hidden_layer_size), dtype=dtype)
w2 = torch.zeros((hidden_layer_size, 10), dtype=dtype)
scores = two_layer_fc(x, [w1, w2])
print(scores.size())

learning_rate = 1e-2
w1 = random_weight((3 * 8 * 8, hidden_layer_size))
w2 = random_weight((hidden_layer_size, 10))
x_data = torch.randn(16, 3, 8, 8)
y_data = torch.randint(0, 10, (16,))
for t in range(6):
    x = x_data.to(device=device, dtype=dtype)
    y = y_data.to(device=device, dtype=torch.long)

    scores = two_layer_fc(x, [w1, w2])
    loss = F.cross_entropy(scores, y)
    loss.backward()

    with torch.no_grad():
        for w in [w1, w2]:
            w -= learning_rate * w.grad
            w.grad.zero_()

    if t % print_every == 0:
        print('Iteration %d, loss = %.4f' % (t, loss.item()))
