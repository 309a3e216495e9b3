# Source: Stanford CS231n — assignment 1 (cs231n/gradient_check.py and the softmax exercise) - numerical gradient with np.nditer and relative error, rewritten.
import numpy as np
import torch


def eval_numerical_gradient(f, x, verbose=True, h=0.00001):
    """A naive centred-difference gradient of f at x (a numpy array)."""
    fx = f(x)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval

        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()

    return grad


def rel_error(x, y):
    """ returns relative error """
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(num_train), y]).sum() / num_train + reg * np.sum(W * W)
    dscores = probs
    dscores[np.arange(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW


np.random.seed(231)
W = np.random.randn(4, 3) * 0.01
X = np.random.randn(5, 4)
y = np.random.randint(3, size=5)

loss, grad = softmax_loss_vectorized(W, X, y, 0.1)
print('loss: %f' % loss)
print('sanity check: %f' % (-np.log(0.1)))

f = lambda w: softmax_loss_vectorized(w, X, y, 0.1)[0]
grad_numerical = eval_numerical_gradient(f, W, verbose=False)
print('relative error: %e' % rel_error(grad, grad_numerical))

Wt = torch.tensor(W, requires_grad=True)
scores = torch.tensor(X) @ Wt
loss_t = torch.nn.functional.cross_entropy(scores, torch.tensor(y)) + 0.1 * (Wt * Wt).sum()
loss_t.backward()
print('torch agrees:', rel_error(Wt.grad.numpy(), grad) < 1e-7)
