# Source: 莫烦Python PyTorch-Tutorial (MorvanZhou) — 303_build_nn_quickly.py - a class-based Net and the same as torch.nn.Sequential, rewritten.
import torch
import torch.nn.functional as F


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net1 = Net(1, 10, 1)

net2 = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.ReLU(),
    torch.nn.Linear(10, 1)
)

print(net1)
print(net2)

x = torch.linspace(-1, 1, 5).unsqueeze(1)
out1, out2 = net1(x), net2(x)
(out1.sum() + out2.sum()).backward()
print(net1.hidden.weight.grad.shape, net2[0].weight.grad.shape)
