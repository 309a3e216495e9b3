# Source: PyTorch documentation (pytorch.org/docs) — "Autograd mechanics" - saved tensors, and the "Hooks for autograd saved tensors" tutorial, rewritten.
import torch

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # the same values
print(x is y.grad_fn._saved_self)  # and the same tensor object

y = x.exp()
print(y.equal(y.grad_fn._saved_result))
print(y is y.grad_fn._saved_result)  # an output is saved unpacked: a new object

a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)


def f(x, y):
    return x * y


out = f(a, b)
print(out.grad_fn)
print(out.grad_fn.next_functions)
print(out.grad_fn._saved_self is a, out.grad_fn._saved_other is b)
out.sum().backward()
print(a.grad, b.grad)
