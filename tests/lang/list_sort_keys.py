# list.sort with keys, reverse, many equal elements and larger inputs. (Stability is not
# checked: MicroPython's sort is not stable.)
recs = [("b", 2), ("a", 2), ("c", 1), ("d", 1), ("e", 3), ("f", 2)]
print(sorted(recs, key=lambda r: (r[1], r[0])))
print(sorted(recs, key=lambda r: (r[1], r[0]), reverse=True))
data = [(i * 7919) % 1000 for i in range(1000)]
s = sorted(data)
print(s[:5], s[-5:], all(s[i] <= s[i + 1] for i in range(len(s) - 1)), sum(s) == sum(data))
data.sort(reverse=True)
print(data[:3], data == s[::-1])
strs = ["%03d" % ((i * 37) % 101) for i in range(101)]
strs.sort()
print(strs[:3], strs[-1])
pairs = [(i % 3, -i) for i in range(12)]
pairs.sort()
print(pairs)
same = [5] * 50
same.sort()
print(len(same), same[0])
try:
    [1, "a", 2].sort()
except TypeError:
    print("TypeError")
l = [3, 1, 2]
print(l.sort(), l)
