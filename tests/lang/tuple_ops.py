# tuple operations.
t = (1, 2, 3, 2)
print(t, len(t), t[1], t[-1], t[1:3], t[::-1], t.count(2), t.index(3), 2 in t)
print((), (1,), tuple([1, 2]), tuple("ab"), tuple(range(3)), t + (5,), t * 2, (0,) * 0)
print((1, 2) < (1, 3), (1, 2) == (1, 2), (1,) < (1, 0), (2,) > (1, 99), () < (0,))
a, b, c, d = t
print(a, b, c, d)
print(hash((1, 2)) == hash((1, 2)), {(1, 2): "x"}[(1, 2)])
try:
    t[0] = 5
except TypeError:
    print("TypeError")
try:
    hash(([],))
except TypeError:
    print("TypeError unhashable")
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], len(nested), max(t), min(t), sum(t), sorted(t), tuple(sorted(t, reverse=True)))
x = 1, 2
print(x, type(x).__name__)
