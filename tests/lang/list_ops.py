# list operations.
l = [3, 1, 4, 1, 5, 9, 2, 6]
print(len(l), l[0], l[-1], l[2:5], l[::-1], l[::3], l.index(1), l.count(1), 9 in l)
l.append(7); l.insert(0, 0); l.insert(-1, 8); l.insert(100, 10); l.insert(-100, -1)
print(l)
print(l.pop(), l.pop(0), l.pop(3), l)
l.remove(1)
print(l)
l.sort()
print(l)
l.sort(reverse=True)
print(l)
l.sort(key=lambda v: (v % 3, v))
print(l)
l.reverse()
print(l, sorted(l), sorted(l, key=lambda v: -v), sorted(["b", "A", "c"], key=str.lower))
m = [1, 2, 3, 4, 5, 6, 7, 8]
m[2:5] = ["a", "b"]
print(m)
m[1:1] = [9, 9, 9]
print(m)
del m[::2]
print(m)
m[::2] = [0] * len(m[::2])
print(m)
del m[1:3]
print(m, m * 2, [0] * 3, m + [1], [[]] * 2)
n = [1, 2]
n += [3]
n *= 2
print(n, n == [1, 2, 3, 1, 2, 3], [1, 2] < [1, 3], [1, 2] < [1, 2, 0], [] == [])
n.extend(range(3)); n.extend("ab")
print(n, n.copy() is not n, list(reversed(n))[:3])
n.clear()
print(n, bool(n), list(), list((1, 2)), list({1: 2}))
try:
    [].pop()
except IndexError:
    print("IndexError pop")
try:
    [1].remove(2)
except ValueError:
    print("ValueError remove")
try:
    [1][5]
except IndexError:
    print("IndexError index")
a = [1, 2, 3]
b = a
b.append(4)
print(a, a is b, [x for x in a if x % 2], max([3, 7, 2]), min([3, 7, 2]), sum([1.5, 2.5]))
s = [5, 3, 5, 1, 3]
s.sort()
print(s, [(1, "b"), (1, "a"), (0, "z")] == sorted([(1, "b"), (1, "a"), (0, "z")]))
print(sorted([(1, "b"), (1, "a"), (0, "z")]))
