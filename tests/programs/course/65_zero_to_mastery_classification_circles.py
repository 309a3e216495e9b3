# Source: Zero to Mastery Learn PyTorch for Deep Learning (Daniel Bourke) — 02 Neural Network Classification - CircleModelV2 with ReLU, BCEWithLogitsLoss, accuracy_fn (1000 epochs), rewritten (circles made with torch instead of sklearn).
import math
import torch
from torch import nn

n_samples = 200
angles = torch.rand(n_samples) * 2 * math.pi
radius = torch.where(torch.arange(n_samples) % 2 == 0, torch.tensor(1.0), torch.tensor(0.8))
X = torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1) + 0.03 * torch.randn(n_samples, 2)
y = (torch.arange(n_samples) % 2 == 1).float()
print(X[:5], y[:5])

X_train, X_test = X[:160], X[160:]
y_train, y_test = y[:160], y[160:]


class CircleModelV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(in_features=2, out_features=10)
        self.layer_2 = nn.Linear(in_features=10, out_features=10)
        self.layer_3 = nn.Linear(in_features=10, out_features=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.layer_3(self.relu(self.layer_2(self.relu(self.layer_1(x)))))


model_3 = CircleModelV2()
print(model_3)

loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model_3.parameters(), lr=0.1)


def accuracy_fn(y_true, y_pred):
    correct = torch.eq(y_true, y_pred).sum().item()
    acc = (correct / len(y_pred)) * 100
    return acc


torch.manual_seed(42)
epochs = 1000

for epoch in range(epochs):
    y_logits = model_3(X_train).squeeze()
    y_pred = torch.round(torch.sigmoid(y_logits))

    loss = loss_fn(y_logits, y_train)
    acc = accuracy_fn(y_true=y_train,
                      y_pred=y_pred)

    optimizer.zero_grad()

    loss.backward()

    optimizer.step()

    model_3.eval()
    with torch.inference_mode():
        test_logits = model_3(X_test).squeeze()
        test_pred = torch.round(torch.sigmoid(test_logits))
        test_loss = loss_fn(test_logits, y_test)
        test_acc = accuracy_fn(y_true=y_test,
                               y_pred=test_pred)

    if epoch % 100 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Accuracy: {acc:.2f}% | Test Loss: {test_loss:.5f}, Test Accuracy: {test_acc:.2f}%")
