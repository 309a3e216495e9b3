# Source: 莫烦Python (MorvanZhou) PyTorch-Tutorial, 303_build_nn_quickly.py - a class-based Net and the same as torch.nn.Sequential, rewritten.
import torch
import torch.nn.functional as F


# replace following class code with an easy sequential network
class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)  # hidden layer
        self.predict = torch.nn.Linear(n_hidden, n_output)  # output layer

    def forward(self, x):
        x = F.relu(self.hidden(x))  # activation function for hidden layer
        x = self.predict(x)  # linear output
        return x


net1 = Net(1, 10, 1)

# easy and fast way to build your network
net2 = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.ReLU(),
    torch.nn.Linear(10, 1)
)

print(net1)  # net1 architecture
print(net2)  # net2 architecture

x = torch.linspace(-1, 1, 5).unsqueeze(1)
out1, out2 = net1(x), net2(x)
(out1.sum() + out2.sum()).backward()
print(net1.hidden.weight.grad.shape, net2[0].weight.grad.shape)
