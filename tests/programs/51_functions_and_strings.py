def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
print(fact(10))
counts = []
def record(v, store=counts):
    store.append(v)
    return len(store)
record(1)
record(2)
print(counts)
def outer(a):
    def inner(b):
        return a * b
    return inner(3)
print(outer(torch.tensor(2.0, requires_grad=True)))
x = 5
def g():
    return x + 1
print(g())
assert fact(3) == 6, "bad"
t = (1, 2, 3)
a, *rest = t
print(a, rest)
del counts[0]
print(counts, 2 in counts, "s" not in "abc")
s = "Hello World"
print(s.lower(), s.split(), s.replace("o", "0"), s[::-1], s[1:4])
print("%5.2f|%-4d|%s" % (3.14159, 7, [1, 2]))
print(str(torch.tensor(1.5)))
nums = [3, 1, 4, 1, 5, 9, 2, 6]
print(sorted(nums), nums.index(4), nums.count(1), nums[-3:])
nums.reverse()
print(nums)
print(max(nums), min(nums), sum(nums) / len(nums))
