# Python constructs teaching code uses around tensors: lambda, try/except/else/finally,
# raise, decorators (@torch.no_grad()), *args/**kwargs, sets, sorted(key=), map/filter.
import torch

activation = lambda t: torch.where(t > 0, t, 0.1 * t)
x = torch.tensor([-2.0, -0.5, 1.0, 3.0], requires_grad=True)
y = activation(x).pow(2).sum()
y.backward()
print(x.grad)

try:
    bad = torch.ones(2, 3) @ torch.ones(2, 3)
except RuntimeError as e:
    print("shape error:", e)
else:
    print("no error")
finally:
    print("checked shapes")


def safe_log(t):
    if (t <= 0).any():
        raise ValueError("log needs positive values")
    return t.log()


for values in ([1.0, 2.0], [0.0, 1.0]):
    try:
        print(safe_log(torch.tensor(values)))
    except ValueError as e:
        print("refused:", e)


def logged(fn):
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__, len(args), sorted(kwargs))
        return fn(*args, **kwargs)
    return wrapper


@logged
@torch.no_grad()
def sgd_step(*params, lr=0.1):
    for p in params:
        p -= lr * p.grad
    return [p.requires_grad for p in params]


w = torch.tensor([1.0, -1.0], requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
loss = ((w * 2 + b) ** 2).sum()
loss.backward()
print(sgd_step(w, b, lr=0.05), w, b)

names = {"w", "b", "w"}
grads = {"w": w.grad.abs().sum().item(), "b": b.grad.abs().item()}
print(sorted(names), sorted(grads, key=lambda k: grads[k]), list(map(round, [1.26, 2.5])))
print(list(filter(lambda v: v > 0, x.detach().tolist())), "{:.3f}".format(loss.item()))
