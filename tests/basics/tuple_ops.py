# tuple construction, indexing, slicing, operators, hashing and methods

print(tuple(), tuple([1, 2]), tuple("ab"), tuple(range(3)), (1,), ())
t = (1, 2, 3, 4, 5)
print(t[0], t[-1], t[1:3], t[::-1], t[::2], t[10:], len(t), bool(()), bool(t))
try:
    t[5]
except IndexError:
    print("IndexError")
try:
    t[0] = 1
except TypeError:
    print("TypeError assign")
try:
    del t[0]
except TypeError:
    print("TypeError delete")
print(t + (6,), (0,) + t, t * 2, 2 * (1, 2), (1,) * 0, () * 5)
try:
    (1,) + [2]
except TypeError:
    print("TypeError add list")
print((1, 2) == (1, 2), (1, 2) == [1, 2], (1, 2) < (1, 3), (1, 2) < (1, 2, 0), (2,) > (1, 5))
print((1, (2, 3)) < (1, (2, 4)), (1, 2) <= (1, 2), (1, 2) >= (1, 3))
print(3 in t, 9 in t, (1, 2) in ((1, 2), 3))
print(t.index(3), t.count(3), (1, 1, 2).count(1), t.index(4, 1, 4))
try:
    t.index(9)
except ValueError:
    print("ValueError")
print(hash((1, 2)) == hash((1, 2)), hash((1, 2)) == hash((2, 1)), hash(()) == hash(()))
print(hash((1, (2, "a"))) == hash((1, (2, "a"))))
try:
    hash((1, [2]))
except TypeError:
    print("TypeError unhashable item")
d = {(1, 2): "a", (3,): "b"}
print(d[(1, 2)], d[(3,)], (1, 2) in d)
a, b, *c = (1, 2, 3, 4)
print(a, b, c)
x = (5, 6)
print(tuple(x) is x, x[:] is x)
for v in (1, 2):
    print(v)
print({(1, 2), (3, 4), (0, 0)})
print({(i, i + 1) for i in range(6)})
