# set and frozenset: construction, printing order, methods and operators

print(set(), frozenset(), {3, 1, 2}, set([5, 4, 4]), set("a"), set(range(10, 0, -2)))
print(frozenset([2, 1]), frozenset(), set(frozenset([1])), {9, 1}, {1, 9}, {-1, -2, 7})
print(set(range(100, 0, -7)))
print({40, 30, 20, 10, 0}, set([40, 30, 20, 10, 0]))
s = set()
for x in (40, 30, 20, 10, 0):
    s.add(x)
print(s, len(s), 30 in s, 31 in s, 31 not in s)
s = {1, 2, 3}
s.add(2)
s.add(4)
s.discard(1)
s.discard(99)
s.remove(2)
print(s)
try:
    s.remove(99)
except KeyError as e:
    print("KeyError", e.args)
print(s.pop(), s.pop(), s)
s.clear()
print(s)
try:
    s.pop()
except KeyError:
    print("KeyError pop")
a = {1, 2, 3, 4}
b = {3, 4, 5, 6}
print(a | b, a & b, a - b, b - a, a ^ b)
print(a.union(b, [7]), a.intersection(b, {4}), a.difference(b, [1]), a.symmetric_difference([4, 9]))
print(a.issubset(a | b), a.issubset(b), a.issuperset({1}), a.issuperset([1, 9]), a.isdisjoint({9}), a.isdisjoint([1]))
print(a < a | b, a < a, a <= a, a > {1}, a >= {1, 2, 3, 4}, a == {4, 3, 2, 1}, a != b, a == [1, 2, 3, 4])
c = a.copy()
c |= {10}
c &= {1, 10, 2}
c -= {2}
c ^= {3, 1}
print(a, c)
c.update([20], (21,))
c.intersection_update([20, 21, 3])
c.difference_update([21])
c.symmetric_difference_update({20, 30})
print(c)
try:
    a | [1]
except TypeError:
    print("TypeError or list")
try:
    hash({1})
except TypeError:
    print("TypeError hash")
try:
    {1, [2]}
except TypeError:
    print("TypeError unhashable")
f = frozenset([1, 2])
print(f | {3}, {3} | f, f & {1}, f - {1}, type(f | {3}).__name__, type({3} | f).__name__)
print(hash(f) == hash(frozenset([2, 1])), {f: 1}[frozenset({1, 2})], f.copy() is f)
g = f
g |= {5}
print(g, f, g is f)
print({frozenset(), frozenset([1])} == {frozenset([1]), frozenset()})
print({1, True, 1.0}, {0, False}, len({"a", "a", "b"}))
print(sorted({"x", "y", "z"}), sum({1, 2, 3}), max({4, 8, 1}))
print({x % 5 for x in range(20)}, {(i, -i) for i in range(3)})
s = set(range(50))
for i in range(0, 50, 2):
    s.discard(i)
print(s)
s.add(100)
s.add(0)
print(s)
