# Source: 刘二大人《PyTorch深度学习实践》(Bilibili) — 第3讲 梯度下降 与 随机梯度下降, rewritten.
x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]

w = 1.0


def forward(x):
    return x * w


def cost(xs, ys):
    cost = 0
    for x, y in zip(xs, ys):
        y_pred = forward(x)
        cost += (y_pred - y) ** 2
    return cost / len(xs)


def gradient(xs, ys):
    grad = 0
    for x, y in zip(xs, ys):
        grad += 2 * x * (x * w - y)
    return grad / len(xs)


epoch_list = []
cost_list = []
print('predict (before training)', 4, forward(4))
for epoch in range(100):
    cost_val = cost(x_data, y_data)
    grad_val = gradient(x_data, y_data)
    w -= 0.01 * grad_val  # 0.01 learning rate
    print('epoch:', epoch, 'w=', w, 'loss=', cost_val)
    epoch_list.append(epoch)
    cost_list.append(cost_val)

print('predict (after training)', 4, forward(4))

# 随机梯度下降：每个样本更新一次
w = 1.0


def loss(x, y):
    y_pred = forward(x)
    return (y_pred - y) ** 2


def gradient_one(x, y):
    return 2 * x * (x * w - y)


for epoch in range(100):
    for x, y in zip(x_data, y_data):
        grad = gradient_one(x, y)
        w = w - 0.01 * grad
        l = loss(x, y)
    if epoch % 10 == 0:
        print("progress:", epoch, "w=", w, "loss=", l)
print('predict (after training)', 4, forward(4))
