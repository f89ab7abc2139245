# set and frozenset operations (printed sorted: iteration order differs between implementations).
s = {3, 1, 2}
s.add(4); s.add(1)
print(sorted(s), len(s), 2 in s, 9 in s)
s.discard(9); s.discard(3); s.remove(4)
print(sorted(s))
try:
    s.remove(99)
except KeyError:
    print("KeyError")
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b, [9])), sorted(a.intersection(b)), sorted(a.difference(b)), sorted(a.symmetric_difference(b)))
print({1, 2} <= a, {1, 2} < a, a <= a, a < a, a >= {1}, {9}.isdisjoint(a), {1}.issubset(a), a.issuperset({1, 2}))
c = set(a)
c |= {10}; c &= {1, 2, 10}; c -= {2}; c ^= {3}
print(sorted(c))
c.update([7, 8], (9,))
c.intersection_update({7, 8, 9, 1})
c.difference_update({8})
print(sorted(c))
p = c.pop()
print(p in {1, 7, 9}, len(c))
c.clear()
print(c, set(), set("aab") == {"a", "b"}, set([1, 1, 1]) == {1})
f = frozenset([1, 2, 3])
print(sorted(f), type(f).__name__, f == {1, 2, 3}, hash(f) == hash(frozenset([3, 2, 1])), {f: 1}[frozenset([1, 2, 3])])
print(sorted({x % 5 for x in range(20)}), len({(1, 2), (1, 2), (2, 1)}))
try:
    {[1]}
except TypeError:
    print("TypeError")
