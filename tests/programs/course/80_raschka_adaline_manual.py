# Source: Sebastian Raschka, STAT 453 Deep Learning (UW-Madison, 2021) — L06 adaline-with-autograd.ipynb part 1 - ADALINE with a hand-written backward, rewritten (random data instead of Iris).
import torch

X = torch.randn(100, 2)
y = (X[:, 0] + 0.5 * X[:, 1] > 0).to(torch.int)

torch.manual_seed(123)
shuffle_idx = torch.randperm(y.size(0), dtype=torch.long)
X, y = X[shuffle_idx], y[shuffle_idx]
percent70 = int(shuffle_idx.size(0) * 0.7)
X_train, X_test = X[shuffle_idx[:percent70]], X[shuffle_idx[percent70:]]
y_train, y_test = y[shuffle_idx[:percent70]], y[shuffle_idx[percent70:]]

mu, sigma = X_train.mean(dim=0), X_train.std(dim=0)
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma


class Adaline1():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weight = torch.zeros(num_features, 1,
                                  dtype=torch.float)
        self.bias = torch.zeros(1, dtype=torch.float)

    def forward(self, x):
        netinputs = torch.add(torch.mm(x, self.weight), self.bias)
        activations = netinputs
        return activations.view(-1)

    def backward(self, x, yhat, y):
        grad_loss_yhat = 2 * (y - yhat)

        grad_yhat_weights = -x
        grad_yhat_bias = -1.

        grad_loss_weights = torch.mm(grad_yhat_weights.t(),
                                     grad_loss_yhat.view(-1, 1)) / y.size(0)
        grad_loss_bias = torch.sum(grad_yhat_bias * grad_loss_yhat) / y.size(0)

        return (-1) * grad_loss_weights, (-1) * grad_loss_bias


def loss_func(yhat, y):
    return torch.mean((yhat - y)**2)


def train(model, x, y, num_epochs,
          learning_rate=0.01, seed=123, minibatch_size=10):
    cost = []

    torch.manual_seed(seed)
    for e in range(num_epochs):

        shuffle_idx = torch.randperm(y.size(0), dtype=torch.long)
        minibatches = torch.split(shuffle_idx, minibatch_size)

        for minibatch_idx in minibatches:
            yhat = model.forward(x[minibatch_idx])
            negative_grad_w, negative_grad_b = \
                model.backward(x[minibatch_idx], yhat, y[minibatch_idx])
            model.weight += learning_rate * negative_grad_w
            model.bias += learning_rate * negative_grad_b

        yhat = model.forward(x)
        curr_loss = loss_func(yhat, y)
        print('Epoch: %03d' % (e + 1), end="")
        print(' | MSE: %.5f' % curr_loss)
        cost.append(curr_loss)

    return cost


model = Adaline1(num_features=X_train.size(1))
cost = train(model,
             X_train, y_train.float(),
             num_epochs=20,
             learning_rate=0.01,
             seed=123,
             minibatch_size=10)

train_pred = model.forward(X_train)
test_pred = model.forward(X_test)
train_acc = torch.mean(((torch.where(train_pred > 0.5, 1, 0).view(-1) == y_train).float()))
test_acc = torch.mean(((torch.where(test_pred > 0.5, 1, 0).view(-1) == y_test).float()))
print('Training Accuracy: %.2f' % (train_acc * 100))
print('Test Accuracy: %.2f' % (test_acc * 100))
