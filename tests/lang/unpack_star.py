# Star-unpacking in assignments, calls and displays.
a, *b = [1, 2, 3]
print(a, b)
*a, b = range(4)
print(a, b)
a, *b, c = "hello"
print(a, b, c)
a, *b, c = (1, 2)
print(a, b, c)
(a, b), c = (1, 2), 3
print(a, b, c)
[a, [b, *c]] = [1, [2, 3, 4]]
print(a, b, c)
for x, *rest in [(1, 2, 3), (4,)]:
    print(x, rest)
try:
    a, b = [1, 2, 3]
except ValueError:
    print("ValueError too many")
try:
    a, b, c = [1, 2]
except ValueError:
    print("ValueError too few")
try:
    a, *b, c = [1]
except ValueError:
    print("ValueError star too few")
def f(*args, **kw):
    return args, sorted(kw.items())
print(f(4, *[1, 2], b=2, **{"a": 1, "c": 3}), f(0, *(3,)), f(**{"z": 0}))
x = y = z = 7
print(x, y, z)
a, b = b, a = 1, 2
print(a, b)
lst = [0, 0, 0]
i = 0
i, lst[i] = 1, 5
print(i, lst)
d = {}
d["k"], d["j"] = "K", "J"
print(sorted(d.items()))
first, second = "xy"
print(first, second)
print(*[1, 2, 3], sep="-")
