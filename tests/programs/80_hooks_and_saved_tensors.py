# The PyTorch docs' "Autograd mechanics" hooks and "saved tensors" pages: a hook that prints and
# doubles a gradient, a leaf hook, and what a node saved for backward, read back.
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.pow(2)
print(y.grad_fn._saved_self)
print(y.grad_fn._saved_exponent)


def double(grad):
    print("gradient reaching y:", grad)
    return grad * 2


handle = y.register_hook(double)
x.register_hook(lambda grad: print("gradient reaching x:", grad))
z = (y * 3).sum()
z.backward()
print(x.grad)
handle.remove()

a = torch.tensor(2.0, requires_grad=True)
b = a.exp()
print(b.grad_fn._saved_result, b.grad_fn._saved_result is b)
print(b.grad_fn.next_functions[0][0].variable is a)
b.backward()
print(a.grad)
