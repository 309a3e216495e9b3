# Source: Dive into Deep Learning (d2l.ai) — "Recurrent Neural Networks from Scratch" - one-hot inputs, a hand-written RNN and gradient clipping, rewritten (a short random sequence).
import math
import torch
from torch.nn import functional as F

vocab_size, num_hiddens, batch_size, num_steps = 10, 16, 2, 5
print(F.one_hot(torch.tensor([0, 2]), vocab_size))


def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape) * 0.01

    # hidden layer parameters
    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens)
    # output layer parameters
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (torch.zeros((batch_size, num_hiddens)), )


def rnn(inputs, state, params):
    # inputs: (num_steps, batch_size, vocab_size)
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def grad_clipping(params, theta):
    """Scale all gradients down together when their norm passes theta."""
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


params = get_params(vocab_size, num_hiddens)
X = torch.randint(0, vocab_size, (batch_size, num_steps))
Y = torch.randint(0, vocab_size, (batch_size, num_steps))
state = init_rnn_state(X.shape[0], num_hiddens)
for epoch in range(5):
    for s in state:
        s.detach_()
    y_hat, state = rnn(F.one_hot(X.T, vocab_size).type(torch.float32), state, params)
    y = Y.T.reshape(-1)
    l = F.cross_entropy(y_hat, y.long()).mean()
    for param in params:
        param.grad = None
    l.backward()
    grad_clipping(params, 1)
    with torch.no_grad():
        for param in params:
            param -= 1.0 * param.grad
    print(epoch, math.exp(l.item()))
