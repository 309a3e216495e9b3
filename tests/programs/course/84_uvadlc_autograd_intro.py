# Source: UvA Deep Learning Course tutorials (Phillip Lippe) — Tutorial 2 "Introduction to PyTorch" - dynamic computation graph and backpropagation, rewritten.
import torch

print("Using torch", torch.__version__)
torch.manual_seed(42)  # setting the seed

x = torch.ones((3,))
print(x.requires_grad)

x.requires_grad_(True)
print(x.requires_grad)

# y = 1/|x| * sum_i [(x_i + 2)^2 + 3]
x = torch.arange(3, dtype=torch.float32, requires_grad=True)  # only float tensors can have gradients
print("X", x)

a = x + 2
b = a ** 2
c = b + 3
y = c.mean()
print("Y", y)

y.backward()
print(x.grad)

gpu_avail = torch.cuda.is_available()
print(f"Is the GPU available? {gpu_avail}")
device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
print("Device", device)

x = torch.zeros(2, 3)
x = x.to(device)
print("X", x)
