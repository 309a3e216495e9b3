# A custom autograd Function (a leaky ReLU with ctx attributes and needs_input_grad) used
# inside an nn.Module subclass that sits in an nn.Sequential, trained for a few steps.
import torch
import torch.nn as nn


class LeakyClamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        return torch.where(x > 0, x, slope * x)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        grad = grad_output * torch.where(x > 0, torch.ones_like(x), torch.full_like(x, ctx.slope))
        return grad if ctx.needs_input_grad[0] else None, None


class LeakyLayer(nn.Module):
    def __init__(self, n_in, n_out, slope=0.1):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.slope = slope

    def forward(self, x):
        return LeakyClamp.apply(self.linear(x), self.slope)


torch.manual_seed(0)
net = nn.Sequential(LeakyLayer(3, 4), LeakyLayer(4, 1, slope=0.2))
print(net)
data = torch.randn(6, 3)
target = torch.randn(6, 1)
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(4):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(net(data), target)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 6))
print([name for name, _ in net.named_parameters()])
print(net[0].linear.weight.grad.shape, loss.grad_fn.next_functions[0][0].name())
