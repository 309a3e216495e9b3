a = 7
b = 2
print(a / b, a // b, a % b, a ** b, -a // b, -a % b)
print(round(2.5), round(3.5), round(2.675, 2), round(-1.5))
print(abs(-3), abs(-2.5), int(3.9), int(-3.9), float(4))
print(min([3, 1, 2]), max(3, 7, 5), sum([0.1, 0.2, 0.3]), sum(range(5)))
print(0.1 + 0.2, 1e300 * 10, 2 ** 0.5, 1 / 3)
print(divmod(7, 2), divmod(-7.5, 2))
print(True + True, 10 ** 20, 3 * 1.1)
print(isinstance(a, int), isinstance(2.0, float), isinstance(a, (float, str)))
x = torch.tensor(2.0)
print(isinstance(x, torch.Tensor), isinstance(x.item(), float))
print(sorted([3, 1, 2], reverse=True), list(reversed([1, 2, 3])))
print(len("hello"), str(3) + "!", "ab" * 3)
