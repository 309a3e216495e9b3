# Source: 莫烦Python PyTorch-Tutorial (MorvanZhou) — 202_variable.py - Variable (now a tensor) and its gradient, rewritten.
import torch
from torch.autograd import Variable

# Variable 是计算图的一部分；从 PyTorch 0.4 起它就是一个 tensor
tensor = torch.FloatTensor([[1, 2], [3, 4]])  # 建立一个 tensor
variable = Variable(tensor, requires_grad=True)  # 需要梯度的 variable

print(tensor)
print(variable)

t_out = torch.mean(tensor * tensor)  # x^2
v_out = torch.mean(variable * variable)  # x^2
print(t_out)
print(v_out)  # 7.5

v_out.backward()  # 反向传播
# v_out = 1/4 * sum(variable*variable)，所以 d(v_out)/d(variable) = variable/2
print(variable.grad)

print(variable)  # Variable 形式
print(variable.data)  # tensor 形式
print(variable.data.numpy())  # numpy 形式
