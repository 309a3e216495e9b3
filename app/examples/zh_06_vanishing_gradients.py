# 梯度消失：sigmoid 与 ReLU 对比
# gradtrace options: color_by=grad
import torch

# 两叠各五层，画在同一张计算图里。每个方框按梯度大小着色（对数刻度，图例在图中）：
# sigmoid 的导数最大只有 0.25，梯度每过一层至少缩小为原来的四分之一，一层层变淡；
# ReLU 在正半轴的导数是 1，梯度原样传回去。
x = torch.tensor(1.0, requires_grad=True)
x2 = torch.tensor(1.0, requires_grad=True)

h = x
r = x2
for layer in range(1, 6):
    h = torch.sigmoid(h)
    r = torch.relu(r)
    print("第", layer, "层后 sigmoid:", h, "relu:", r)

out = h + r
out.backward()
print("经过 sigmoid 的梯度:", x.grad)
print("经过 ReLU 的梯度:", x2.grad)
