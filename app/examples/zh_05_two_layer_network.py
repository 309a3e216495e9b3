# 两层神经网络：前向传播与反向传播
import torch

torch.manual_seed(0)
layer1 = torch.nn.Linear(3, 4)
layer2 = torch.nn.Linear(4, 1)

x = torch.randn(2, 3)  # 一批两个样本
target = torch.tensor([[1.0], [0.0]])

# 前向传播：线性层、ReLU、线性层，再算均方误差损失
hidden = torch.relu(layer1(x))
prediction = layer2(hidden)
loss = ((prediction - target) ** 2).mean()

# 反向传播：每一层权重的梯度都填进了 .grad
loss.backward()
print(loss)
print(layer1.weight.grad)
print(layer2.weight.grad)
