# Vanishing gradients: sigmoid versus ReLU
# gradtrace options: color_by=grad
import torch

# Two stacks of five layers, side by side in one graph. Each box is coloured by the size of its
# gradient (log scale, legend in the drawing): the sigmoid stack fades layer by layer, because
# sigmoid's slope is at most 0.25, while ReLU's slope of 1 passes the gradient on unchanged.
x = torch.tensor(1.0, requires_grad=True)
x2 = torch.tensor(1.0, requires_grad=True)

h = x
r = x2
for layer in range(1, 6):
    h = torch.sigmoid(h)
    r = torch.relu(r)
    print("after layer", layer, "sigmoid:", h, "relu:", r)

out = h + r
out.backward()
print("gradient through sigmoids:", x.grad)
print("gradient through ReLUs:", x2.grad)
