# Softmax with cross-entropy
import torch

logits = torch.tensor([[2.0, 1.0, 0.1]], requires_grad=True)
label = torch.tensor([0])

probs = torch.softmax(logits, dim=1)
print(probs)

loss = torch.nn.functional.cross_entropy(logits, label)
loss.backward()
# The gradient of cross-entropy with respect to the logits is softmax - one_hot.
print(logits.grad)
