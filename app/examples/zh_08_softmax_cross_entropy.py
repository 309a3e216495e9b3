# softmax 与交叉熵
import torch

logits = torch.tensor([[2.0, 1.0, 0.1]], requires_grad=True)
label = torch.tensor([0])

probs = torch.softmax(logits, dim=1)
print(probs)

loss = torch.nn.functional.cross_entropy(logits, label)
loss.backward()
# 交叉熵对 logits 的梯度是 softmax - one_hot
print(logits.grad)
