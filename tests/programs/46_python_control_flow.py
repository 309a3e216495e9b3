y = x = torch.zeros(2)
x += 1
print(y)
t = torch.arange(6.0).reshape(2, 3)
t[0] += 10
t[:, 1] *= 2
print(t)
lst = [1, 2, 3]
lst[0] += 5
lst += [4]
print(lst)
d = {"a": 1}
d["a"] += 1
print(d)
for i in range(3):
    pass
else:
    print("done", i)
k = 0
while k < 2:
    k += 1
else:
    print("while else", k)
print(0 < k < 5, 1 < k < 2)
s = 0
for i in range(10):
    if i % 2:
        continue
    if i > 6:
        break
    s += i
print(s)
a, b = b, a = 1, 2
print(a, b)
x1, (y1, z1) = 1, (2, 3)
print(x1, y1, z1)
print([i for i in range(3)], i)
