# Source: PyTorch documentation (pytorch.org/docs) — "Extending PyTorch" - LinearFunction, MulConstant and gradcheck, rewritten.
import torch
from torch.autograd import Function, gradcheck


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None

        # only compute what is needed
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)

        return grad_input, grad_weight, grad_bias


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant  # a non-tensor kept on ctx
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


linear = LinearFunction.apply
inputs = (torch.randn(6, 4, dtype=torch.double, requires_grad=True),
          torch.randn(3, 4, dtype=torch.double, requires_grad=True))
test = gradcheck(linear, inputs, eps=1e-6, atol=1e-4)
print(test)

x = torch.randn(4, 3, requires_grad=True)
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
y = MulConstant.apply(linear(x, w, b), 5.0)
y.sum().backward()
print(y.grad_fn)
print(b.grad)
