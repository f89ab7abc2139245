# Assignment expressions (walrus operator).
data = [1, 5, 12, 7, 20, 3]
if (n := len(data)) > 5:
    print("long", n)
print([y for x in data if (y := x * 2) > 10])
print(y)
values = iter([3, 2, 1, 0, 5])
total = 0
while (v := next(values)) != 0:
    total += v
print(total, v)
def f():
    if (m := 10) and (k := m + 1):
        return m, k
print(f())
print((z := 5) + z)
def outer():
    [last := i for i in range(4)]
    return last
print(outer())
print(any((hit := w) == "b" for w in "abc"), hit)
